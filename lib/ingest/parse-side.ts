import { AuditParser } from "../audit/parser";
import type { AuditEvent, LineFormat, ParserLimits } from "../audit/types";
import type { SessionRow } from "../derive/derived-tables";
import { BatchBuilder, type BuilderStart } from "./batch-builder";
import type { ProcessEnd } from "./process-resume";
import type { WriteBatch } from "./write-batch";

/**
 * Events per batch handed to the writer: bounds memory and the size of one transaction. Small
 * enough that a batch's rows mostly die in the worker's young generation (at 5000 they outlived
 * it and cost twice the garbage collection).
 */
const BATCH_EVENTS = 1000;
/**
 * Input bytes after which the parse side answers even without a full batch, or before the file is
 * known to be an audit log: the reading side stops sending at MAX_IN_FLIGHT unanswered bytes and
 * must hear back before then, however long the lines and events (long ones hung the ingest).
 */
const REPLY_BYTES = 1024 * 1024;
/** A file with no audit record in its first this-many non-empty lines is not an audit log. */
export const SNIFF_LINES = 1000;

/** Compressions other than gzip (which is read), told by their magic bytes so a refusal can name them. */
const OTHER_COMPRESSIONS = [
  { format: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  // "BZh", the block size digit, then the first block's magic (the digits of pi).
  { format: "bzip2", magic: [0x42, 0x5a, 0x68, -1, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59] },
  { format: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: "zip", magic: [0x50, 0x4b, 0x03, 0x04] },
] as const;

export type Refusal =
  | "binary"
  | "no-records"
  | "empty"
  | "blank"
  | (typeof OTHER_COMPRESSIONS)[number]["format"];

/**
 * A file with a NUL this early and no audit record in its first SNIFF_LINES lines is binary. A
 * NUL in a real log (a block zeroed by a crash, a hostile byte) is one malformed line there, not
 * a reason to refuse the log; a record anywhere the sniff looks shows it is a log.
 */
const BINARY_HEAD = 4096;
/** How far a file with a NUL in its head is read for an audit record before it is refused as binary. */
const BINARY_SNIFF_BYTES = 1024 * 1024;

/** The longest magic of OTHER_COMPRESSIONS: how much of a file's head is kept to look for them. */
const MAGIC_BYTES = Math.max(...OTHER_COMPRESSIONS.map(({ magic }) => magic.length));

/** Another compression's name when the file begins with its magic bytes. */
function otherCompression(head: Uint8Array): Refusal | null {
  const found = OTHER_COMPRESSIONS.find(({ magic }) =>
    magic.every((byte, i) => i < head.length && (byte === -1 || head[i] === byte)),
  );
  return found?.format ?? null;
}

export interface FileStats {
  lines: number;
  records: number;
  events: number;
  malformed: number;
  firstMs: number | null;
  lastMs: number | null;
  formats: LineFormat[];
}

/** What the parse side says back, in order. */
export type ParseMessage =
  | { kind: "batch"; batch: WriteBatch; bytes: number; lines: number; events: number }
  /** Bytes parsed before the file is known to be an audit log: nothing to write yet. */
  | { kind: "read"; bytes: number; lines: number }
  | { kind: "refused"; reason: Refusal }
  | { kind: "file-done"; batch: WriteBatch; stats: FileStats }
  /** The events still open when the last file ended, and the sessions: the ingest's last rows. */
  | { kind: "finish"; batch: WriteBatch; sessions: SessionRow[]; processes: ProcessEnd };

/** What the reading side sends, in order: per file `start-file`, `chunk`s, `end-file`; then `finish`. */
export type ReadMessage =
  | { kind: "start-file"; fileId: number }
  | { kind: "chunk"; data: Uint8Array }
  | { kind: "end-file" }
  | { kind: "finish" };

export interface ParseSideOptions extends BuilderStart {
  limits?: Partial<ParserLimits>;
}

/**
 * Parsing and row building for one ingest, driven by messages so it can run in a worker thread
 * (the writer keeps the main thread) or inline. It answers each message with zero or more replies.
 */
export class ParseSide {
  private readonly builder: BatchBuilder;
  /** The file being read; null once it ended or was refused. */
  private parser: AuditParser | null = null;
  /**
   * The last file's parser, whose open events go on in the next file's: a rotation can fall
   * between the records of one event.
   */
  private previous: AuditParser | null = null;
  /** Events left open when their file ended, with the file they began in (their row's file). */
  private readonly carried = new Map<AuditEvent, number>();
  private fileId = 0;
  private fileEvents = 0;
  private sniffed = false;
  private refused = false;
  private nulInHead = false;
  /** The file's first MAGIC_BYTES bytes, gathered across chunks (an upload's may be tiny). */
  private head = new Uint8Array();
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private bytesSinceReply = 0;

  constructor(private readonly options: ParseSideOptions) {
    this.builder = new BatchBuilder(options);
  }

  handle(message: ReadMessage, reply: (message: ParseMessage) => void): void {
    switch (message.kind) {
      case "start-file":
        this.parser =
          this.previous?.nextFile() ??
          new AuditParser(this.options.limits, { maxLinesBeforeRecord: SNIFF_LINES });
        this.previous = this.parser;
        this.fileId = message.fileId;
        this.fileEvents = 0;
        this.sniffed = false;
        this.refused = false;
        this.nulInHead = false;
        this.head = new Uint8Array();
        this.firstMs = null;
        this.lastMs = null;
        return;
      case "chunk":
        this.chunk(message.data, reply);
        return;
      case "end-file":
        this.endFile(reply);
        return;
      case "finish":
        if (this.previous) this.take(this.previous.flush());
        reply({ kind: "finish", ...this.builder.finish() });
        return;
    }
  }

  private chunk(data: Uint8Array, reply: (message: ParseMessage) => void): void {
    const parser = this.parser;
    if (!parser || this.refused) return;
    const before = parser.stats.bytes;
    if (this.head.length < MAGIC_BYTES) {
      this.head = Buffer.concat([this.head, data.subarray(0, MAGIC_BYTES - this.head.length)]);
      const refusal = otherCompression(this.head);
      if (refusal) {
        this.refuse(refusal, reply);
        return;
      }
    }
    // Chunks can be small (gzip, uploads): the head is looked at across them.
    if (before < BINARY_HEAD && data.subarray(0, BINARY_HEAD - before).includes(0)) this.nulInHead = true;
    this.take(parser.push(data));
    this.bytesSinceReply += data.byteLength;
    if (!this.sniffed) {
      // Counted in lines, not chunks: a chunk may run past the first SNIFF_LINES lines.
      // A binary file may hold few newlines (a disk image): its lines are not counted to the end.
      const binaryEnough =
        this.nulInHead && !parser.stats.sawRecord && parser.stats.bytes >= BINARY_SNIFF_BYTES;
      if (parser.stats.malformedBeforeRecords >= SNIFF_LINES || binaryEnough) {
        this.refuse(this.notALog(), reply);
        return;
      }
      if (parser.stats.sawRecord) this.sniffed = true;
    }
    // Until the file is known to be an audit log, nothing of it goes to the writer.
    if (!this.sniffed) {
      if (this.bytesSinceReply >= REPLY_BYTES) {
        reply({ kind: "read", bytes: this.takeBytes(), lines: parser.stats.lines });
      }
      return;
    }
    if (this.builder.pendingEvents >= BATCH_EVENTS || this.bytesSinceReply >= REPLY_BYTES) {
      reply({
        kind: "batch",
        batch: this.builder.take(false),
        bytes: this.takeBytes(),
        lines: parser.stats.lines,
        events: parser.stats.events,
      });
    }
  }

  private endFile(reply: (message: ParseMessage) => void): void {
    const parser = this.parser;
    if (!parser || this.refused) return;
    this.take(parser.endInput());
    if (!parser.stats.sawRecord) {
      this.refuse(
        parser.stats.bytes === 0 ? "empty" : parser.stats.malformed === 0 ? "blank" : this.notALog(),
        reply,
      );
      return;
    }
    for (const event of parser.openEvents()) {
      if (this.carried.has(event)) continue;
      this.carried.set(event, this.fileId);
      this.countEvent(event.sec * 1000 + event.ms);
    }
    const { lines, records, malformed, formats } = parser.stats;
    reply({
      kind: "file-done",
      batch: this.builder.take(true),
      stats: {
        lines,
        records,
        events: this.fileEvents,
        malformed,
        firstMs: this.firstMs,
        lastMs: this.lastMs,
        formats: [...formats],
      },
    });
    this.parser = null;
  }

  private take(out: ReturnType<AuditParser["push"]>): void {
    for (const event of out.events) {
      const beganIn = this.carried.get(event);
      if (beganIn === undefined) this.countEvent(this.builder.addEvent(event, this.fileId));
      else {
        // Counted with the file it began in, when that file ended.
        this.carried.delete(event);
        this.builder.addEvent(event, beganIn);
      }
    }
    for (const entry of out.malformed) this.builder.addMalformed(entry, this.fileId);
  }

  private countEvent(timeMs: number): void {
    this.fileEvents++;
    if (this.firstMs === null || timeMs < this.firstMs) this.firstMs = timeMs;
    if (this.lastMs === null || timeMs > this.lastMs) this.lastMs = timeMs;
  }

  private takeBytes(): number {
    const bytes = this.bytesSinceReply;
    this.bytesSinceReply = 0;
    return bytes;
  }

  /** Why a file with no audit record where the sniff looked is refused. */
  private notALog(): Refusal {
    return this.nulInHead ? "binary" : "no-records";
  }

  private refuse(reason: Refusal, reply: (message: ParseMessage) => void): void {
    this.refused = true;
    this.parser = null;
    // Only its malformed lines are pending: with no record read, it completed no event.
    this.builder.take(true);
    reply({ kind: "refused", reason });
  }
}
