/**
 * `npm run bench`: generates (or reuses) a realistic audit log under bench/out/, then runs each
 * benchmark section in a fresh process (so peak RSS is the section's own) and prints a table.
 *   tsx bench/run.ts [--size MB] [--seed N] [--format raw|enriched] [--only SECTION[,SECTION]]
 *   [--ingest-size MB]
 * Sections: parse (on a --size log, 200 MB by default), ingest (on an --ingest-size log, 1 GB by
 * default, beside aureport's time and the store's floor on the same file; then a real host's log
 * from the corpus replayed to the same size, beside aureport's time on it), reports (each report's query times on the
 * --ingest-size log's dataset, beside aureport's time for the same report; prints its own table).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HEAP_FLAGS, MALLOC_ENV } from "../lib/cli/node-flags";
import { GENERATOR_VERSION, type GeneratorOptions } from "../lib/generator/generate-log";
import { CORPUS_DIR, corpusAvailable } from "../lib/testing/corpus";
import { writeGeneratedLog } from "./generate";
import type { IngestBenchResult } from "./ingest";
import type { ParseBenchResult } from "./parse";
import { writeReplayedLog } from "./replay";
import type { AureportTime, QueryTiming, ReportsBenchResult } from "./reports";
import type { StoreFloorResult } from "./store-floor";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.join(BENCH_DIR, "out");
const MB = 1024 * 1024;

/** One row of the results table. */
interface BenchRow {
  section: string;
  name: string;
  bytes: number;
  events: number;
  seconds: number;
  peakRss: number;
  note?: string;
}

interface Section {
  name: string;
  /** Which generated log it reads. */
  log: "parse" | "ingest";
  run: (file: string, sizeMb: number) => BenchRow[] | Promise<BenchRow[]>;
}

/** Runs a bench script in its own node process, with the CLI's malloc settings, and reads the JSON line it prints. */
function runChild<T>(script: string, args: string[], nodeFlags: string[] = []): T {
  const stdout = execFileSync(
    process.execPath,
    [...nodeFlags, "--import", "tsx", path.join(BENCH_DIR, script), ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * MB,
      env: { ...process.env, ...MALLOC_ENV },
    },
  );
  const last = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}

function parseRow(r: ParseBenchResult): BenchRow {
  return {
    section: "parse",
    name: r.name,
    bytes: r.bytes,
    events: r.events,
    seconds: r.seconds,
    peakRss: Math.max(r.peakRssSampled, r.maxRss),
    note: r.malformed > 0 ? `${r.malformed} malformed` : undefined,
  };
}

function ingestRow(name: string, r: IngestBenchResult): BenchRow {
  return {
    section: "ingest",
    name,
    bytes: r.bytes,
    events: r.events,
    seconds: r.seconds,
    peakRss: r.peakRss,
    note: `ratio ${aureportRatio(r, r.seconds)}; database ${(r.dbBytes / MB).toFixed(0)} MB = ${(r.dbBytes / r.bytes).toFixed(2)}× the log; ${aureportLookups(r)}`,
  };
}

function aureportRatio(r: IngestBenchResult, seconds: number): string {
  return r.aureportSeconds === null
    ? "aureport not installed"
    : `${(seconds / r.aureportSeconds).toFixed(2)}× aureport's ${r.aureportSeconds.toFixed(2)} s`;
}

/**
 * aureport spends most of its time on a real log looking up the user of each event's login uid
 * (getpwuid, through the machine's NSS: `passwd: files systemd` costs twice `files` alone), so
 * the ratio depends on the log's share of such events and on this machine's lookups.
 */
function aureportLookups(r: IngestBenchResult): string {
  let passwd = "unknown";
  try {
    passwd = /^passwd:\s*(.*)$/m.exec(readFileSync("/etc/nsswitch.conf", "utf8"))?.[1]?.trim() ?? passwd;
  } catch {}
  const share = r.events > 0 ? (100 * r.loginUidEvents) / r.events : 0;
  return `${share.toFixed(0)} % of events have a login uid for aureport to look up (passwd: ${passwd})`;
}

