import { digitsEnd } from "./chars";
import { bytesToText, hexToBytes, isHex, latin1ToText } from "./decode";
import { unquote } from "./fields";
import { formatSockaddr } from "./format-sockaddr";
import { enrichedValue, fieldValue } from "./record";
import { decodeSockaddr } from "./sockaddr";
import { archFromHex } from "./tables/arches";
import { errnoMessage, errnoName } from "./tables/errnos";
import { syscallName } from "./tables/syscalls";
import type { AuditRecord } from "./types";

// Fields the kernel or auditd hex-encodes when their value has spaces, quotes or control bytes.
const ENCODABLE = new Set([
  "proctitle",
  "name",
  "cwd",
  "comm",
  "exe",
  "cmd",
  "data",
  "key",
  "ocomm",
  "path",
  "acct",
  "old",
  "new",
  "dir",
  "watch",
  "vm",
  "root_dir",
  "new_name",
  "old_name",
  "grp",
  "new_group",
  "id",
  "sig_id",
]);
const ID_FIELDS = new Set([
  "uid",
  "auid",
  "euid",
  "suid",
  "fsuid",
  "ouid",
  "gid",
  "egid",
  "sgid",
  "fsgid",
  "ogid",
  "oauid",
  "old-auid",
  "new-auid",
  "old_auid",
  "inode_uid",
  "inode_gid",
  "obj_uid",
  "obj_gid",
  "sauid",
  "iuid",
  "igid",
]);
const UNSET = new Set(["4294967295", "-1"]);
const KEY_SEPARATOR = "\x01";

/** /^a\d+(\[\d+\])?$/, by hand (it runs per argument): an EXECVE argument, `a1`, or a piece, `a1[0]`. */
function isExecveArgName(name: string): boolean {
  if (name.charCodeAt(0) !== 0x61 /* a */) return false;
  const digits = digitsEnd(name, 1);
  if (digits === 1) return false;
  if (digits === name.length) return true;
  if (name.charCodeAt(digits) !== 0x5b /* [ */) return false;
  const index = digitsEnd(name, digits + 1);
  return index > digits + 1 && index === name.length - 1 && name.charCodeAt(index) === 0x5d /* ] */;
}

/** Whether the field holds encoded bytes in this record (EXECVE's aN are strings; SYSCALL's are numbers). */
export function isEncodable(record: AuditRecord, name: string): boolean {
  return ENCODABLE.has(name) || (record.type === "EXECVE" && isExecveArgName(name));
}

/** Whether the field's value is hex-encoded bytes rather than the text itself. */
function isHexEncoded(record: AuditRecord, name: string, raw: string): boolean {
  return record.format !== "interpreted" && isEncodable(record, name) && isHex(raw);
}

/** The bytes a string field carries: hex decoded, quotes removed. Null for `(null)`/`(none)`. */
export function fieldBytes(record: AuditRecord, name: string, raw: string): Uint8Array | null {
  if (raw === "(null)" || raw === "(none)") return null;
  if (isHexEncoded(record, name, raw)) return hexToBytes(raw);
  // An own copy: Buffer.from's small buffers are views into a shared 8 KiB pool.
  return new Uint8Array(Buffer.from(unquoteOpening(raw), "latin1"));
}

/** The value without the double quotes of a quoted value (fieldBytes's reading of them). */
function unquoteOpening(raw: string): string {
  return raw.startsWith('"') ? unquote(raw) : raw;
}

/**
 * `bytesToText(fieldBytes(…))`, without the byte round trip where there is no need for one: text
 * that is not hex-encoded is its own bytes (latin1), ASCII text is its own decoding.
 */
export function fieldString(record: AuditRecord, name: string, raw: string): string | null {
  if (raw === "(null)" || raw === "(none)") return null;
  if (isHexEncoded(record, name, raw)) return bytesToText(Buffer.from(raw, "hex"));
  return latin1ToText(unquoteOpening(raw));
}

/** A string field's text: decoded and unquoted. Proctitle NULs become spaces; see proctitleArgs. */
export function fieldText(record: AuditRecord, name: string, raw: string): string | null {
  const text = fieldString(record, name, raw);
  if (text === null) return null;
  if (name === "proctitle") return splitProctitle(text).join(" ");
  if (name === "key") return splitKeyText(text).join(", ");
  return text;
}

function splitProctitle(text: string): string[] {
  return text.split("\0").filter((arg, i, all) => arg !== "" || i < all.length - 1);
}

function splitKeyText(text: string): string[] {
  return text.split(KEY_SEPARATOR).filter((key) => key !== "");
}

