/**
 * The least it costs on this machine to put a log into SQLite at all, whatever the design: split
 * the lines, one bare row per event (time and serial only, no field parsed, no index, no derived
 * table, no full-text), and the raw lines kept as deflated blocks — what the store must hold.
 * A yardstick for the ingest's figure, run by bench/run.ts beside it on the same file:
 *   tsx bench/store-floor.ts FILE   → one JSON line (StoreFloorResult) on stdout
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";
import Database from "better-sqlite3";

export interface StoreFloorResult {
  bytes: number;
  events: number;
  seconds: number;
  peakRss: number;
}

const NEWLINE = 0x0a;
const BLOCK_BYTES = 256 * 1024;
const ROWS_PER_TRANSACTION = 50_000;
const STAMP = "msg=audit(";

export async function storeFloor(file: string): Promise<StoreFloorResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "auditscope-floor-"));
  try {
    const db = new Database(path.join(dir, "floor.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(`CREATE TABLE events (id INTEGER PRIMARY KEY, time_ms INTEGER, serial INTEGER);
      CREATE TABLE raw_blocks (id INTEGER PRIMARY KEY, data BLOB);`);
    const insertEvent = db.prepare(`INSERT INTO events (time_ms, serial) VALUES (?, ?)`);
    const insertBlock = db.prepare(`INSERT INTO raw_blocks (data) VALUES (?)`);
    let events: [number, number][] = [];
    let blocks: Buffer[] = [];
    const flush = db.transaction(() => {
      for (const [timeMs, serial] of events) insertEvent.run(timeMs, serial);
      for (const block of blocks) insertBlock.run(block);
    });
    const write = () => {
      flush();
      events = [];
      blocks = [];
    };

    const started = performance.now();
    let count = 0;
    let lastStamp = "";
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
      const data = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        // A new event wherever the line's time:serial stamp changes.
        const line = data.toString("latin1", start, end);
        const at = line.indexOf(STAMP);
        if (at !== -1) {
          const stamp = line.slice(at + STAMP.length, line.indexOf(")", at));
          if (stamp !== lastStamp) {
            lastStamp = stamp;
            const colon = stamp.indexOf(":");
            events.push([Math.round(Number(stamp.slice(0, colon)) * 1000), Number(stamp.slice(colon + 1))]);
            count++;
            if (events.length >= ROWS_PER_TRANSACTION) write();
          }
        }
        start = end + 1;
      }
      for (let at = 0; at < start; at += BLOCK_BYTES) {
        blocks.push(deflateRawSync(data.subarray(at, Math.min(start, at + BLOCK_BYTES)), { level: 1 }));
      }
      rest = data.subarray(start);
    }
    write();
    db.close();
    return {
      bytes: statSync(file).size,
      events: count,
      seconds: (performance.now() - started) / 1000,
      peakRss: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx bench/store-floor.ts FILE");
    process.exitCode = 2;
    return;
  }
  console.log(JSON.stringify(await storeFloor(file)));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
