/**
 * Ingest throughput: the file through ingest() into a fresh database, then the same file through
 * `aureport -if FILE -x --summary` for the ratio the design sets. Run in its own process by
 * bench/run.ts so peak RSS is the ingest's alone (the parse worker thread included):
 *   tsx bench/ingest.ts FILE   → one JSON line (IngestBenchResult) on stdout
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ingest } from "../lib/ingest/ingest";
import { expandSources } from "../lib/ingest/sources";
import { openDatabase } from "../lib/store/db";

export interface IngestBenchResult {
  bytes: number;
  events: number;
  seconds: number;
  peakRss: number;
  dbBytes: number;
  /** Events with a login uid: aureport looks up each one's user name, the bulk of its time on real logs. */
  loginUidEvents: number;
  aureportSeconds: number | null;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export async function benchIngest(file: string): Promise<IngestBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "auditscope-bench-"));
  const dbFile = path.join(dir, "bench.db");
  try {
    const db = openDatabase(dbFile);
    const result = await ingest(expandSources([file]), { db, name: "bench" });
    if (result.status !== "ready") throw new Error(`ingest ${result.status}: ${result.error}`);
    const loginUidEvents =
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM events WHERE auid IS NOT NULL`).get()?.n ?? 0;
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const dbBytes = fileSize(dbFile) + fileSize(`${dbFile}-wal`);

    let aureportSeconds: number | null = null;
    const started = performance.now();
    const aureport = spawnSync("/usr/sbin/aureport", ["-if", file, "-x", "--summary"], {
      env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
      stdio: "ignore",
    });
    if (aureport.status === 0) aureportSeconds = (performance.now() - started) / 1000;
    return {
      bytes: statSync(file).size,
      events: result.events,
      seconds: result.seconds,
      peakRss,
      dbBytes,
      loginUidEvents,
      aureportSeconds,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx bench/ingest.ts FILE");
    process.exitCode = 2;
    return;
  }
  console.log(JSON.stringify(await benchIngest(file)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
