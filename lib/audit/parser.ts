import { EventAssembler } from "./assembler";
import { LineSplitter } from "./line-splitter";
import { parseLine } from "./parse-line";
import { type AuditEvent, DEFAULT_LIMITS, type LineFormat, type Malformed, type ParserLimits } from "./types";

export interface ParseOutput {
  events: AuditEvent[];
  malformed: Malformed[];
}

/** How a parser reads its input, beyond the limits. */
export interface ParserOptions {
  /**
   * Non-empty lines that are not records after which, with no record yet, the input is taken
   * for something else than a log and the rest is ignored: none of it reaches an event.
   */
  maxLinesBeforeRecord: number;
}

export interface ParseStats {
  bytes: number;
  lines: number;
  records: number;
  events: number;
  malformed: number;
  /** Malformed lines before the first record: non-empty lines that were not audit records. */
  malformedBeforeRecords: number;
  /**
   * Whether a line was an audit record, even one refused as too many for its event (the rest of
   * an event the file before began): the input is a log.
   */
  sawRecord: boolean;
  formats: Set<LineFormat>;
}

const EXCERPT_CHARS = 300;
const STAMP_MARK = " msg=audit(";
/** A record's start, after the space, tab or CR that glued it on: `node=` is part of it. */
const RECORD_START = /(?:node=\S+ )?type=[A-Za-z0-9_]+ msg=audit\(/y;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const EQUALS = 0x3d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** Whether the line may hold more than one record: it has more than one stamp. */
function hasGluedRecords(text: string): boolean {
  const first = text.indexOf(STAMP_MARK);
  return first !== -1 && text.indexOf(STAMP_MARK, first + STAMP_MARK.length) !== -1;
}

/**
 * Records glued onto one line (a lost newline, or tools that join an event's records) are split
 * apart again. Log values cannot hold the separator unquoted (auditd hex-encodes any value with
 * spaces), but a quoted one can: a user-space message (`msg='…'`) is text its sender chose, so a
 * record's start inside quotes is the sender's words, not a record (aureport splits nothing).
 */
export function splitGluedRecords(text: string): string[] {
  if (!hasGluedRecords(text)) return [text];
  const parts: string[] = [];
  let start = 0;
  let quote = 0;
  // Only after the first record's stamp: whatever precedes it (node=, syslog header) belongs to it.
  for (let i = text.indexOf(STAMP_MARK) + STAMP_MARK.length; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if ((c === SQUOTE || c === DQUOTE) && text.charCodeAt(i - 1) === EQUALS) {
      quote = c;
    } else if (c === SPACE || c === TAB || c === CR) {
      RECORD_START.lastIndex = i + 1;
      if (RECORD_START.test(text)) {
        parts.push(text.slice(start, i));
        start = i + 1;
        // On past the record's start: the space after its `node=` glues nothing.
        i = RECORD_START.lastIndex - 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * The push parser: feed it chunks of a log (any split), get back completed events and
 * malformed lines; `end()` flushes what is still open. Memory is bounded by the limits,
 * whatever the input's size. The files of one log (rotated) are read by `nextFile()`'s
 * parsers in turn, so an event whose records the rotation split is still one event.
 */
export class AuditParser {
  readonly limits: ParserLimits;
  readonly stats: ParseStats = {
    bytes: 0,
    lines: 0,
    records: 0,
    events: 0,
    malformed: 0,
    malformedBeforeRecords: 0,
    sawRecord: false,
    formats: new Set(),
  };
  private readonly splitter: LineSplitter;
  private readonly options: ParserOptions;
  private out: ParseOutput = { events: [], malformed: [] };
  private givenUp = false;

  constructor(
    limits: Partial<ParserLimits> = {},
    options: Partial<ParserOptions> = {},
    private readonly assembler = new EventAssembler({ ...DEFAULT_LIMITS, ...limits }),
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.options = { maxLinesBeforeRecord: Number.POSITIVE_INFINITY, ...options };
    this.splitter = new LineSplitter(
      this.limits.maxLineBytes,
      ({ text, line, offset }) => this.onLine(text, line, offset),
      ({ line, offset, head, bytes }) =>
        this.addMalformed({
          code: "line-too-long",
          message: `the line is ${bytes} bytes long, over the ${this.limits.maxLineBytes}-byte limit`,
          line,
          offset,
          excerpt: head,
        }),
    );
  }

  push(chunk: Uint8Array): ParseOutput {
    this.stats.bytes += chunk.byteLength;
    this.splitter.push(chunk);
    return this.take();
  }

  end(): ParseOutput {
    this.splitter.end();
    this.assembler.flush(this.out.events);
    return this.take();
  }

  /** Ends this file's input (its last line) and leaves its open events open, for `nextFile()`. */
  endInput(): ParseOutput {
    this.splitter.end();
    return this.take();
  }

  /** A parser for the file that follows this one in the log: the events still open go on in it. */
  nextFile(): AuditParser {
    this.assembler.carryOver();
    return new AuditParser(this.limits, this.options, this.assembler);
  }

  /** Completes the events still open, after the last file's `endInput()`. */
  flush(): ParseOutput {
    this.assembler.flush(this.out.events);
    return this.take();
  }

  /** Events waiting for more records, oldest first. */
  openEvents(): AuditEvent[] {
    return this.assembler.openEvents();
  }

  private take(): ParseOutput {
    const out = this.out;
    this.stats.events += out.events.length;
    this.out = { events: [], malformed: [] };
    return out;
  }

  private onLine(text: string, line: number, offset: number): void {
    if (this.givenUp) return;
    this.stats.lines++;
    if (!hasGluedRecords(text)) this.onRecordText(text, line, offset, false);
    else
      splitGluedRecords(text).forEach((part, i) => {
        this.onRecordText(part, line, offset, i > 0);
      });
  }

  private onRecordText(text: string, line: number, offset: number, glued: boolean): void {
    if (this.givenUp) return;
    const result = parseLine(text, line, offset, this.limits.maxFieldsPerRecord);
    if (result.kind === "skip") return;
    if (result.kind === "malformed") {
      this.addMalformed({
        code: result.code,
        message: result.message,
        line,
        offset,
        excerpt: text.slice(0, EXCERPT_CHARS),
      });
      return;
    }
    const { record } = result;
    if (glued) record.glued = true;
    this.stats.sawRecord = true;
    if (!this.assembler.add(record, this.out.events)) {
      this.addMalformed({
        code: "event-too-large",
        message: `the event already has ${this.limits.maxRecordsPerEvent} records`,
        line,
        offset,
        excerpt: text.slice(0, EXCERPT_CHARS),
      });
      return;
    }
    this.stats.records++;
    this.stats.formats.add(record.format);
  }

  private addMalformed(entry: Malformed): void {
    if (this.givenUp) return;
    this.stats.lines += entry.code === "line-too-long" ? 1 : 0;
    this.stats.malformed++;
    if (!this.stats.sawRecord) {
      this.stats.malformedBeforeRecords++;
      if (this.stats.malformedBeforeRecords >= this.options.maxLinesBeforeRecord) this.givenUp = true;
    }
    this.out.malformed.push(entry);
  }
}

/** Parses a whole buffer at once: for tests and small inputs. */
export function parseBuffer(
  data: Uint8Array,
  limits: Partial<ParserLimits> = {},
): ParseOutput & { stats: ParseStats } {
  const parser = new AuditParser(limits);
  const first = parser.push(data);
  const last = parser.end();
  return {
    events: [...first.events, ...last.events],
    malformed: [...first.malformed, ...last.malformed],
    stats: parser.stats,
  };
}
