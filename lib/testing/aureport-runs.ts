import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AUREPORT } from "./corpus";

/**
 * aureport's reports of a file, for the parity tests: run the way the referee is run (UTC, C
 * locale), a few at a time, and kept on disk (keyed by the file's content, the arguments and the
 * aureport binary) because the parity matrix is tens of thousands of runs.
 */

const run = promisify(execFile);
const CACHE_DIR = path.join(tmpdir(), "auditscope-aureport-runs");
const CONCURRENCY = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function cacheFile(file: string, args: readonly string[]): string {
  const hash = createHash("sha256")
    .update(readFileSync(file))
    .update(JSON.stringify(args))
    .update(String(statSync(AUREPORT).mtimeMs))
    .digest("hex");
  return path.join(CACHE_DIR, `${hash}.txt`);
}

/** aureport -if FILE ARGS…, stdout (latin1). Exit status 1 ("nothing found") is normal. */
export async function aureportOutput(file: string, args: readonly string[]): Promise<string> {
  const cached = cacheFile(file, args);
  try {
    return readFileSync(cached, "latin1");
  } catch {
    // not run yet
  }
  const stdout = await slot(async () => {
    try {
      const result = await run(AUREPORT, ["-if", file, ...args], {
        env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
        encoding: "latin1",
        maxBuffer: 256 * 1024 * 1024,
      });
      return result.stdout;
    } catch (error) {
      const out = (error as { stdout?: string }).stdout;
      if (typeof out === "string") return out;
      throw error;
    }
  });
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cached, stdout, "latin1");
  return stdout;
}

export interface AureportRow {
  serial: string;
  /** The whole line after the row number: date, time and the columns. */
  text: string;
}

/** A detailed report's rows; the serial is the last column but in the event and TTY reports. */
export function detailedRowsOf(output: string, serialFirst: boolean): AureportRow[] {
  const rows: AureportRow[] = [];
  for (const line of output.split("\n")) {
    const m = /^\d+\. (\S+ \S+ (.*))$/.exec(line);
    if (!m) continue;
    const columns = (m[2] ?? "").split(" ");
    rows.push({ serial: (serialFirst ? columns[0] : columns[columns.length - 1]) ?? "", text: m[1] ?? "" });
  }
  return rows;
}

/** A --summary ranking: value → total. */
export function rankingOf(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of output.split("\n")) {
    const m = /^(\d+) {2}(.*)$/.exec(line);
    if (m) counts.set(m[2] ?? "", (counts.get(m[2] ?? "") ?? 0) + Number(m[1]));
  }
  return counts;
}

/** The summary report's counters: label (after "Number of ") → value. */
export function summaryOf(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of output.matchAll(/^Number of (.+): (\d+)$/gm)) counts.set(m[1] ?? "", Number(m[2]));
  return counts;
}
