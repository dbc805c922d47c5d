import { digitsEnd } from "./chars";
import { latin1ToText } from "./decode";
import { execveArgs } from "./execve";
import { unquote } from "./fields";
import { addRecordKeys, fieldBytes, fieldText, proctitleFieldArgs } from "./interpret";
import { enrichedValue, fieldValue } from "./record";
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

/** A field's value as written, with the record it was read from. */
interface Field {
  record: AuditRecord;
  name: string;
  raw: string;
}

/**
 * A pure function of a string, remembered for its first `limit` distinct arguments: arch= and
 * syscall= take a handful of values in a whole log, and each costs a regex and a table lookup.
 */
function memoize<T>(compute: (key: string) => T, limit: number): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const value = compute(key);
    if (cache.size < limit) cache.set(key, value);
    return value;
  };
}

const archName = memoize((hex) => archFromHex(hex)?.name ?? hex, 64);
const syscallNamer = memoize((arch) => memoize((nr) => syscallName(arch, Number(nr)), 1024), 64);

function isSyscallLike(record: AuditRecord): boolean {
  return record.type === "SYSCALL" || record.type === "URINGOP";
}

function read(record: AuditRecord | undefined, name: string): Field | undefined {
  if (record === undefined) return undefined;
  const raw = fieldValue(record, name);
  return raw === undefined ? undefined : { record, name, raw };
}

/** The field in the first record that has it (`skip` is known not to). */
function firstWith(records: readonly AuditRecord[], name: string, skip?: AuditRecord): Field | undefined {
  for (const record of records) {
    if (record === skip) continue;
    const raw = fieldValue(record, name);
    if (raw !== undefined) return { record, name, raw };
  }
  return undefined;
}

/** Process attributes come from the primary record, else from the first record that has them. */
function idField(records: readonly AuditRecord[], primary: AuditRecord | undefined, name: string) {
  return read(primary, name) ?? firstWith(records, name, primary);
}

/** /^-?\d+$/, by hand: it runs for a dozen fields of every event. */
function isIntegerText(text: string): boolean {
  const start = text.charCodeAt(0) === 0x2d /* - */ ? 1 : 0;
  return text.length > start && digitsEnd(text, start) === text.length;
}

function intOrNull(field: Field | undefined): number | null {
  if (field === undefined || !isIntegerText(field.raw)) return null;
  const n = Number(field.raw);
  return Number.isFinite(n) ? n : null;
}

/** An id: 4294967295 and -1 mean unset, kept as null. */
function idOrNull(field: Field | undefined): number | null {
  const n = intOrNull(field);
  return n === null || n === UNSET_ID || n === -1 ? null : n;
}

function textOrNull(field: Field | undefined): string | null {
  return field === undefined ? null : fieldText(field.record, field.name, field.raw);
}

function plainOrNull(field: Field | undefined): string | null {
  if (field === undefined || field.raw === "?" || field.raw === '"?"') return null;
  return latin1ToText(unquote(field.raw));
}

function successOf(primary: AuditRecord | undefined): boolean | null {
  if (!primary) return null;
  const success = fieldValue(primary, "success");
  if (success !== undefined) return unquote(success) === "yes";
  const res = fieldValue(primary, "res") ?? fieldValue(primary, "result");
  if (res !== undefined) {
    const value = unquote(res);
    return value === "success" || value === "1" || value === "yes";
  }
  const apparmor = fieldValue(primary, "apparmor");
  if (apparmor !== undefined) return !/DENIED/i.test(apparmor);
  const seresult = fieldValue(primary, "seresult");
  if (seresult !== undefined) return seresult !== "denied";
  return null;
}

/** The name of an id (`auid` → `AUID=` of ENRICHED output), from the record the id came from. */
function nameOf(field: Field | undefined): string | null {
  if (!field) return null;
  const { record, name: id } = field;
  const name =
    enrichedValue(record, id.toUpperCase()) ?? (record.format === "interpreted" ? plainOrNull(field) : null);
  return name === null || name === "unset" ? null : name;
}

function syscallOf(primary: AuditRecord | undefined): string | null {
  if (!primary || !isSyscallLike(primary)) return null;
  const raw = fieldValue(primary, "syscall") ?? fieldValue(primary, "uring_op");
  if (raw === undefined) return null;
  if (primary.format === "interpreted") return raw;
  const arch = fieldValue(primary, "arch");
  return (arch !== undefined && syscallNamer(arch)(raw)) || enrichedValue(primary, "SYSCALL") || raw;
}

function archOf(primary: AuditRecord | undefined): string | null {
  const raw = primary && fieldValue(primary, "arch");
  if (raw === undefined) return null;
  return primary?.format === "interpreted" ? raw : archName(raw);
}

