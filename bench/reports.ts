/**
 * Report query times on a big dataset: the log is ingested once into bench/out/ (reused while the
 * log and the schema are unchanged), then each report's queries are timed cold (empty report
 * cache) and warm (p50/p95 of repeated runs), beside aureport's time for the same report on the
 * file (cached in bench/out/ too: it takes minutes per report at 1 GB; runs over the timeout are
 * reported as such). Run in its own process by bench/run.ts:
 *   tsx bench/reports.ts FILE [--runs N] [--aureport-timeout S] [--no-aureport]
 *   → one JSON line (ReportsBenchResult) on stdout
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { ingest } from "../lib/ingest/ingest";
import { expandSources } from "../lib/ingest/sources";
import { getDataset } from "../lib/queries/get-dataset";
import { getDatasetOverview } from "../lib/queries/get-dataset-overview";
import {
  detailedReport,
  hasRanking,
  REPORT_NAMES,
  type ReportFilters,
  type ReportName,
  reportRanking,
  reportSummary,
  sortableColumns,
  warmReportCache,
} from "../lib/reports";
import { reportKind } from "../lib/reports/aureport/kinds";
import { dropCachedResults } from "../lib/reports/cache";
import { createPrisma, openDatabase } from "../lib/store/db";
import { readMigrations } from "../lib/store/migrate";

export interface QueryTiming {
  /** First run, with the report cache emptied. */
  coldMs: number;
  p50Ms: number;
  p95Ms: number;
}

/** Seconds, or "timeout" when aureport ran longer than the bench allows. */
export type AureportTime = number | "timeout";

export interface ReportTiming {
  report: string;
  /** Detailed report: first page of 100 rows with its total; all and --failed. */
  detailed: QueryTiming;
  detailedFailed: QueryTiming;
  /** --summary ranking, its first 100 values with the count (null: the report has none); all and --failed. */
  ranking: QueryTiming | null;
  rankingFailed: QueryTiming | null;
  /** The first page sorted by the slowest of its other sortable columns (null: only by time). */
  sorted: (QueryTiming & { column: string }) | null;
  /** aureport on the file: detailed and --summary seconds; null: not run (or no such report). */
  aureportSeconds: AureportTime | null;
  aureportSummarySeconds: AureportTime | null;
}

export interface ReportsBenchResult {
  bytes: number;
  events: number;
  /** The whole run: ingest (unless reused), every timing, aureport's runs. */
  seconds: number;
  ingestSeconds: number | null;
  reused: boolean;
  dbBytes: number;
  reportRows: { events: number; items: number };
  timings: ReportTiming[];
  /** warmReportCache() from an empty cache: what every ingest adds to prepare the pages. */
  warmSeconds: number;
  /** The dataset overview page's queries (its counts, chart, top-10 tables and aureport's counters). */
  overview: QueryTiming;
}

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const AUREPORT = "/usr/sbin/aureport";

