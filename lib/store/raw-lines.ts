import { inflateRawSync } from "node:zlib";
import type Database from "better-sqlite3";

/**
 * One event's stored lines: its slice of its block, and every piece of it in log order: that
 * slice and the lines that came late, each placed by the file it came from (a piece from a file
 * that began before the event's own goes before it: the older of two files was added last).
 */
export interface EventRawParts {
  own: Buffer;
  pieces: Buffer[];
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
    { raw_block_id: number; raw_offset: number; raw_length: number; first_ms: number | null }
  >;
  private readonly blockData: Database.Statement<[number], { data: Buffer }>;
  private readonly extra: Database.Statement<[number], { lines: Buffer; first_ms: number | null }>;
  private readonly inflated = new Map<number, Buffer>();

  constructor(db: Database.Database) {
    this.slice = db.prepare(`SELECT e.raw_block_id, e.raw_offset, e.raw_length, f.first_ms
      FROM events e LEFT JOIN source_files f ON f.id = e.file_id WHERE e.id = ?`);
    this.blockData = db.prepare(`SELECT data FROM raw_blocks WHERE id = ?`);
    this.extra = db.prepare(`SELECT x.lines, f.first_ms FROM event_raw_extra x
      LEFT JOIN source_files f ON f.id = x.file_id WHERE x.event_id = ? ORDER BY x.id`);
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
    const own = this.block(row.raw_block_id).subarray(row.raw_offset, row.raw_offset + row.raw_length);
    // By their file's first time (a stable sort: pieces of one file stay in the order they came);
    // a piece of unknown file, or of the event's own, after the event's own lines.
    const late = this.extra
      .all(eventId)
      .map((piece) => ({ lines: piece.lines, first: piece.first_ms ?? row.first_ms }))
      .sort((a, b) => (a.first ?? 0) - (b.first ?? 0));
    const before = (piece: { first: number | null }) =>
      piece.first !== null && row.first_ms !== null && piece.first < row.first_ms;
    return {
      own,
      pieces: [
        ...late.filter(before).map((piece) => piece.lines),
        own,
        ...late.filter((piece) => !before(piece)).map((piece) => piece.lines),
      ],
    };
  }

  /** All the event's lines, newline-separated. */
  read(eventId: number): Buffer | null {
    const parts = this.parts(eventId);
    if (!parts) return null;
    return parts.pieces.length === 1
      ? Buffer.from(parts.own)
      : Buffer.concat(parts.pieces.flatMap((lines, i) => (i === 0 ? [lines] : [NEWLINE, lines])));
  }
}

/** One event's raw lines, byte for byte, in log order: its slice of its block and any lines that came late. */
export function readEventRaw(db: Database.Database, eventId: number): Buffer | null {
  return new RawLineReader(db).read(eventId);
}
