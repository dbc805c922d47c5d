/** How a line was framed; every line is classified on its own, so one file may mix them. */
export type LineFormat = "raw" | "enriched" | "syslog" | "kernel" | "interpreted";

/** Why a line could not be read. A closed set: the UI and the store rely on it. */
export type MalformedCode =
  | "line-too-long"
  | "no-audit-record"
  | "bad-timestamp"
  | "bad-type"
  | "too-many-fields"
  | "event-too-large"
  /** Not a line: the file's gzip data ends early or is corrupt from here on (found at ingest). */
  | "corrupt-gzip";

export interface Malformed {
  code: MalformedCode;
  message: string;
  /** 1-based line number in its source. */
  line: number;
  /** Byte offset of the line's start in its source. */
  offset: number;
  /** The start of the line (at most a few hundred characters), as read (latin1). */
  excerpt: string;
}

/** One audit record: one `type=… msg=audit(…)` line. */
export interface AuditRecord {
  type: string;
  node: string | null;
  /** Seconds and milliseconds of the stamp, kept apart so the stamp text can be rebuilt exactly. */
  sec: number;
  ms: number;
  serial: number;
  /**
   * Fields in order of appearance, values as written (quotes kept). Inner `msg='…'` fields are
   * included. The parser's records build this Map on first use; `fieldValue()` (record.ts) reads
   * one field without it.
   */
  fields: Map<string, string>;
  /** ENRICHED fields after the 0x1d separator (`UID` → `root`, quotes removed); see `enrichedValue()`. */
  enriched: Map<string, string> | null;
  format: LineFormat;
  /** The whole line as read, latin1 (one char per byte), without its line ending. */
  raw: string;
  line: number;
  offset: number;
  /** Split off the line of the record before it (records glued onto one line): same line and offset. */
  glued?: boolean;
}

/** Every record sharing one (node, stamp, serial). */
export interface AuditEvent {
  node: string | null;
  sec: number;
  ms: number;
  serial: number;
  records: AuditRecord[];
}

export interface ParserLimits {
  /** Longer lines are malformed and their bytes are not kept. */
  maxLineBytes: number;
  maxFieldsPerRecord: number;
  maxRecordsPerEvent: number;
  /** Events waiting for more records; past this the oldest is completed. */
  maxEventsInFlight: number;
  /**
   * Bytes of raw lines in events waiting for more records; past this the oldest are completed.
   * Without it, thousands of open events of long lines (hostile input) could hold gigabytes.
   */
  maxBytesInFlight: number;
  /** An event is complete once the log has moved this many seconds past it. */
  windowSeconds: number;
}

export const DEFAULT_LIMITS: ParserLimits = {
  maxLineBytes: 1024 * 1024,
  maxFieldsPerRecord: 4096,
  maxRecordsPerEvent: 4096,
  maxEventsInFlight: 4096,
  maxBytesInFlight: 8 * 1024 * 1024,
  windowSeconds: 3,
};
