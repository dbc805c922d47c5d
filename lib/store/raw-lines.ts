import { inflateRawSync } from "node:zlib";
import type Database from "better-sqlite3";

/** A raw block's lines from its stored (deflated) bytes. */
export type InflateBlock = (blockId: number, data: Buffer) => Buffer;

/** One event's stored lines: its slice of its block, and the lines that came late (oldest first). */
export interface EventRawParts {
  own: Buffer;
  late: Buffer[];
}

const NEWLINE = Buffer.from("\n");

/**
 * Reads events' raw lines, byte for byte, with its statements prepared once: the ingest reads
 * one stored event per late or duplicate event. `inflate` may keep blocks for the next call
 * (many events of one block, read in a row).
 */
export class RawLineReader {
  private readonly slice: Database.Statement<
    [number],
    { id: number; data: Buffer; raw_offset: number; raw_length: number }
  >;
  private readonly extra: Database.Statement<[number], { lines: Buffer }>;

  constructor(
    db: Database.Database,
    private readonly inflate: InflateBlock = (_id, data) => inflateRawSync(data),
  ) {
    this.slice = db.prepare(
      `SELECT b.id, b.data, e.raw_offset, e.raw_length FROM events e JOIN raw_blocks b ON b.id = e.raw_block_id WHERE e.id = ?`,
    );
    this.extra = db.prepare(`SELECT lines FROM event_raw_extra WHERE event_id = ? ORDER BY id`);
  }

  parts(eventId: number): EventRawParts | null {
    const row = this.slice.get(eventId);
    if (!row) return null;
    return {
      own: this.inflate(row.id, row.data).subarray(row.raw_offset, row.raw_offset + row.raw_length),
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
