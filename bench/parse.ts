/**
 * Parse-only throughput: the file streamed through parseStream, optionally with eventFacts +
 * summarize on every event (what ingest does before writing). Run in its own process by
 * bench/run.ts so that peak RSS is this work's alone:
 *   tsx bench/parse.ts FILE [--facts]   → one JSON line (ParseBenchResult) on stdout
 */
import { createReadStream, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eventFacts } from "../lib/audit/event-facts";
import { summarize } from "../lib/audit/summary";
import { parseStream } from "../lib/ingest/parse-stream";

export interface ParseBenchResult {
  name: string;
  bytes: number;
  events: number;
  records: number;
  malformed: number;
  seconds: number;
  /** Highest RSS seen, sampled every 100 ms, and the process's own peak (bytes). */
  peakRssSampled: number;
  maxRss: number;
}

/**
 * The stream's default 64 KiB reads. Bigger reads are slower here (1 MiB: ~35–49 MB/s against
 * ~61): each push hands back ~1,000 events at once, which outlive a scavenge and get promoted.
 */
const READ_CHUNK = 64 * 1024;

export async function benchParse(file: string, options: { facts: boolean }): Promise<ParseBenchResult> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  let events = 0;
  let malformed = 0;
  let records = 0;
  let actors = 0;
  try {
    for await (const out of parseStream(createReadStream(file, { highWaterMark: READ_CHUNK }))) {
      events += out.events.length;
      malformed += out.malformed.length;
      records = out.stats.records;
      if (options.facts) {
        for (const event of out.events) {
          // Keep the result alive so the work cannot be optimised away.
          if (summarize(eventFacts(event)).actor !== null) actors++;
        }
      }
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  void actors;
  return {
    name: options.facts ? "parse + eventFacts + summarize" : "parse only",
    bytes: statSync(file).size,
    events,
    records,
    malformed,
    seconds,
    peakRssSampled: peak,
    // resourceUsage reports kilobytes.
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx bench/parse.ts FILE [--facts]");
    process.exitCode = 2;
    return;
  }
  const result = await benchParse(file, { facts: process.argv.includes("--facts") });
  console.log(JSON.stringify(result));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