export function proctitleArgs(bytes: Uint8Array): string[] {
  return splitProctitle(bytesToText(bytes));
}

/** `proctitleArgs(fieldBytes(…))` of a `proctitle=` value; null for `(null)`/`(none)`. */
export function proctitleFieldArgs(record: AuditRecord, raw: string): string[] | null {
  const text = fieldString(record, "proctitle", raw);
  return text === null ? null : splitProctitle(text);
}

export function splitKeys(bytes: Uint8Array): string[] {
  return splitKeyText(bytesToText(bytes));
}

/** The record's keys (`key=` may hold several, separated by 0x01). */
export function recordKeys(record: AuditRecord): string[] {
  const keys: string[] = [];
  addRecordKeys(record, keys);
  return keys;
}

/** Appends the record's keys to `keys`. */
export function addRecordKeys(record: AuditRecord, keys: string[]): void {
  const raw = fieldValue(record, "key");
  const text = raw === undefined ? null : fieldString(record, "key", raw);
  if (text === null) return;
  for (const key of splitKeyText(text)) keys.push(key);
}

function enrichedName(record: AuditRecord, name: string): string | undefined {
  return enrichedValue(record, name.toUpperCase());
}

function interpretId(record: AuditRecord, name: string, raw: string): string {
  const named = enrichedName(record, name);
  if (named !== undefined) return named;
  return UNSET.has(raw) ? "unset" : raw;
}

// st_mode's file type bits (a Map: Biome's fixer rewrites octal object keys wrongly).
const S_IFMT = 0o170000;
const FILE_TYPES = new Map<number, string>([
  [0o140000, "socket"],
  [0o120000, "symlink"],
  [0o100000, "file"],
  [0o060000, "block"],
  [0o040000, "dir"],
  [0o020000, "character"],
  [0o010000, "fifo"],
]);

function interpretMode(raw: string): string {
  const mode = Number.parseInt(raw, 8);
  if (!Number.isFinite(mode)) return raw;
  const kind = FILE_TYPES.get(mode & S_IFMT);
  const special = [
    mode & 0o4000 ? "suid" : "",
    mode & 0o2000 ? "sgid" : "",
    mode & 0o1000 ? "sticky" : "",
  ].filter(Boolean);
  const perms = (mode & 0o777).toString(8).padStart(3, "0");
  return [kind ?? "", ...special, perms].filter(Boolean).join(",");
}

function interpretExit(record: AuditRecord, raw: string): string {
  const value = Number(raw);
  if (record.type !== "SYSCALL" || !Number.isInteger(value) || value >= 0) return raw;
  const name = errnoName(-value);
  return name ? `${name}(${errnoMessage(-value) ?? ""})` : raw;
}

/** What `ausearch -i` would show for one field, offline. Never throws. */
export function interpretField(record: AuditRecord, name: string, raw: string): string {
  if (record.format === "interpreted") return latin1ToText(unquote(raw));
  if (isEncodable(record, name)) return fieldText(record, name, raw) ?? raw;
  if (ID_FIELDS.has(name)) return interpretId(record, name, raw);
  switch (name) {
    case "arch":
      return archFromHex(raw)?.name ?? raw;
    case "syscall": {
      const arch = fieldValue(record, "arch");
      return (arch !== undefined && syscallName(arch, Number(raw))) || enrichedName(record, "SYSCALL") || raw;
    }
    case "exit":
      return interpretExit(record, raw);
    case "res":
    case "result":
      return raw === "1" || raw === "success"
        ? "success"
        : raw === "0" || raw === "failed"
          ? "failed"
          : unquote(raw);
    case "mode":
    case "imode":
      return record.type === "PATH" || name === "imode" ? interpretMode(raw) : raw;
    case "saddr":
      return isHex(raw) ? formatSockaddr(decodeSockaddr(raw)) : raw;
    case "ses":
      return UNSET.has(raw) ? "unset" : raw;
    default:
      return latin1ToText(unquote(raw));
  }
}

export interface InterpretedField {
  raw: string;
  value: string;
}

export function interpretRecord(
  record: AuditRecord,
  maxFields = Number.POSITIVE_INFINITY,
): Record<string, InterpretedField> {
  const out: Record<string, InterpretedField> = Object.create(null);
  let n = 0;
  for (const [name, raw] of record.fields) {
    if (n++ >= maxFields) break;
    out[name] = { raw: latin1ToText(raw), value: interpretField(record, name, raw) };
  }
  return out;
}
