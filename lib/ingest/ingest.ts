import { createHash, type Hash } from "node:crypto";
import { basename, resolve } from "node:path";
import type Database from "better-sqlite3";
import type { LineFormat, ParserLimits } from "../audit/types";
import { claimDataset, createDataset, releaseDataset, setDatasetStatus } from "../store/datasets";
import { EventWriter } from "../store/event-writer";
import {
  dropRowsOfSkippedEvents,
  markedRanges,
  markIngestStart,
  undoUnfinishedIngest,
} from "../store/ingest-marks";
import { bindPendingLogins } from "../store/pending-logins";
import { rebuildProcesses } from "../store/process-rebuild";
import {
  dropLinksToGoneRows,
  keepProcessState,
  loadProcessState,
  waitingLogins,
  withPendingLogins,
} from "../store/process-state";
import { type DatasetSummary, mergeSummaries } from "./dataset-summary";
import { inlineChannel, type ParseChannel, workerChannel } from "./parse-channel";
import { type FileStats, type ParseMessage, type Refusal, SNIFF_LINES } from "./parse-side";
import { corruptGzipNote, describeCorruptGzip, type Source } from "./sources";
import type { MalformedTuple, WriteBatch } from "./write-batch";

export interface IngestProgress {
  file: string;
  fileIndex: number;
  files: number;
  /** Raw bytes read, of all files; `bytesTotal` is null when a source has no known size (stdin). */
  bytesRead: number;
  bytesTotal: number | null;
  lines: number;
  events: number;
  /**
   * The files are in; the processes are being linked again from the dataset's stored events (the
   * files came before or between stored ones): events read of those to read. Null otherwise.
   */
  linking: { events: number; of: number } | null;
}

export interface IngestFileResult {
  path: string;
  bytes: number;
  lines: number;
  records: number;
  events: number;
  malformed: number;
  refused: string | null;
}

export interface IngestResult {
  dataset: number | null;
  status: "ready" | "failed" | "cancelled" | "refused";
  error: string | null;
  bytes: number;
  lines: number;
  /** Records and events added to the dataset (the files' own counts are in `files`). */
  records: number;
  events: number;
  /** Events the files held that the dataset already had: skipped. */
  duplicates: number;
  malformed: number;
  seconds: number;
  files: IngestFileResult[];
}

export interface IngestOptions {
  db: Database.Database;
  /** Add to this dataset; otherwise a new one is created when the first file is accepted. */
  dataset?: number;
  name?: string;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
  limits?: Partial<ParserLimits>;
  /** Sessions the parse side aggregates at once (lib/derive's MAX_OPEN_SESSIONS by default). */
  maxOpenSessions?: number;
  /** Known total size (an upload's Content-Length) when the sources' sizes are not. */
  bytesTotal?: number;
  /** Parse in a worker thread (the default); inline parsing is for tests of that path. */
  worker?: boolean;
}

const PROGRESS_MS = 100;
/**
 * Bytes handed to the parser and not yet written back: bounds memory when the disk outruns SQLite.
 * At 8 MB (and 5000 events a transaction) a 500 MB ingest peaked 15 MB higher, no faster.
 */
const MAX_IN_FLIGHT = 4 * 1024 * 1024;
/**
 * Batches are written in transactions of about this many events (or half the in-flight bytes):
 * each commit rewrites every index page the batch touched, and at one batch of 1000 events per
 * transaction the commits took a third of the writer's time.
 */
const EVENTS_PER_TRANSACTION = 2500;

const REFUSALS: Record<Refusal, string> = {
  binary: "it is binary, not text",
  "no-records": `no audit records in its first ${SNIFF_LINES} non-empty lines`,
  empty: "it is empty",
  blank: "it holds only empty lines and comments",
  xz: "it is xz-compressed, and only gzip is read: unxz it first",
  bzip2: "it is bzip2-compressed, and only gzip is read: bunzip2 it first",
  zstd: "it is zstd-compressed, and only gzip is read: unzstd it first",
  zip: "it is a zip archive, and only gzip is read: unzip it first",
};

class Cancelled extends Error {}

/** A path's last part as a dataset's name: `.` is the working directory's name, `/` stays `/`. */
function datasetNameOf(given: string | null): string {
  if (given === null) return "dataset";
  return given === "-" ? "stdin" : basename(resolve(given)) || given;
}

