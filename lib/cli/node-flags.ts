/**
 * V8 grows its heap lazily when allocation is fast (an ingest allocates a lot of short-lived
 * objects), so without a cap the process's RSS rises far past its live data before a full GC.
 * 192 MB of old space is plenty and keeps a 1 GB ingest near 370 MB RSS (390 MB with 256).
 * bin/auditscope passes the same flag to the CLI's own node process.
 */
export const HEAP_FLAGS = ["--max-old-space-size=192"];

/**
 * The server starts ~200 MB larger than the CLI (Next, React, the route bundles); a smaller young
 * generation too keeps a 500 MB upload near 375 MB, not 420.
 */
export const SERVER_HEAP_FLAGS = [...HEAP_FLAGS, "--max-semi-space-size=4"];

/**
 * glibc keeps a malloc arena per thread; two are enough and return memory sooner: ~20 MB less for
 * the server, and for a 1 GB ingest (peak RSS 371–377 MB, 388–402 MB without).
 * A fixed mmap threshold: glibc otherwise raises it after the first large free, and the next large
 * buffers (the process state an ingest keeps at its end: 8 MB at 500 MB, copied by SQLite) then
 * stay in the heap after they are freed (+15 MB at the end of an ingest).
 * bin/auditscope sets the same for the CLI's own node process.
 */
export const MALLOC_ENV = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "1048576" };

/**
 * The server shares one arena among its threads: what rendering pages freed in the main thread's
 * arena then serves an upload's parse worker too (the e2e 500 MB upload peaked at 311–321 MB, not
 * 345). The CLI keeps two: a 1 GB ingest was no smaller with one (323 MB against 301, 66 s against 59).
 */
export const SERVER_MALLOC_ENV = { ...MALLOC_ENV, MALLOC_ARENA_MAX: "1" };
