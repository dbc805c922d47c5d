import { parseFields, unquote } from "./fields";
import { recordTypeName } from "./tables/record-types";
import type { AuditRecord, LineFormat, MalformedCode } from "./types";

export type LineResult =
  | { kind: "record"; record: AuditRecord }
  | { kind: "skip" }
  | { kind: "malformed"; code: MalformedCode; message: string };

const SKIP: LineResult = { kind: "skip" };
const GS = "\x1d";
const TYPE_NAME = /^[A-Za-z0-9_[\]]+$/;
const RAW_STAMP = /^(\d+)\.(\d+):(\d+)$/;
// ausearch -i prints the stamp in the local time of the machine it ran on, zone unwritten: read as UTC.
const INTERPRETED_STAMP = /^(\d\d)\/(\d\d)\/(\d\d|\d{4}) (\d\d):(\d\d):(\d\d)\.(\d{3}):(\d+)$/;

function malformed(code: MalformedCode, message: string): LineResult {
  return { kind: "malformed", code, message };
}

/** Where the `type=` of the record starts, and the `node=` before it, in any framing. */
function locateRecord(text: string): { typeAt: number; node: string | null; prefixed: boolean } | null {
  if (text.startsWith("type=")) return { typeAt: 0, node: null, prefixed: false };
  if (text.startsWith("node=")) {
    const space = text.indexOf(" ");
    if (space > 5 && text.startsWith("type=", space + 1)) {
      return { typeAt: space + 1, node: text.slice(5, space), prefixed: false };
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

function parseStamp(stamp: string): { sec: number; ms: number; serial: number; interpreted: boolean } | null {
  const raw = RAW_STAMP.exec(stamp);
  if (raw) {
    return {
      sec: Number(raw[1]),
      ms: Number((raw[2] ?? "0").padEnd(3, "0").slice(0, 3)),
      serial: Number(raw[3]),
      interpreted: false,
    };
  }
  const m = INTERPRETED_STAMP.exec(stamp);
  if (!m) return null;
  const [, month, day, yearText, hour, minute, second, millis, serial] = m.map(Number) as number[];
  // ausearch in the C locale writes two-digit years.
  const year =
    (yearText as number) < 100
      ? 2000 + (yearText as number) - ((yearText as number) >= 70 ? 100 : 0)
      : (yearText as number);
  const sec = Date.UTC(year, (month as number) - 1, day, hour, minute, second) / 1000;
  if (!Number.isFinite(sec)) return null;
  return { sec, ms: millis as number, serial: serial as number, interpreted: true };
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
  let type = text.slice(typeAt + 5, typeEnd);
  if (!TYPE_NAME.test(type)) return malformed("bad-type", "the record type is not a name or number");
  let numericType = false;
  if (/^\d+$/.test(type)) {
    numericType = true;
    type = recordTypeName(Number(type)) ?? `UNKNOWN[${type}]`;
  }

  let at = typeEnd + 1;
  while (text.charCodeAt(at) === 0x20) at++;
  if (text.startsWith("msg=audit(", at)) at += 10;
  else if (text.startsWith("audit(", at)) at += 6;
  else return malformed("bad-timestamp", "the record has no msg=audit(…) stamp");
  const close = text.indexOf(")", at);
  if (close === -1) return malformed("bad-timestamp", "the msg=audit(…) stamp is not closed");
  const stamp = parseStamp(text.slice(at, close));
  if (!stamp) return malformed("bad-timestamp", "the msg=audit(…) stamp is not seconds.millis:serial");

  let rest = close + 1;
  if (text.charCodeAt(rest) === 0x20 && text.charCodeAt(rest + 1) === 0x3a) rest++;
  if (text.charCodeAt(rest) === 0x3a) rest++;

  const gs = text.indexOf(GS, rest);
  const body = gs === -1 ? text.slice(rest) : text.slice(rest, gs);
  const fields = new Map<string, string>();
  if (!parseFields(body, fields, maxFields, stamp.interpreted)) {
    return malformed("too-many-fields", `the record has more than ${maxFields} fields`);
  }
  let enriched: Map<string, string> | null = null;
  if (gs !== -1) {
    const raw = new Map<string, string>();
    if (!parseFields(text.slice(gs + 1), raw, maxFields)) {
      return malformed("too-many-fields", `the record has more than ${maxFields} fields`);
    }
    enriched = new Map([...raw].map(([k, v]) => [k, unquote(v)]));
  }

  const format: LineFormat = stamp.interpreted
    ? "interpreted"
    : prefixed
      ? numericType || /(^|\s|\])audit: /.test(text.slice(0, typeAt))
        ? "kernel"
        : "syslog"
      : enriched
        ? "enriched"
        : "raw";
  return {
    kind: "record",
    record: {
      type,
      node,
      sec: stamp.sec,
      ms: stamp.ms,
      serial: stamp.serial,
      fields,
      enriched,
      format,
      raw: text,
      line,
      offset,
    },
  };
}
