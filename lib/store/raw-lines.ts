import { inflateRawSync } from "node:zlib";
import type Database from "better-sqlite3";

/**
 * One event's stored lines: its slice of its block, and every piece of it in log order: that
 * slice and the lines that came late, each placed by the file it came from (a piece from a file
 * that began before the event's own goes before it: the older of two files was added last).
 */
export interface EventRawParts {
  own: Buffer;
  pieces: RawPiece[];
}

export interface RawPiece {
  lines: Buffer;
  /** The source file it came from (null for rows older than file ids). */
  fileId: number | null;
}

const NEWLINE = Buffer.from("\n");

/** The file a piece came from, and the times its events span (null while unknown). */
interface FileSpan {
  file_id: number | null;
  first_ms: number | null;
  last_ms: number | null;
}

/** Inflated blocks kept: late and duplicate events come in runs, many from one block. */
const BLOCKS_KEPT = 8;

/**
 * Reads events' raw lines, byte for byte, with its statements prepared once (the ingest reads one
 * stored event per late or duplicate event) and the last few blocks kept inflated.
 */
export class RawLineReader {
  private readonly slice: Database.Statement<
    [number],
    { raw_block_id: number; raw_offset: number; raw_length: number } & FileSpan
  >;
  private readonly blockData: Database.Statement<[number], { data: Buffer }>;
  private readonly extra: Database.Statement<[number], { lines: Buffer } & FileSpan>;
  private readonly inflated = new Map<number, Buffer>();

  constructor(db: Database.Database) {
    this.slice =
      db.prepare(`SELECT e.raw_block_id, e.raw_offset, e.raw_length, e.file_id, f.first_ms, f.last_ms
      FROM events e LEFT JOIN source_files f ON f.id = e.file_id WHERE e.id = ?`);
    this.blockData = db.prepare(`SELECT data FROM raw_blocks WHERE id = ?`);
    this.extra = db.prepare(`SELECT x.lines, x.file_id, f.first_ms, f.last_ms FROM event_raw_extra x
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
    // By their file's first then last time; pieces of one file (or of unknown file: older rows)
    // after the event's own lines, in the order they came (the sort is stable).
    const place = (span: FileSpan) =>
      span.first_ms === null
        ? { first: row.first_ms ?? 0, last: row.last_ms ?? 0 }
        : { first: span.first_ms, last: span.last_ms ?? 0 };
    const pieces = [
      { lines: own, fileId: row.file_id, ...place(row) },
      ...this.extra
        .all(eventId)
        .map((piece) => ({ lines: piece.lines, fileId: piece.file_id, ...place(piece) })),
    ];
    pieces.sort((a, b) => a.first - b.first || a.last - b.last);
    return { own, pieces: pieces.map(({ lines, fileId }) => ({ lines, fileId })) };
  }

  /** All the event's lines, newline-separated. */
  read(eventId: number): Buffer | null {
    const parts = this.parts(eventId);
    if (!parts) return null;
    return parts.pieces.length === 1
      ? Buffer.from(parts.own)
      : Buffer.concat(parts.pieces.flatMap(({ lines }, i) => (i === 0 ? [lines] : [NEWLINE, lines])));
  }
}

/** One event's raw lines, byte for byte, in log order: its slice of its block and any lines that came late. */
export function readEventRaw(db: Database.Database, eventId: number): Buffer | null {
  return new RawLineReader(db).read(eventId);
}