/** The dataset for `file`: from a previous run when the log and the schema are the same. */
async function datasetFor(
  file: string,
): Promise<{ db: Database.Database; dataset: number; ingestSeconds: number | null; dbFile: string }> {
  const base = path.join(BENCH_DIR, "out", `reports-${path.basename(file, ".log")}`);
  const dbFile = `${base}.db`;
  const metaFile = `${base}.json`;
  const stamp = JSON.stringify({
    size: statSync(file).size,
    mtime: statSync(file).mtimeMs,
    schema: createHash("sha256")
      .update(
        readMigrations()
          .map((m) => m.sql)
          .join("\n"),
      )
      .digest("hex"),
  });
  if (existsSync(dbFile) && existsSync(metaFile) && readFileSync(metaFile, "utf8") === stamp) {
    const db = openDatabase(dbFile);
    const row = db
      .prepare<[], { id: number }>(`SELECT id FROM datasets WHERE status = 'ready' ORDER BY id DESC LIMIT 1`)
      .get();
    if (row) return { db, dataset: row.id, ingestSeconds: null, dbFile };
    db.close();
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbFile}${suffix}`, { force: true });
  const db = openDatabase(dbFile);
  const result = await ingest(expandSources([file]), { db, name: "bench-reports" });
  if (result.status !== "ready" || result.dataset === null)
    throw new Error(`ingest ${result.status}: ${result.error}`);
  db.pragma("wal_checkpoint(TRUNCATE)");
  writeFileSync(metaFile, stamp);
  return { db, dataset: result.dataset, ingestSeconds: result.seconds, dbFile };
}

/** The sortable column whose first page takes longest, timed. */
function slowestSort(db: Database.Database, dataset: number, name: ReportName, runs: number) {
  const columns = sortableColumns(name).filter((column) => column !== "date" && column !== "time");
  let slowest: { column: string; ms: number } | null = null;
  for (const column of columns) {
    const started = performance.now();
    detailedReport(db, dataset, name, {}, { limit: 100, offset: 0, sort: column });
    const ms = performance.now() - started;
    if (slowest === null || ms > slowest.ms) slowest = { column, ms };
  }
  if (slowest === null) return null;
  const { column } = slowest;
  return {
    column,
    ...time(db, dataset, runs, () =>
      detailedReport(db, dataset, name, {}, { limit: 100, offset: 0, sort: column }),
    ),
  };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

function time(db: Database.Database, dataset: number, runs: number, query: () => unknown): QueryTiming {
  dropCachedResults(db, dataset);
  let started = performance.now();
  query();
  const coldMs = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    query();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { coldMs, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) };
}

/** Like time(), for a query that awaits (the cache is left as it is: the overview reads it warm). */
async function timeAsync(runs: number, query: () => Promise<void>): Promise<QueryTiming> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    await query();
    times.push(performance.now() - started);
  }
  const [coldMs = 0, ...rest] = times;
  rest.sort((a, b) => a - b);
  return { coldMs, p50Ms: percentile(rest, 50), p95Ms: percentile(rest, 95) };
}

/** aureport's seconds for these arguments on the file, remembered between runs. */
function aureportSeconds(file: string, args: string[], timeoutSeconds: number): AureportTime {
  const cacheFile = path.join(BENCH_DIR, "out", `aureport-times-${path.basename(file, ".log")}.json`);
  const cache = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, number | null>)
    : {};
  const key = `${statSync(file).size}:${args.join(" ")}:${timeoutSeconds}`;
  const known = cache[key];
  if (known !== undefined) return known ?? "timeout";
  const started = performance.now();
  const run = spawnSync(AUREPORT, ["-if", file, ...args], {
    env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
    stdio: "ignore",
    timeout: timeoutSeconds * 1000,
  });
  const seconds = run.error || run.signal ? null : (performance.now() - started) / 1000;
  cache[key] = seconds;
  writeFileSync(cacheFile, `${JSON.stringify(cache, null, 2)}\n`);
  return seconds ?? "timeout";
}

export async function benchReports(
  file: string,
  options: { runs: number; aureportTimeout: number; aureport: boolean },
): Promise<ReportsBenchResult> {
  const started = performance.now();
  const { db, dataset, ingestSeconds, dbFile } = await datasetFor(file);
  try {
    const page = { limit: 100, offset: 0 };
    const failed: ReportFilters = { success: "failed" };
    const timings: ReportTiming[] = [];
    const summaryArgs: string[] = [];
    const haveAureport = options.aureport && existsSync(AUREPORT);
    const aureport = (args: string[]) =>
      haveAureport ? aureportSeconds(file, args, options.aureportTimeout) : null;
    timings.push({
      report: "summary",
      detailed: time(db, dataset, options.runs, () => reportSummary(db, dataset)),
      detailedFailed: time(db, dataset, options.runs, () => reportSummary(db, dataset, failed)),
      ranking: null,
      rankingFailed: null,
      sorted: null,
      aureportSeconds: aureport(summaryArgs),
      aureportSummarySeconds: null,
    });
    for (const name of REPORT_NAMES as readonly ReportName[]) {
      const ranked = hasRanking(name);
      const option = reportKind(name).option;
      timings.push({
        report: name,
        detailed: time(db, dataset, options.runs, () => detailedReport(db, dataset, name, {}, page)),
        detailedFailed: time(db, dataset, options.runs, () =>
          detailedReport(db, dataset, name, failed, page),
        ),
        ranking: ranked
          ? time(db, dataset, options.runs, () => reportRanking(db, dataset, name, {}, page))
          : null,
        rankingFailed: ranked
          ? time(db, dataset, options.runs, () => reportRanking(db, dataset, name, failed, page))
          : null,
        sorted: slowestSort(db, dataset, name, options.runs),
        aureportSeconds: aureport([option]),
        aureportSummarySeconds: ranked ? aureport([option, "--summary"]) : null,
      });
    }
    dropCachedResults(db, dataset);
    const warmStarted = performance.now();
    await warmReportCache(db, dataset);
    const warmSeconds = (performance.now() - warmStarted) / 1000;
    const store = { file: dbFile, db, prisma: createPrisma(dbFile) };
    const overview = await timeAsync(options.runs, async () => {
      const row = await getDataset(store, dataset);
      getDatasetOverview(store, dataset, row?.firstMs ?? 0, row?.lastMs ?? 0);
      reportSummary(db, dataset);
    });
    await store.prisma.$disconnect();
    const counts = db
      .prepare<[number, number], { events: number; items: number }>(
        `SELECT (SELECT count(*) FROM report_events WHERE dataset_id = ?) AS events,
                (SELECT count(*) FROM report_items WHERE dataset_id = ?) AS items`,
      )
      .get(dataset, dataset) ?? { events: 0, items: 0 };
    const events = db
      .prepare<[number], { events: number }>(`SELECT events FROM datasets WHERE id = ?`)
      .get(dataset);
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return {
      bytes: statSync(file).size,
      events: events?.events ?? 0,
      seconds: (performance.now() - started) / 1000,
      ingestSeconds,
      reused: ingestSeconds === null,
      dbBytes: size(dbFile) + size(`${dbFile}-wal`),
      reportRows: counts,
      timings,
      warmSeconds,
      overview,
    };
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    console.error("usage: tsx bench/reports.ts FILE [--runs N] [--aureport-timeout S] [--no-aureport]");
    process.exitCode = 2;
    return;
  }
  const option = (name: string, fallback: number) => {
    const at = rest.indexOf(name);
    return at === -1 ? fallback : Number(rest[at + 1]);
  };
  const result = await benchReports(file, {
    runs: option("--runs", 20),
    aureportTimeout: option("--aureport-timeout", 120),
    aureport: !rest.includes("--no-aureport"),
  });
  console.log(JSON.stringify(result));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
