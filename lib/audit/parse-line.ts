import { digitsEnd } from "./chars";
import { fieldsWithin, scanFields, unquoteValues, withinFieldLimit } from "./fields";
import { ParsedRecord } from "./record";
import { recordTypeName } from "./tables/record-types";
import type { AuditRecord, LineFormat, MalformedCode } from "./types";

export type LineResult =
  | { kind: "record"; record: AuditRecord }
  | { kind: "skip" }
  | { kind: "malformed"; code: MalformedCode; message: string };

const SKIP: LineResult = { kind: "skip" };
const GS = "\x1d";
const DOT = 0x2e;
const COLON = 0x3a;
// ausearch -i prints the stamp in the local time of the machine it ran on, zone unwritten: read as UTC.
const INTERPRETED_STAMP = /^(\d\d)\/(\d\d)\/(\d\d|\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3}):(\d+)$/;

function malformed(code: MalformedCode, message: string): LineResult {
  return { kind: "malformed", code, message };
}

/** UTF-8's byte order mark, as latin1: an editor may have put it before a file's first record. */
const BOM = "\xef\xbb\xbf";

/** Where a line's record may start: past a byte order mark, or the NULs of a block a crash zeroed. */
function recordFrom(text: string): number {
  let from = text.startsWith(BOM) ? BOM.length : 0;
  while (text.charCodeAt(from) === 0) from++;
  return from;
}

/** Where the `type=` of the record starts, and the `node=` before it, in any framing. */
function locateRecord(text: string): { typeAt: number; node: string | null; prefixed: boolean } | null {
  const from = recordFrom(text);
  if (text.startsWith("type=", from)) return { typeAt: from, node: null, prefixed: false };
  if (text.startsWith("node=", from)) {
    const space = text.indexOf(" ", from);
    if (space > from + 5 && text.startsWith("type=", space + 1)) {
      return { typeAt: space + 1, node: text.slice(from + 5, space), prefixed: false };
    }
  }
  // Wrapped (syslog, journal, dmesg, grep output): the record starts at a `type=` that follows
  // a space or a colon, possibly after its own `node=`.
  let at = text.indexOf("type=");
  while (at > 0) {
    const before = text.charCodeAt(at - 1);
    if (before === 0x20 || before === 0x3a) break;
    at = text.indexOf("type=", at + 1);
  }
  if (at <= 0) return null;
  const prefix = text.slice(0, at);
  const nodeMatch = /(?:^|[\s:])node=(\S+) $/.exec(prefix);
  return { typeAt: at, node: nodeMatch?.[1] ?? null, prefixed: true };
}

/** The digits text[start, end) as Number() reads them (by hand while that is exact: 15 digits). */
function decimal(text: string, start: number, end: number): number {
  if (end - start > 15) return Number(text.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + text.charCodeAt(i) - 0x30;
  return n;
}

/**
 * Reads a record's stamp. One instance serves every line (reading never calls out), so a record
 * costs no stamp object.
 */
/** 9999-12-31T23:59:59Z, the last second a date is written with four digits of year. */
const LAST_SECOND = 253_402_300_799;

class StampReader {
  sec = 0;
  ms = 0;
  serial = 0;
  interpreted = false;

  /** Reads text[start, end); false if it is no stamp. */
  read(text: string, start: number, end: number): boolean {
    this.interpreted = false;
    return this.readRaw(text, start, end) || this.readInterpreted(text.slice(start, end));
  }

  /** `seconds.millis:serial`, read by hand (a regex and its match array per record cost more). */
  private readRaw(text: string, start: number, end: number): boolean {
    const secEnd = digitsEnd(text, start, end);
    if (secEnd === start || text.charCodeAt(secEnd) !== DOT) return false;
    const msEnd = digitsEnd(text, secEnd + 1, end);
    if (msEnd === secEnd + 1 || text.charCodeAt(msEnd) !== COLON) return false;
    const serialEnd = digitsEnd(text, msEnd + 1, end);
    if (serialEnd === msEnd + 1 || serialEnd !== end) return false;
    // The first three digits of the fraction, padded: .5 is 500 ms, .12345 is 123.
    let ms = 0;
    for (let i = secEnd + 1; i < secEnd + 4; i++) ms = ms * 10 + (i < msEnd ? text.charCodeAt(i) - 0x30 : 0);
    this.sec = decimal(text, start, secEnd);
    this.ms = ms;
    this.serial = decimal(text, msEnd + 1, serialEnd);
    return true;
  }

  private readInterpreted(stamp: string): boolean {
    const m = INTERPRETED_STAMP.exec(stamp);
    if (!m) return false;
    const [, month, day, yearText, hour, minute, second, millis, serial] = m.map(Number) as number[];
    // ausearch in the C locale writes two-digit years.
    const year =
      (yearText as number) < 100
        ? 2000 + (yearText as number) - ((yearText as number) >= 70 ? 100 : 0)
        : (yearText as number);
    const date = new Date(Date.UTC(year, (month as number) - 1, day, hour, minute, second));
    // Date.UTC rolls 13/45 99:99:99 over into another date: a stamp that names none is no stamp.
    const exact =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === (month as number) - 1 &&
      date.getUTCDate() === day &&
      date.getUTCHours() === hour &&
      date.getUTCMinutes() === minute &&
      date.getUTCSeconds() === second;
    if (!exact) return false;
    const sec = date.getTime() / 1000;
    this.sec = sec;
    this.ms = millis as number;
    this.serial = serial as number;
    this.interpreted = true;
    return true;
  }
}

const stamp = new StampReader();

/** 1 for the characters of a record type's name. */
const NAME_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_[]") {
  NAME_CHAR[c.charCodeAt(0)] = 1;
}

