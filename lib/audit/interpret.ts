import { bytesToText, hexToBytes, isHex, latin1ToText } from "./decode";
import { unquote } from "./fields";
import { formatSockaddr } from "./format-sockaddr";
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
const EXECVE_ARG = /^a\d+(\[\d+\])?$/;
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

/** Whether the field holds encoded bytes in this record (EXECVE's aN are strings; SYSCALL's are numbers). */
export function isEncodable(record: AuditRecord, name: string): boolean {
  return ENCODABLE.has(name) || (record.type === "EXECVE" && EXECVE_ARG.test(name));
}

/** The bytes a string field carries: hex decoded, quotes removed. Null for `(null)`/`(none)`. */
export function fieldBytes(record: AuditRecord, name: string, raw: string): Uint8Array | null {
  if (raw === "(null)" || raw === "(none)") return null;
  if (raw.startsWith('"')) return Uint8Array.from(Buffer.from(unquote(raw), "latin1"));
  if (record.format !== "interpreted" && isEncodable(record, name) && isHex(raw)) return hexToBytes(raw);
  return Uint8Array.from(Buffer.from(raw, "latin1"));
}

/** A string field's text: decoded and unquoted. Proctitle NULs become spaces; see proctitleArgs. */
export function fieldText(record: AuditRecord, name: string, raw: string): string | null {
  const bytes = fieldBytes(record, name, raw);
  if (bytes === null) return null;
  if (name === "proctitle") return proctitleArgs(bytes).join(" ");
  if (name === "key") return splitKeys(bytes).join(", ");
  return bytesToText(bytes);
}

export function proctitleArgs(bytes: Uint8Array): string[] {
  return bytesToText(bytes)
    .split("\0")
    .filter((arg, i, all) => arg !== "" || i < all.length - 1);
}

export function splitKeys(bytes: Uint8Array): string[] {
  return bytesToText(bytes)
    .split(KEY_SEPARATOR)
    .filter((key) => key !== "");
}

/** The record's keys (`key=` may hold several, separated by 0x01). */
export function recordKeys(record: AuditRecord): string[] {
  const raw = record.fields.get("key");
  if (raw === undefined) return [];
  const bytes = fieldBytes(record, "key", raw);
  return bytes === null ? [] : splitKeys(bytes);
}

function enrichedName(record: AuditRecord, name: string): string | undefined {
  return record.enriched?.get(name.toUpperCase());
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
      const arch = record.fields.get("arch");
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

export function interpretRecord(record: AuditRecord): Record<string, InterpretedField> {
  const out: Record<string, InterpretedField> = Object.create(null);
  for (const [name, raw] of record.fields)
    out[name] = { raw: latin1ToText(raw), value: interpretField(record, name, raw) };
  return out;
}
