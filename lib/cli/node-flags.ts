/**
 * V8 grows its heap lazily when allocation is fast (an ingest allocates a lot of short-lived
 * objects), so without a cap the process's RSS rises far past its live data before a full GC.
 * 256 MB of old space is plenty for the server and the CLI and keeps an ingest under 400 MB RSS.
 * bin/auditscope passes the same flag to the CLI's own node process.
 */
export const HEAP_FLAGS = ["--max-old-space-size=256"];