/** The corpus's largest real log replayed to `sizeMb` (cached in bench/out/), or null without the corpus. */
async function replayedLog(sizeMb: number): Promise<string | null> {
  if (!corpusAvailable) {
    console.log(`ingest of a real host's log skipped: ${CORPUS_DIR} is absent`);
    return null;
  }
  const file = path.join(OUT_DIR, `replay-vrl-devtest-${sizeMb}mb.log`);
  if (!existsSync(file) || statSync(file).size < sizeMb * MB) {
    await writeReplayedLog(path.join(CORPUS_DIR, "vrl-devtest/audit.log"), file, sizeMb * MB);
  }
  return file;
}

async function ingestRows(file: string, sizeMb: number): Promise<BenchRow[]> {
  // With the heap flags the CLI runs with (bin/auditscope).
  const generated = runChild<IngestBenchResult>("ingest.ts", [file], HEAP_FLAGS);
  const floor = runChild<StoreFloorResult>("store-floor.ts", [file]);
  const rows = [
    ingestRow("ingest (parse worker + SQLite)", generated),
    {
      section: "ingest",
      name: "floor: lines, bare event rows, deflated raw",
      bytes: floor.bytes,
      events: floor.events,
      seconds: floor.seconds,
      peakRss: floor.peakRss,
      note: `${aureportRatio(generated, floor.seconds)}: the least any SQLite store of this file costs here (no field, index or derived row)`,
    },
  ];
  const replayed = await replayedLog(sizeMb);
  if (replayed !== null) {
    const real = runChild<IngestBenchResult>("ingest.ts", [replayed], HEAP_FLAGS);
    rows.push(ingestRow("ingest of a real host's log (corpus vrl-devtest, replayed)", real));
  }
  return rows;
}

const ms = (t: QueryTiming | null) => (t === null ? "-" : `${t.p50Ms.toFixed(1)} / ${t.p95Ms.toFixed(1)}`);
const cold = (t: QueryTiming | null) => (t === null ? "-" : t.coldMs.toFixed(0));
const aureportText = (t: AureportTime | null) =>
  t === null ? "-" : t === "timeout" ? "timeout" : t.toFixed(1);

