import type { IngestFileResult, IngestProgress, IngestResult } from "./ingest";

/** An ingest running in this server process: it belongs to the server, not to the tab that started it. */
export interface IngestJob {
  id: string;
  name: string;
  state: "running" | IngestResult["status"];
  startedAt: number;
  finishedAt: number | null;
  /** Bytes of the upload received so far, and its announced size. */
  bytesReceived: number;
  bytesTotal: number | null;
  progress: IngestProgress | null;
  /** The events are in; the reports are being computed for the dataset's pages. */
  preparingReports: boolean;
  dataset: number | null;
  files: IngestFileResult[];
  error: string | null;
}

interface JobEntry {
  job: IngestJob;
  controller: AbortController;
}

const KEEP_FINISHED_MS = 10 * 60 * 1000;
const registry = globalThis as unknown as { auditscopeJobs?: Map<string, JobEntry> };
registry.auditscopeJobs ??= new Map();
const jobs: Map<string, JobEntry> = registry.auditscopeJobs;

function prune(now: number): void {
  for (const [id, entry] of jobs) {
    if (entry.job.finishedAt !== null && now - entry.job.finishedAt > KEEP_FINISHED_MS) jobs.delete(id);
  }
}

export function startJob(
  id: string,
  name: string,
  bytesTotal: number | null,
): { job: IngestJob; signal: AbortSignal } | null {
  prune(Date.now());
  if (jobs.has(id)) return null;
  const job: IngestJob = {
    id,
    name,
    state: "running",
    startedAt: Date.now(),
    finishedAt: null,
    bytesReceived: 0,
    bytesTotal,
    progress: null,
    preparingReports: false,
    dataset: null,
    files: [],
    error: null,
  };
  const controller = new AbortController();
  jobs.set(id, { job, controller });
  return { job, signal: controller.signal };
}

export function finishJob(job: IngestJob, result: IngestResult | { status: "failed"; error: string }): void {
  job.state = result.status;
  job.error = result.error;
  job.finishedAt = Date.now();
  if ("files" in result) {
    job.files = result.files;
    job.dataset = result.dataset;
  }
}

export function getJob(id: string): IngestJob | null {
  return jobs.get(id)?.job ?? null;
}

export function listJobs(): IngestJob[] {
  prune(Date.now());
  return [...jobs.values()].map((entry) => entry.job).sort((a, b) => b.startedAt - a.startedAt);
}

/** Asks a running job to stop; the ingest marks its dataset cancelled. */
export function cancelJob(id: string): boolean {
  const entry = jobs.get(id);
  if (entry?.job.state !== "running") return false;
  entry?.controller.abort();
  return true;
}