/** Settles when the parse side answers; rejects when it fails. */
class Replies {
  private waiting: { resolve: (message: ParseMessage) => void; reject: (error: Error) => void } | null = null;
  private queue: ParseMessage[] = [];
  private failure: Error | null = null;

  push = (message: ParseMessage) => {
    if (this.waiting) {
      this.waiting.resolve(message);
      this.waiting = null;
    } else this.queue.push(message);
  };

  fail = (error: Error) => {
    this.failure ??= error;
    this.waiting?.reject(error);
    this.waiting = null;
  };

  drain(): ParseMessage[] {
    if (this.failure) throw this.failure;
    const out = this.queue;
    this.queue = [];
    return out;
  }

  next(): Promise<ParseMessage> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }
}

/**
 * Drives sources through the parser into the store: one code path for the CLI, the upload
 * route and the tests. Parsing runs in a worker thread while this thread writes; memory stays
 * bounded whatever the input size. The dataset turns `ready` in the same transaction as its
 * last rows (the events the last file left open, the derived sessions); a failure or a cancel marks it `failed` or `cancelled`.
 */
export async function ingest(
  sources: Source[] | AsyncIterable<Source>,
  options: IngestOptions,
): Promise<IngestResult> {
  const started = performance.now();
  const { db } = options;
  const results: IngestFileResult[] = [];
  /** The files read, by their row's id: their counts are corrected when the ingest ends. */
  const resultOfFile = new Map<number, IngestFileResult>();
  /** The file being read, until its result is in `results`: listed too when the ingest stops in it. */
  let reading: IngestFileResult | null = null;
  let datasetId: number | null = options.dataset ?? null;
  let writer: EventWriter | null = null;
  let channel: ParseChannel | null = null;
  const replies = new Replies();
  const formats = new Set<LineFormat>();
  const listed = Array.isArray(sources) ? sources : null;
  const bytesTotal =
    options.bytesTotal ??
    (listed?.every((s) => s.size !== null) ? listed.reduce((t, s) => t + (s.size ?? 0), 0) : null);
  let bytesRead = 0;
  /**
   * A new dataset is named after the first path given whose file went in (a directory, for a
   * file found in one); while its first file is read, after that file's path.
   */
  let givenNow: string | null = null;
  let nameFrom: string | null = null;
  let inFlight = 0;
  let doneEvents = 0;
  let doneLines = 0;
  let lastProgress = 0;
  let linking: IngestProgress["linking"] = null;

  const before = datasetId === null ? null : claimDataset(db, datasetId);
  if (datasetId !== null && before === null) {
    throw new Error(`dataset ${datasetId} does not exist or is being ingested`);
  }

  const open = (): { writer: EventWriter; channel: ParseChannel } => {
    if (datasetId === null) datasetId = createDataset(db, options.name ?? datasetNameOf(givenNow));
    if (!writer || !channel) {
      const marks = markIngestStart(db, datasetId, before);
      writer = new EventWriter(db, datasetId, marks.process);
      const start = {
        nextEventId: marks.event + 1,
        nextProcessId: marks.process + 1,
        nextBlockId: marks.block + 1,
        limits: options.limits,
        maxOpenSessions: options.maxOpenSessions,
        resumeProcesses: before === null ? null : loadProcessState(db, datasetId),
      };
      channel =
        options.worker === false
          ? inlineChannel(start, replies.push)
          : workerChannel(start, replies.push, replies.fail);
    }
    return { writer, channel };
  };

  const progress = (file: string, fileIndex: number, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastProgress < PROGRESS_MS)) return;
    lastProgress = now;
    options.onProgress({
      file,
      fileIndex,
      files: listed?.length ?? fileIndex + 1,
      bytesRead,
      // A log still being written is read past its listed size.
      bytesTotal: bytesTotal === null ? null : Math.max(bytesTotal, bytesRead),
      lines: doneLines,
      events: doneEvents,
      linking,
    });
  };

  // Batches waiting to be written together, and what they account for.
  let held: { batches: WriteBatch[]; events: number; bytes: number; lines: number } = {
    batches: [],
    events: 0,
    bytes: 0,
    lines: 0,
  };
  const writeHeld = () => {
    if (held.batches.length === 0) return;
    const { batches } = held;
    const { writer } = open();
    db.transaction(() => {
      for (const batch of batches) writer.writeBatch(batch);
    }).immediate();
    inFlight -= held.bytes;
    doneEvents += held.events;
    doneLines = held.lines;
    held = { batches: [], events: 0, bytes: 0, lines: 0 };
  };

  /** Takes what the parse side sent; returns the file's end (stats or a refusal) if it came. */
  const handle = (message: ParseMessage, fileLines: { base: number }): FileStats | string | null => {
    switch (message.kind) {
      case "batch":
        held.batches.push(message.batch);
        held.events += message.batch.events.length;
        held.bytes += message.bytes;
        held.lines = fileLines.base + message.lines;
        if (held.events >= EVENTS_PER_TRANSACTION || held.bytes >= MAX_IN_FLIGHT / 2) writeHeld();
        return null;
      case "read":
        inFlight -= message.bytes;
        doneLines = fileLines.base + message.lines;
        return null;
      case "file-done":
        held.batches.push(message.batch);
        held.events += message.batch.events.length;
        held.lines = fileLines.base + message.stats.lines;
        writeHeld();
        return message.stats;
      case "refused":
        return REFUSALS[message.reason];
      case "finish":
        return null;
    }
  };

  const ingestFile = async (source: Source, fileIndex: number): Promise<IngestFileResult> => {
    const result: IngestFileResult = {
      path: source.path,
      bytes: 0,
      lines: 0,
      records: 0,
      events: 0,
      malformed: 0,
      refused: null,
    };
    reading = result;
    if (source.unreadable !== null) return { ...result, refused: source.unreadable };
    // A file is hashed first only when the dataset may already hold it (then it is skipped unread);
    // otherwise, like a stream, while it is read: one pass over the bytes instead of two.
    const known = source.hash && datasetId !== null ? await source.hash() : null;
    if (known !== null) {
      if (
        db.prepare(`SELECT 1 FROM source_files WHERE dataset_id = ? AND sha256 = ?`).get(datasetId, known)
      ) {
        bytesRead += source.size ?? 0;
        return result;
      }
    }
    // The file row exists before its events (they point at it); a refused file's row is removed.
    const target = open();
    // Its size as listed until it is read: then what was read, if more (a log still being written).
    const fileId = Number(
      db
        .prepare(
          `INSERT INTO source_files (dataset_id, path, size, sha256, created_at) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(
          datasetId,
          source.path,
          source.size,
          `pending:${process.pid}:${Date.now()}:${fileIndex}`,
          new Date().toISOString(),
        ).lastInsertRowid,
    );
    const streamHash: Hash | null = known === null ? createHash("sha256") : null;
    const fileLines = { base: doneLines };
    let end: FileStats | string | null = null;
    const settle = () => {
      for (const message of replies.drain()) end = handle(message, fileLines) ?? end;
    };

    target.channel.send({ kind: "start-file", fileId });
    // Gzip data that stops making sense ends the file there: what came before goes in.
    const damage: { error: Error | null; at: number } = { error: null, at: 0 };
    const input = source.open(
      (count) => {
        bytesRead += count;
        result.bytes += count;
      },
      (error) => {
        damage.error = error;
      },
    );
    // A source that sends nothing (a pipe with no writer yet, a stalled upload) is cancelled too.
    const stopInput = () => input.destroy(new Cancelled("cancelled"));
    options.signal?.addEventListener("abort", stopInput, { once: true });
    if (options.signal?.aborted) stopInput();
    try {
      for await (const chunk of input) {
        if (options.signal?.aborted) {
          input.destroy();
          throw new Cancelled("cancelled");
        }
        const data = new Uint8Array(chunk as Buffer); // a private copy, moved (not copied) to the worker
        streamHash?.update(data);
        damage.at += data.byteLength;
        inFlight += data.byteLength;
        target.channel.send({ kind: "chunk", data });
        settle();
        while (inFlight > MAX_IN_FLIGHT && end === null) {
          end = handle(await replies.next(), fileLines);
          if (options.signal?.aborted) throw new Cancelled("cancelled");
        }
        if (typeof end === "string") {
          input.destroy();
          break;
        }
        progress(source.path, fileIndex);
      }
    } finally {
      options.signal?.removeEventListener("abort", stopInput);
    }
    if (end === null) target.channel.send({ kind: "end-file" });
    while (end === null) {
      if (options.signal?.aborted) throw new Cancelled("cancelled");
      end = handle(await replies.next(), fileLines);
      progress(source.path, fileIndex);
    }
    // The file's bytes are all answered for now (written, or dropped with a refused file).
    inFlight = 0;
    if (typeof end === "string") {
      db.prepare(`DELETE FROM source_files WHERE id = ?`).run(fileId);
      const refused = damage.error
        ? `${source.path} could not be read: ${describeCorruptGzip(damage.error)} before any audit record`
        : `${source.path} is not an audit log (${end})`;
      return { ...result, bytes: 0, refused };
    }
    let stats: FileStats = end;
    if (damage.error) {
      const note: MalformedTuple = [
        fileId,
        stats.lines + 1,
        damage.at,
        "corrupt-gzip",
        corruptGzipNote(damage.error),
        new Uint8Array(),
      ];
      db.transaction(() => target.writer.writeFileNote(note)).immediate();
      stats = { ...stats, malformed: stats.malformed + 1 };
    }
    for (const format of stats.formats) formats.add(format);
    let sha = known ?? streamHash?.digest("hex") ?? "";
    if (db.prepare(`SELECT 1 FROM source_files WHERE dataset_id = ? AND sha256 = ?`).get(datasetId, sha)) {
      // Stdin again: its events were duplicates and skipped; the file row keeps a distinct key.
      sha = `${sha}:${fileId}`;
    }
    db.prepare(
      `UPDATE source_files SET sha256 = ?, size = max(coalesce(size, 0), ?), lines = ?, records = ?, events = ?, malformed = ?,
       first_ms = ?, last_ms = ? WHERE id = ?`,
    ).run(
      sha,
      result.bytes,
      stats.lines,
      stats.records,
      stats.events,
      stats.malformed,
      stats.firstMs,
      stats.lastMs,
      fileId,
    );
    progress(source.path, fileIndex, true);
    const done = {
      ...result,
      lines: stats.lines,
      records: stats.records,
      events: stats.events,
      malformed: stats.malformed,
    };
    resultOfFile.set(fileId, done);
    return done;
  };

  const finish = async () => {
    if (datasetId === null) return;
    const target = open();
    target.channel.send({ kind: "finish" });
    let message = await replies.next();
    while (message.kind !== "finish") message = await replies.next();
    const { batch, sessions, processes } = message;
    // A file after the dataset's others went on from the process state kept: linked already.
    const continued = processes.resumed && !processes.behind;
    const id = datasetId;
    // The last rows and the ready mark commit together, durably.
    db.pragma("synchronous = FULL");
    try {
      db.transaction(() => {
        target.writer.writeBatch(batch);
        // An event whose records came apart in a file was counted once per piece by its parse.
        for (const [fileId, repeated] of target.writer.repeatedEvents()) {
          db.prepare(`UPDATE source_files SET events = events - ? WHERE id = ?`).run(repeated, fileId);
          const result = resultOfFile.get(fileId);
          if (result) result.events -= repeated;
        }
        target.writer.linkStoredPlaceholders();
        const ranges = markedRanges(db, id);
        if (ranges && target.writer.skippedEvents) dropRowsOfSkippedEvents(db, ranges);
        target.writer.rederiveRegrown();
        if (ranges && continued) dropLinksToGoneRows(db, ranges);
        if ((before === null || continued) && !processes.disordered) {
          // Records whose LOGIN the parse read before them (its file was given first).
          const { parts, pending } = bindPendingLogins(db, id, processes.pendingLogins);
          target.writer.addSessionParts(parts);
          const parse = parts.length > 0 ? withPendingLogins(processes, pending) : processes;
          keepProcessState(db, id, parse, target.writer.skippedEvents);
        } else if (target.writer.grew || processes.disordered) {
          // Files before or between the stored ones (their parse could not see the log around them),
          // or events out of order beyond the reorder window.
          const { parts, pending } = bindPendingLogins(db, id, waitingLogins(db, id, processes));
          target.writer.addSessionParts(parts);
          const rebuilt = rebuildProcesses(db, id, pending, (events, of) => {
            linking = { events, of };
            progress(
              results.at(-1)?.path ?? "",
              Math.max(results.length - 1, 0),
              events === 0 || events === of,
            );
          });
          keepProcessState(db, id, rebuilt, false);
        }
        target.writer.writeSessions(sessions);
        const previous = db
          .prepare<[number], { summary: string | null }>(`SELECT summary FROM datasets WHERE id = ?`)
          .get(id)?.summary;
        const summary = mergeSummaries(
          previous ? (JSON.parse(previous) as DatasetSummary) : null,
          target.writer.summary.toJSON(),
        );
        db.prepare(
          `UPDATE datasets SET
             bytes = (SELECT coalesce(sum(size), 0) FROM source_files WHERE dataset_id = @id),
             lines = (SELECT coalesce(sum(lines), 0) FROM source_files WHERE dataset_id = @id),
             records = records + @records,
             malformed = (SELECT coalesce(sum(malformed), 0) FROM source_files WHERE dataset_id = @id),
             events = (SELECT count(*) FROM events WHERE dataset_id = @id),
             first_ms = (SELECT min(first_ms) FROM source_files WHERE dataset_id = @id),
             last_ms = (SELECT max(last_ms) FROM source_files WHERE dataset_id = @id),
             nodes = @nodes,
             interpreted = interpreted OR @interpreted,
             summary = @summary,
             name = coalesce(@name, name),
             status = 'ready', error = NULL, owner_pid = NULL, ingest_marks = NULL, updated_at = @now
           WHERE id = @id`,
        ).run({
          id,
          records: target.writer.added.records,
          name: options.name === undefined && options.dataset === undefined ? datasetNameOf(nameFrom) : null,
          interpreted: formats.has("interpreted") ? 1 : 0,
          summary: JSON.stringify(summary),
          nodes: Object.keys(summary.nodes)
            .filter((node) => node !== "")
            .sort()
            .join("\n"),
          now: new Date().toISOString(),
        });
      }).immediate();
    } finally {
      db.pragma("synchronous = NORMAL");
    }
  };

  let status: IngestResult["status"] = "ready";
  let error: string | null = null;
  try {
    let index = 0;
    for await (const source of sources) {
      givenNow = source.directory ?? source.path;
      const result = await ingestFile(source, index++);
      results.push(result);
      if (result.refused === null) nameFrom ??= givenNow;
      reading = null;
    }
    if (results.every((r) => r.refused !== null)) {
      status = "refused";
      if (options.dataset === undefined && datasetId !== null) {
        // Nothing is created for a request whose every file was refused.
        db.prepare(`DELETE FROM datasets WHERE id = ?`).run(datasetId);
        releaseDataset(db, datasetId);
        datasetId = null;
      } else if (datasetId !== null && before !== null) {
        undoUnfinishedIngest(db, datasetId);
        setDatasetStatus(db, datasetId, before.status, before.error);
      }
    } else {
      await finish();
    }
  } catch (failure) {
    status = failure instanceof Cancelled ? "cancelled" : "failed";
    error = failure instanceof Error ? failure.message : String(failure);
    const stoppedIn = reading as IngestFileResult | null;
    if (stoppedIn) results.push(stoppedIn);
    if (datasetId !== null) {
      const why = status === "cancelled" ? "cancelled by the user" : error;
      // Left in place if the undo itself fails: the next claim or start-up undoes it.
      let undone = false;
      try {
        undoUnfinishedIngest(db, datasetId);
        undone = true;
      } catch {}
      if (undone && before !== null) {
        // Files added to a dataset: it is back as it was, and stays as usable as it was.
        setDatasetStatus(
          db,
          datasetId,
          before.status,
          `adding files ${status === "cancelled" ? "was" : "failed:"} ${why}; the dataset holds what it held before`,
        );
      } else {
        setDatasetStatus(db, datasetId, status, why);
      }
    }
  } finally {
    if (datasetId !== null) releaseDataset(db, datasetId);
    await (channel as ParseChannel | null)?.close();
  }
  const sum = (key: "bytes" | "lines" | "malformed") => results.reduce((t, r) => t + r[key], 0);
  // What did not finish was undone: nothing of it was added.
  const added = (status === "ready" ? (writer as EventWriter | null)?.added : null) ?? {
    events: 0,
    records: 0,
    duplicates: 0,
  };
  return {
    dataset: datasetId,
    status,
    error,
    bytes: sum("bytes"),
    lines: sum("lines"),
    ...added,
    malformed: sum("malformed"),
    seconds: (performance.now() - started) / 1000,
    files: results,
  };
}