/** The reports section's own table: one line per report, milliseconds (p50 / p95, cold). */
function reportsRows(r: ReportsBenchResult): BenchRow[] {
  const header = [
    "report",
    "rows p50/p95",
    "cold",
    "--failed rows",
    "ranking p50/p95",
    "cold",
    "--failed ranking",
    "sorted p50/p95 (slowest column)",
    "aureport s",
    "aureport --summary s",
  ];
  const body = r.timings.map((t) => [
    t.report,
    ms(t.detailed),
    cold(t.detailed),
    ms(t.detailedFailed),
    ms(t.ranking),
    cold(t.ranking),
    ms(t.rankingFailed),
    t.sorted ? `${ms(t.sorted)} (${t.sorted.column})` : "-",
    aureportText(t.aureportSeconds),
    aureportText(t.aureportSummarySeconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ");
  console.log(`\nreports (ms; "summary" is the summary report, its ranking columns unused):`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of body) console.log(line(row));
  console.log(
    `preparing every report after ingest (warmReportCache): ${r.warmSeconds.toFixed(1)} s; ` +
      `dataset overview page queries: ${ms(r.overview)} ms (first ${cold(r.overview)} ms)`,
  );
  const all = r.timings.flatMap((t) => [t.detailed, t.detailedFailed, t.ranking, t.rankingFailed]);
  const timed = all.filter((t): t is QueryTiming => t !== null);
  const worstP95 = Math.max(...timed.map((t) => t.p95Ms));
  const worstCold = Math.max(...timed.map((t) => t.coldMs));
  return [
    {
      section: "reports",
      name: r.reused ? "reports (dataset reused)" : `reports (ingest ${r.ingestSeconds?.toFixed(1)} s)`,
      bytes: r.bytes,
      events: r.events,
      seconds: r.seconds,
      peakRss: 0,
      note:
        `worst warm p95 ${worstP95.toFixed(1)} ms, worst cold ${worstCold.toFixed(0)} ms; ` +
        `${r.reportRows.events.toLocaleString("en-US")} report rows, database ${(r.dbBytes / MB).toFixed(0)} MB`,
    },
  ];
}

const SECTIONS: Section[] = [
  {
    name: "parse",
    log: "parse",
    run: (file) => [
      parseRow(runChild<ParseBenchResult>("parse.ts", [file])),
      parseRow(runChild<ParseBenchResult>("parse.ts", [file, "--facts"])),
    ],
  },
  {
    name: "ingest",
    log: "ingest",
    run: ingestRows,
  },
  {
    name: "reports",
    log: "ingest",
    run: (file) => reportsRows(runChild<ReportsBenchResult>("reports.ts", [file], HEAP_FLAGS)),
  },
];

interface Args {
  sizeMb: number;
  ingestSizeMb: number;
  seed: number;
  format: "raw" | "enriched";
  only: string[] | null;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { sizeMb: 200, ingestSizeMb: 1024, seed: 1, format: "raw", only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--size" && value) args.sizeMb = Number(value);
    else if (arg === "--ingest-size" && value) args.ingestSizeMb = Number(value);
    else if (arg === "--seed" && value) args.seed = Number(value);
    else if (arg === "--format" && value) args.format = value === "enriched" ? "enriched" : "raw";
    else if (arg === "--only" && value) args.only = value.split(",");
    else
      throw new Error(
        `usage: tsx bench/run.ts [--size MB] [--seed N] [--format raw|enriched] [--only parse]`,
      );
    i++;
  }
  if (!(args.sizeMb > 0) || !Number.isInteger(args.seed))
    throw new Error("--size must be > 0, --seed an integer");
  const unknown = args.only?.filter((name) => !SECTIONS.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown section(s): ${unknown.join(", ")}`);
  return args;
}

interface CacheMeta {
  version: number;
  options: GeneratorOptions;
  bytes: number;
  events: number;
  records: number;
}

/** The generated log for these options, from bench/out/ when a matching one is there. */
async function benchLog(
  args: Args,
  sizeMb: number,
): Promise<{ file: string; meta: CacheMeta; reused: boolean }> {
  mkdirSync(OUT_DIR, { recursive: true });
  const options: GeneratorOptions = {
    seed: args.seed,
    targetBytes: Math.round(sizeMb * MB),
    format: args.format,
  };
  const base = path.join(OUT_DIR, `audit-${sizeMb}mb-seed${args.seed}-${args.format}`);
  const file = `${base}.log`;
  const metaFile = `${base}.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as CacheMeta;
    if (
      meta.version === GENERATOR_VERSION &&
      JSON.stringify(meta.options) === JSON.stringify(options) &&
      statSync(file).size === meta.bytes
    ) {
      return { file, meta, reused: true };
    }
  }
  const { truth, seconds } = await writeGeneratedLog(file, options);
  const meta: CacheMeta = {
    version: GENERATOR_VERSION,
    options,
    bytes: truth.bytes,
    events: truth.events,
    records: truth.records,
  };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  console.log(
    `generated ${file}: ${(truth.bytes / MB).toFixed(0)} MB in ${seconds.toFixed(1)} s ` +
      `(${(truth.bytes / MB / seconds).toFixed(0)} MB/s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)`,
  );
  return { file, meta, reused: false };
}

function printTable(rows: BenchRow[]): void {
  const header = ["section", "what", "MB/s", "events/s", "seconds", "peak RSS MB", "note"];
  const body = rows.map((r) => [
    r.section,
    r.name,
    (r.bytes / MB / r.seconds).toFixed(1),
    Math.round(r.events / r.seconds).toLocaleString("en-US"),
    r.seconds.toFixed(2),
    (r.peakRss / MB).toFixed(0),
    r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of body) console.log(line(row));
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const rows: BenchRow[] = [];
  for (const section of SECTIONS) {
    if (args.only && !args.only.includes(section.name)) continue;
    const sizeMb = section.log === "ingest" ? args.ingestSizeMb : args.sizeMb;
    const { file, meta, reused } = await benchLog(args, sizeMb);
    console.log(
      `${section.name}: ${reused ? "reusing" : "using"} ${path.relative(process.cwd(), file)}: ${(meta.bytes / MB).toFixed(0)} MB, ` +
        `${meta.events.toLocaleString("en-US")} events, ${(meta.records / meta.events).toFixed(2)} records/event, ` +
        `${(meta.bytes / meta.events).toFixed(0)} bytes/event`,
    );
    rows.push(...(await section.run(file, sizeMb)));
  }
  console.log("");
  printTable(rows);
}

await main();
