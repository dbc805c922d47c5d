import { latin1ToText } from "./decode";
import { execveArgs } from "./execve";
import { unquote } from "./fields";
import { fieldBytes, fieldText, proctitleArgs, recordKeys } from "./interpret";
import { decodeSockaddr, type Sockaddr } from "./sockaddr";
import { archFromHex } from "./tables/arches";
import { syscallName } from "./tables/syscalls";
import type { AuditEvent, AuditRecord } from "./types";

/** The columns investigations filter on, read once from an event's records. */
export interface EventFacts {
  types: string[];
  syscall: string | null;
  arch: string | null;
  success: boolean | null;
  exit: number | null;
  pid: number | null;
  ppid: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  gid: number | null;
  ses: number | null;
  tty: string | null;
  comm: string | null;
  exe: string | null;
  keys: string[];
  argv: string[] | null;
  proctitle: string[] | null;
  cwd: string | null;
  paths: { name: string; nametype: string | null }[];
  sockaddr: Sockaddr | null;
  /** Names from ENRICHED fields (or the record itself in `ausearch -i` output). */
  auidName: string | null;
  uidName: string | null;
  euidName: string | null;
  /** User-space message fields (`msg='…'`). */
  op: string | null;
  acct: string | null;
  hostname: string | null;
  addr: string | null;
  terminal: string | null;
  cmd: string | null;
  unit: string | null;
  /** Keystrokes of TTY/USER_TTY records, wherever they sit in the event. */
  ttyData: Uint8Array | null;
}

const UNSET_ID = 4294967295;
const SYSCALL_LIKE = new Set(["SYSCALL", "URINGOP"]);

function intOrNull(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) && /^-?\d+$/.test(raw) ? n : null;
}

/** An id: 4294967295 and -1 mean unset, kept as null. */
function idOrNull(raw: string | undefined): number | null {
  const n = intOrNull(raw);
  return n === null || n === UNSET_ID || n === -1 ? null : n;
}

function textOrNull(record: AuditRecord | undefined, name: string): string | null {
  const raw = record?.fields.get(name);
  if (record === undefined || raw === undefined) return null;
  return fieldText(record, name, raw);
}

function plainOrNull(record: AuditRecord | undefined, name: string): string | null {
  const raw = record?.fields.get(name);
  if (raw === undefined || raw === "?" || raw === '"?"') return null;
  return latin1ToText(unquote(raw));
}

function firstWith(records: readonly AuditRecord[], name: string): AuditRecord | undefined {
  return records.find((r) => r.fields.has(name));
}

function successOf(primary: AuditRecord | undefined): boolean | null {
  if (!primary) return null;
  const success = primary.fields.get("success");
  if (success !== undefined) return unquote(success) === "yes";
  const res = primary.fields.get("res") ?? primary.fields.get("result");
  if (res !== undefined) {
    const value = unquote(res);
    return value === "success" || value === "1" || value === "yes";
  }
  const apparmor = primary.fields.get("apparmor");
  if (apparmor !== undefined) return !/DENIED/i.test(apparmor);
  const seresult = primary.fields.get("seresult");
  if (seresult !== undefined) return seresult !== "denied";
  return null;
}

function nameOf(record: AuditRecord | undefined, field: string): string | null {
  if (!record) return null;
  const name =
    record.enriched?.get(field.toUpperCase()) ??
    (record.format === "interpreted" ? plainOrNull(record, field) : null);
  return name === null || name === "unset" ? null : name;
}

function syscallOf(primary: AuditRecord | undefined): string | null {
  if (!primary || !SYSCALL_LIKE.has(primary.type)) return null;
  const raw = primary.fields.get("syscall") ?? primary.fields.get("uring_op");
  if (raw === undefined) return null;
  if (primary.format === "interpreted") return raw;
  const arch = primary.fields.get("arch");
  return (arch !== undefined && syscallName(arch, Number(raw))) || primary.enriched?.get("SYSCALL") || raw;
}