/** Whether text[start, end) is a record type: a name or a number, [A-Za-z0-9_[\]]+. */
function isTypeName(text: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) if (NAME_CHAR[text.charCodeAt(i)] !== 1) return false;
  return true;
}

/** Parses one line of any supported framing into a record, or says why not. Never throws. */
export function parseLine(text: string, line: number, offset: number, maxFields: number): LineResult {
  const first = text.charCodeAt(0);
  if (text.length === 0 || first === 0x23 /* # */) return SKIP;
  if (text.startsWith("----") || text.startsWith("time->") || text.trim() === "") return SKIP;

  const located = locateRecord(text);
  if (!located) return malformed("no-audit-record", "no audit record (type=…) on this line");
  const { typeAt, node, prefixed } = located;

  const typeEnd = text.indexOf(" ", typeAt);
  if (typeEnd === -1) return malformed("bad-timestamp", "the record has no msg=audit(…) stamp");
  if (!isTypeName(text, typeAt + 5, typeEnd)) {
    return malformed("bad-type", "the record type is not a name or number");
  }
  let type = text.slice(typeAt + 5, typeEnd);
  const numericType = digitsEnd(text, typeAt + 5, typeEnd) === typeEnd;
  if (numericType) type = recordTypeName(Number(type)) ?? `UNKNOWN[${type}]`;

  let at = typeEnd + 1;
  while (text.charCodeAt(at) === 0x20) at++;
  if (text.startsWith("msg=audit(", at)) at += 10;
  else if (text.startsWith("audit(", at)) at += 6;
  else return malformed("bad-timestamp", "the record has no msg=audit(…) stamp");
  const close = text.indexOf(")", at);
  if (close === -1) return malformed("bad-timestamp", "the msg=audit(…) stamp is not closed");
  if (!stamp.read(text, at, close)) {
    return malformed("bad-timestamp", "the msg=audit(…) stamp is not seconds.millis:serial");
  }
  // Past these a time cannot be shown as a date, and two serials could be stored as one number.
  if (stamp.sec > LAST_SECOND)
    return malformed("bad-timestamp", "the msg=audit(…) time is after the year 9999");
  if (stamp.serial > Number.MAX_SAFE_INTEGER) {
    return malformed("bad-timestamp", "the msg=audit(…) serial is too large to keep exactly (over 2^53)");
  }

  let rest = close + 1;
  if (text.charCodeAt(rest) === 0x20 && text.charCodeAt(rest + 1) === 0x3a) rest++;
  if (text.charCodeAt(rest) === 0x3a) rest++;

  const gs = text.indexOf(GS, rest);
  const bodyEnd = gs === -1 ? text.length : gs;
  const enrichedStart = gs === -1 ? -1 : gs + 1;
  // Fields are read when first asked for, unless the text is long enough to hold more than
  // maxFields: then they are read now, to refuse the record as the limit says.
  let fields: Map<string, string> | undefined;
  if (!withinFieldLimit(bodyEnd - rest, maxFields)) {
    const read = fieldsWithin(scanFields(text, rest, bodyEnd, stamp.interpreted), text, maxFields);
    if (!read) return malformed("too-many-fields", `the record has more than ${maxFields} fields`);
    fields = read;
  }
  let enriched: Map<string, string> | undefined;
  if (gs !== -1 && !withinFieldLimit(text.length - enrichedStart, maxFields)) {
    const read = fieldsWithin(scanFields(text, enrichedStart, text.length, false), text, maxFields);
    if (!read) return malformed("too-many-fields", `the record has more than ${maxFields} fields`);
    enriched = unquoteValues(read);
  }

  const format: LineFormat = stamp.interpreted
    ? "interpreted"
    : prefixed
      ? numericType || /(^|\s|\])audit: /.test(text.slice(0, typeAt))
        ? "kernel"
        : "syslog"
      : gs !== -1
        ? "enriched"
        : "raw";
  return {
    kind: "record",
    record: new ParsedRecord(
      { type, node, sec: stamp.sec, ms: stamp.ms, serial: stamp.serial, format, raw: text, line, offset },
      { bodyStart: rest, bodyEnd, enrichedStart, fields, enriched },
    ),
  };
}
