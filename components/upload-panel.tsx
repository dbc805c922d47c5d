"use client";

import { useRouter } from "next/navigation";
import { type DragEvent, useCallback, useEffect, useRef, useState } from "react";
import { formatBytes } from "@/lib/format/numbers";
import type { IngestJob } from "@/lib/ingest/jobs";
import { rotatedOldestFirst } from "@/lib/ingest/rotation-order";

interface DatasetChoice {
  id: number;
  name: string;
}

interface Outcome {
  kind: "ok" | "error";
  lines: string[];
}

const POLL_MS = 500;

function describeJob(job: IngestJob): string {
  const received = job.bytesTotal
    ? `${formatBytes(job.bytesReceived)} of ${formatBytes(job.bytesTotal)}`
    : formatBytes(job.bytesReceived);
  const events = job.progress ? `, ${job.progress.events.toLocaleString("en-US")} events` : "";
  return `${received} received${events}${job.preparingReports ? "; preparing the reports" : ""}`;
}

function outcomeOf(
  status: number,
  body: Partial<IngestJob> & { error?: string | null; status?: string; events?: number; malformed?: number },
): Outcome {
  const refused = (body.files ?? []).filter((file) => file.refused).map((file) => file.refused as string);
  if (status === 200) {
    const malformed = body.malformed
      ? `; ${body.malformed.toLocaleString("en-US")} lines could not be read`
      : "";
    return {
      kind: "ok",
      lines: [
        `Added ${(body.events ?? 0).toLocaleString("en-US")} events to dataset ${body.dataset}${malformed}.`,
        ...refused,
      ],
    };
  }
  if (status === 422)
    return { kind: "error", lines: refused.length > 0 ? refused : ["No file was an audit log."] };
  return { kind: "error", lines: [body.error ?? `The upload failed (HTTP ${status}).`, ...refused] };
}

/** Drag-and-drop or pick audit logs; they stream to the server, which ingests them as they arrive. */
export function UploadPanel({ datasets }: { datasets: DatasetChoice[] }) {
  const router = useRouter();
  const [files, setFiles] = useState<File[]>([]);
  const [target, setTarget] = useState("new");
  const [name, setName] = useState("");
  const [dragging, setDragging] = useState(false);
  const [job, setJob] = useState<IngestJob | null>(null);
  const [uploaded, setUploaded] = useState<{ sent: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const xhr = useRef<XMLHttpRequest | null>(null);

  // A job started before a reload is still the server's: show it and let it be cancelled.
  useEffect(() => {
    fetch("/api/uploads")
      .then((response) => response.json() as Promise<{ jobs: IngestJob[] }>)
      .then(({ jobs }) => setJob((current) => current ?? jobs.find((j) => j.state === "running") ?? null))
      .catch(() => undefined);
  }, []);

  const jobId = job?.id;
  const running = job?.state === "running";
  useEffect(() => {
    if (!jobId || !running) return;
    const timer = setInterval(() => {
      fetch(`/api/uploads/${jobId}`)
        .then((response) => (response.ok ? (response.json() as Promise<IngestJob>) : null))
        .then((next) => {
          if (!next) return;
          setJob(next);
          if (next.state !== "running") router.refresh();
        })
        .catch(() => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [jobId, running, router]);

  const addFiles = useCallback((list: FileList | null) => {
    // Sent (and listed) in this order: a rotated log's files picked together oldest first, as the
    // server reads them. Only those: files of two picks may be two hosts' logs of the same names.
    if (list)
      setFiles((current) => [...current, ...rotatedOldestFirst(Array.from(list), (file) => file.name)]);
    setOutcome(null);
  }, []);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer.files);
  };

  const upload = () => {
    if (files.length === 0) return;
    const id = crypto.randomUUID();
    const query = new URLSearchParams({ job: id });
    if (target === "new") {
      if (name.trim()) query.set("name", name.trim());
    } else query.set("dataset", target);
    const form = new FormData();
    for (const file of files) form.append("file", file, file.name);
    const request = new XMLHttpRequest();
    xhr.current = request;
    request.open("POST", `/api/uploads?${query}`);
    request.upload.onprogress = (event) => setUploaded({ sent: event.loaded, total: event.total });
    request.onload = () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText) as object;
      } catch {
        // not JSON: described by its status below
      }
      setOutcome(outcomeOf(request.status, body));
      setJob((current) =>
        current ? { ...current, state: request.status === 200 ? "ready" : "failed" } : current,
      );
      setFiles([]);
      setUploaded(null);
      router.refresh();
    };
    request.onerror = () =>
      setOutcome({ kind: "error", lines: ["The connection to the server was lost during the upload."] });
    request.onabort = () => setOutcome({ kind: "error", lines: ["The upload was cancelled."] });
    request.send(form);
    setOutcome(null);
    setJob({
      id,
      name: name || "upload",
      state: "running",
      startedAt: Date.now(),
      finishedAt: null,
      bytesReceived: 0,
      bytesTotal: null,
      progress: null,
      preparingReports: false,
      dataset: null,
      files: [],
      error: null,
    });
  };

  const cancel = () => {
    if (job) void fetch(`/api/uploads/${job.id}`, { method: "DELETE" });
    xhr.current?.abort();
    setJob((current) => (current ? { ...current, state: "cancelled" } : current));
    router.refresh();
  };

  return (
    <section className="upload-panel" aria-labelledby="upload-title">
      <h2 id="upload-title">Add audit logs</h2>
      <section
        aria-label="Drop audit logs here"
        className={`drop-zone${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop audit.log files here (plain, .gz, or a rotated set), or</p>
        <label className="button">
          Choose files…
          <input
            type="file"
            multiple
            className="visually-hidden"
            aria-label="Choose audit log files"
            onChange={(event) => addFiles(event.target.files)}
          />
        </label>
      </section>
      {files.length > 0 ? (
        <ul className="file-list" aria-label="Files to upload">
          {files.map((file) => (
            <li key={`${file.name}-${file.size}-${file.lastModified}`}>
              {file.name} <span className="muted">({formatBytes(file.size)})</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="upload-options">
        <label>
          Into{" "}
          <select value={target} onChange={(event) => setTarget(event.target.value)}>
            <option value="new">a new dataset</option>
            {datasets.map((dataset) => (
              <option key={dataset.id} value={String(dataset.id)}>
                {dataset.name}
              </option>
            ))}
          </select>
        </label>
        {target === "new" ? (
          <label>
            named{" "}
            <input
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="the first file's name"
            />
          </label>
        ) : null}
        <button
          type="button"
          className="button primary"
          disabled={files.length === 0 || running}
          onClick={upload}
        >
          Upload {files.length > 0 ? `${files.length} file${files.length > 1 ? "s" : ""}` : ""}
        </button>
      </div>
      {job && running ? (
        <div className="upload-progress" role="status" aria-live="polite">
          {uploaded ? (
            <>
              <progress max={uploaded.total} value={uploaded.sent} aria-label="Upload progress" />{" "}
              <span>
                Uploading {formatBytes(uploaded.sent)} of {formatBytes(uploaded.total)}
              </span>
            </>
          ) : null}
          <div>Ingesting: {describeJob(job)}</div>
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      ) : null}
      {outcome ? (
        <div
          className={`upload-outcome ${outcome.kind}`}
          role={outcome.kind === "error" ? "alert" : "status"}
        >
          {outcome.lines.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