/** The records eventFacts reads by type, found in one pass. */
interface Located {
  primary: AuditRecord | undefined;
  cwd: AuditRecord | undefined;
  proctitle: AuditRecord | undefined;
  sockaddr: AuditRecord | undefined;
  types: string[];
  paths: AuditRecord[];
  ttys: AuditRecord[];
}

function locate(records: readonly AuditRecord[]): Located {
  const found: Located = {
    primary: undefined,
    cwd: undefined,
    proctitle: undefined,
    sockaddr: undefined,
    types: [],
    paths: [],
    ttys: [],
  };
  // The primary record is the first SYSCALL-like one, else the first that is not EOE.
  let firstOther: AuditRecord | undefined;
  for (const record of records) {
    const { type } = record;
    if (type === "EOE") continue;
    if (!found.types.includes(type)) found.types.push(type);
    if (found.primary === undefined && isSyscallLike(record)) found.primary = record;
    firstOther ??= record;
    if (type === "PATH") found.paths.push(record);
    else if (type === "CWD") found.cwd ??= record;
    else if (type === "PROCTITLE") found.proctitle ??= record;
    else if (type === "SOCKADDR") found.sockaddr ??= record;
    else if (type === "TTY" || type === "USER_TTY") found.ttys.push(record);
  }
  found.primary ??= firstOther;
  return found;
}

function ttyBytes(ttys: readonly AuditRecord[]): Uint8Array | null {
  const parts: Uint8Array[] = [];
  for (const record of ttys) {
    const raw = fieldValue(record, "data");
    const bytes = raw === undefined ? null : fieldBytes(record, "data", raw);
    if (bytes) parts.push(bytes);
  }
  return parts.length === 0 ? null : parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
}

function eventKeys(records: readonly AuditRecord[]): string[] {
  const keys: string[] = [];
  for (const record of records) addRecordKeys(record, keys);
  // Almost every event has one key or none: only more need their duplicates dropped.
  return keys.length > 1 ? [...new Set(keys)] : keys;
}

function pathsOf(paths: readonly AuditRecord[]): EventFacts["paths"] {
  const out: EventFacts["paths"] = [];
  for (const record of paths) {
    const name = read(record, "name");
    if (name) out.push({ name: textOrNull(name) ?? "", nametype: plainOrNull(read(record, "nametype")) });
  }
  return out;
}

function sockaddrOf(record: AuditRecord | undefined): Sockaddr | null {
  const saddr = record && fieldValue(record, "saddr");
  return saddr !== undefined && record?.format !== "interpreted" ? decodeSockaddr(saddr) : null;
}

export function eventFacts(event: AuditEvent): EventFacts {
  const { records } = event;
  const found = locate(records);
  const { primary } = found;
  const proctitle = read(found.proctitle, "proctitle");
  const auid = idField(records, primary, "auid");
  const uid = idField(records, primary, "uid");
  const euid = idField(records, primary, "euid");

  return {
    types: found.types,
    syscall: syscallOf(primary),
    arch: archOf(primary),
    success: successOf(primary),
    exit: intOrNull(read(primary, "exit")),
    pid: intOrNull(idField(records, primary, "pid")),
    ppid: intOrNull(idField(records, primary, "ppid")),
    auid: idOrNull(auid),
    uid: idOrNull(uid),
    euid: idOrNull(euid),
    gid: idOrNull(idField(records, primary, "gid")),
    ses: idOrNull(idField(records, primary, "ses")),
    tty: plainOrNull(idField(records, primary, "tty")),
    comm: textOrNull(idField(records, primary, "comm")),
    exe: textOrNull(idField(records, primary, "exe")),
    keys: eventKeys(records),
    argv: execveArgs(records),
    proctitle: proctitle ? proctitleFieldArgs(proctitle.record, proctitle.raw) : null,
    cwd: textOrNull(found.cwd ? read(found.cwd, "cwd") : firstWith(records, "cwd")),
    paths: pathsOf(found.paths),
    sockaddr: sockaddrOf(found.sockaddr),
    auidName: nameOf(auid),
    uidName: nameOf(uid),
    euidName: nameOf(euid),
    op: plainOrNull(read(primary, "op")),
    acct: textOrNull(firstWith(records, "acct")),
    hostname: plainOrNull(firstWith(records, "hostname")),
    addr: plainOrNull(firstWith(records, "addr")),
    terminal: plainOrNull(firstWith(records, "terminal")),
    cmd: textOrNull(firstWith(records, "cmd")),
    unit: plainOrNull(firstWith(records, "unit")),
    ttyData: ttyBytes(found.ttys),
  };
}
