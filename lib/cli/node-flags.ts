/**
 * V8 grows its heap lazily when allocation is fast (an ingest allocates a lot of short-lived
 * objects), so without a cap the process's RSS rises far past its live data before a full GC.
 * 256 MB of old space is plenty for the CLI and keeps a 1 GB ingest under 400 MB RSS.
 * bin/auditscope passes the same flag to the CLI's own node process.
 */
export const HEAP_FLAGS = ["--max-old-space-size=256"];

/**
 * The server starts ~200 MB larger than the CLI (Next, React, the route bundles), so it gets a
 * tighter heap and a smaller young generation: a 500 MB upload then peaks near 375 MB, not 420.
 */
export const SERVER_HEAP_FLAGS = ["--max-old-space-size=192", "--max-semi-space-size=4"];

/** glibc keeps a malloc arena per thread; two are enough and return memory sooner (~20 MB less). */
export const SERVER_ENV = { MALLOC_ARENA_MAX: "2" };
