import { inflateRawSync } from "node:zlib";
import type Database from "better-sqlite3";

/** One event's stored lines: its slice of its block, and the lines that came late (oldest first). */
export interface EventRawParts {
  own: Buffer;
  late: Buffer[];
}

const NEWLINE = Buffer.from("\n");

/** Inflated blocks kept: late and duplicate events come in runs, many from one block. */
const BLOCKS_KEPT = 8;

/**
 * Reads events' raw lines, byte for byte, with its statements prepared once (the ingest reads one
 * stored event per late or duplicate event) and the last few blocks kept inflated.
 */
export class RawLineReader {
  private readonly slice: Database.Statement<
    [number],
    { raw_block_id: number; raw_offset: number; raw_length: number }
  >;
  private readonly blockData: Database.Statement<[number], { data: Buffer }>;
  private readonly extra: Database.Statement<[number], { lines: Buffer }>;
  private readonly inflated = new Map<number, Buffer>();

  constructor(db: Database.Database) {
    this.slice = db.prepare(`SELECT raw_block_id, raw_offset, raw_length FROM events WHERE id = ?`);
    this.blockData = db.prepare(`SELECT data FROM raw_blocks WHERE id = ?`);
    this.extra = db.prepare(`SELECT lines FROM event_raw_extra WHERE event_id = ? ORDER BY id`);
  }

  /** A block's lines: from `data` when given (a batch's block, not written yet), else from the store. */
  block(blockId: number, data?: Uint8Array): Buffer {
    let lines = this.inflated.get(blockId);
    if (lines === undefined) {
      lines = inflateRawSync(data ?? this.blockData.get(blockId)?.data ?? Buffer.alloc(0));
      if (this.inflated.size >= BLOCKS_KEPT)
        this.inflated.delete(this.inflated.keys().next().value as number);
      this.inflated.set(blockId, lines);
    }
    return lines;
  }

  parts(eventId: number): EventRawParts | null {
    const row = this.slice.get(eventId);
    if (!row) return null;
    return {
      own: this.block(row.raw_block_id).subarray(row.raw_offset, row.raw_offset + row.raw_length),
      late: this.extra.all(eventId).map((e) => e.lines),
    };
  }

  /** All the event's lines, newline-separated. */
  read(eventId: number): Buffer | null {
    const parts = this.parts(eventId);
    if (!parts) return null;
    return parts.late.length === 0
      ? Buffer.from(parts.own)
      : Buffer.concat([parts.own, ...parts.late.flatMap((lines) => [NEWLINE, lines])]);
  }
}

/** One event's raw lines, byte for byte: its slice of its block, then any lines that came late. */
export function readEventRaw(db: Database.Database, eventId: number): Buffer | null {
  return new RawLineReader(db).read(eventId);
}
