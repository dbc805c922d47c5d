import { inflateRawSync } from "node:zlib";
import type Database from "better-sqlite3";

/** A raw block's lines from its stored (deflated) bytes. */
export type InflateBlock = (blockId: number, data: Buffer) => Buffer;

/**
 * One event's raw lines, byte for byte: its slice of its block, then any lines that came late.
 * `inflate` may keep blocks for the next call (many events of one block, read in a row).
 */
export function readEventRaw(
  db: Database.Database,
  eventId: number,
  inflate: InflateBlock = (_id, data) => inflateRawSync(data),
): Buffer | null {
  const row = db
    .prepare<[number], { id: number; data: Buffer; raw_offset: number; raw_length: number }>(
      `SELECT b.id, b.data, e.raw_offset, e.raw_length FROM events e JOIN raw_blocks b ON b.id = e.raw_block_id WHERE e.id = ?`,
    )
    .get(eventId);
  if (!row) return null;
  const own = inflate(row.id, row.data).subarray(row.raw_offset, row.raw_offset + row.raw_length);
  const extra = db
    .prepare<[number], { lines: Buffer }>(`SELECT lines FROM event_raw_extra WHERE event_id = ? ORDER BY id`)
    .all(eventId);
  return extra.length === 0
    ? Buffer.from(own)
    : Buffer.concat([own, ...extra.flatMap((e) => [Buffer.from("\n"), e.lines])]);
}