function ttyBytes(records: readonly AuditRecord[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const record of records) {
    const raw = record.type === "TTY" || record.type === "USER_TTY" ? record.fields.get("data") : undefined;
    const bytes = raw === undefined ? null : fieldBytes(record, "data", raw);
    if (bytes) parts.push(bytes);
  }
  return parts.length === 0 ? null : parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

export function eventFacts(event: AuditEvent): EventFacts {
  const { records } = event;
  const primary = records.find((r) => SYSCALL_LIKE.has(r.type)) ?? records.find((r) => r.type !== "EOE");
  const idSource = (name: string) => (primary?.fields.has(name) ? primary : firstWith(records, name));
  const cwdRecord = records.find((r) => r.type === "CWD");
  const proctitleRecord = records.find((r) => r.type === "PROCTITLE");
  const proctitleRaw = proctitleRecord?.fields.get("proctitle");
  const proctitleBytes =
    proctitleRecord && proctitleRaw !== undefined
      ? fieldBytes(proctitleRecord, "proctitle", proctitleRaw)
      : null;
  const sockaddrRecord = records.find((r) => r.type === "SOCKADDR");
  const saddr = sockaddrRecord?.fields.get("saddr");
  const archRaw = primary?.fields.get("arch");
  const arch =
    archRaw === undefined
      ? null
      : primary?.format === "interpreted"
        ? archRaw
        : (archFromHex(archRaw)?.name ?? archRaw);
  const keys = [...new Set(records.flatMap(recordKeys))];
  const types: string[] = [];
  for (const r of records) if (r.type !== "EOE" && !types.includes(r.type)) types.push(r.type);

  return {
    types,
    syscall: syscallOf(primary),
    arch,
    success: successOf(primary),
    exit: intOrNull(primary?.fields.get("exit")),
    pid: intOrNull(idSource("pid")?.fields.get("pid")),
    ppid: intOrNull(idSource("ppid")?.fields.get("ppid")),
    auid: idOrNull(idSource("auid")?.fields.get("auid")),
    uid: idOrNull(idSource("uid")?.fields.get("uid")),
    euid: idOrNull(idSource("euid")?.fields.get("euid")),
    gid: idOrNull(idSource("gid")?.fields.get("gid")),
    ses: idOrNull(idSource("ses")?.fields.get("ses")),
    tty: plainOrNull(idSource("tty"), "tty"),
    comm: textOrNull(idSource("comm"), "comm"),
    exe: textOrNull(idSource("exe"), "exe"),
    keys,
    argv: execveArgs(records),
    proctitle: proctitleBytes ? proctitleArgs(proctitleBytes) : null,
    cwd: textOrNull(cwdRecord ?? firstWith(records, "cwd"), "cwd"),
    paths: records
      .filter((r) => r.type === "PATH" && r.fields.has("name"))
      .map((r) => ({ name: textOrNull(r, "name") ?? "", nametype: plainOrNull(r, "nametype") })),
    sockaddr: saddr !== undefined && sockaddrRecord?.format !== "interpreted" ? decodeSockaddr(saddr) : null,
    auidName: nameOf(idSource("auid"), "auid"),
    uidName: nameOf(idSource("uid"), "uid"),
    euidName: nameOf(idSource("euid"), "euid"),
    op: plainOrNull(primary, "op"),
    acct: textOrNull(firstWith(records, "acct"), "acct"),
    hostname: plainOrNull(firstWith(records, "hostname"), "hostname"),
    addr: plainOrNull(firstWith(records, "addr"), "addr"),
    terminal: plainOrNull(firstWith(records, "terminal"), "terminal"),
    cmd: textOrNull(firstWith(records, "cmd"), "cmd"),
    unit: plainOrNull(firstWith(records, "unit"), "unit"),
    ttyData: ttyBytes(records),
  };
}
