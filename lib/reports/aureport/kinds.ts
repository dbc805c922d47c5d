import type { ReportFields } from "./fields";
import { orNull, orQuestion, successText, uidText, unsignedText } from "./format";
import { Flag, LOGINUID_UNSET, S_FAILED, UID_UNSET } from "./items";
import { AVC_TYPES, CONFIG_TYPES, RANGE, T, typeName } from "./types";
import { has, hasAny, hasIn, type SubEventView } from "./view";

/**
 * aureport's reports as data: for each, the parser steps it switches on (aureport-options.c), which
 * events its detailed report lists and which values its --summary ranks (aureport-scan.c), and its
 * title and columns (aureport-output.c).
 */

export const REPORT_NAMES = [
  "auth",
  "avc",
  "comm",
  "config",
  "crypto",
  "event",
  "file",
  "host",
  "integrity",
  "key",
  "login",
  "mods",
  "mac",
  "anomaly",
  "pid",
  "response",
  "syscall",
  "terminal",
  "tty",
  "user",
  "virt",
  "executable",
] as const;

export type ReportName = (typeof REPORT_NAMES)[number];

export type Cell = string | number;

export interface ReportKind {
  name: ReportName;
  /** Its bit in the per-event masks of the store. */
  bit: number;
  /** aureport's option for it (the parity tests run aureport with it). */
  option: string;
  flags: number;
  title: string;
  /** aureport's column names, without the leading "#". */
  columns: readonly string[];
  /** Width of the rule under the title, as aureport prints it. */
  rule: number;
  /** Detailed rows come from the event (one per event) or from its items (AVC decisions, TTY records). */
  rowsFrom: "events" | "items";
  /** Chosen by record type, so few events are in it: the store lists its rows (report_kinds). */
  sparse: boolean;
  /** null: aureport has no --summary for it. */
  summary: { title: string; rule: number; what: string } | null;
  /**
   * What the ranking counts: a value of the event (from the fields in `rankBy`), each of its file
   * names or keys, or its AVC decisions' objects.
   */
  rankFrom: "fields" | "files" | "keys" | "items" | null;
  rankBy: readonly (keyof ReportFields)[];
  /** per_event_detailed(): does the detailed report list this event? */
  listed(view: SubEventView): boolean;
  /** per_event_summary(): does the ranking count this event (values from rankValue or the items)? */
  ranked(view: SubEventView): boolean;
  rankValue(fields: ReportFields): string | null;
  /** The detailed row after date and time (events rows only). */
  cells(fields: ReportFields, serial: number): Cell[];
}

const isConfig = (v: SubEventView) => hasAny(v, CONFIG_TYPES) || hasIn(v, RANGE.macConfig);
const MGMT_TYPES = [T.USER_MGMT, T.GRP_MGMT];
const isAccountChange = (v: SubEventView) =>
  has(v, T.USER_CHAUTHTOK) || hasIn(v, RANGE.accounts) || hasAny(v, MGMT_TYPES) || hasIn(v, RANGE.roles);
const isAuth = (v: SubEventView) =>
  has(v, T.USER_AUTH) || (has(v, T.USER_MGMT) && v.items.success === S_FAILED);
const isAnomaly = (v: SubEventView) =>
  hasIn(v, RANGE.userAnomaly) || hasIn(v, RANGE.kernelAnomaly) || has(v, T.SECCOMP);
const isCrypto = (v: SubEventView) => hasIn(v, RANGE.kernelCrypto) || hasIn(v, RANGE.userCrypto);
const isAvc = (v: SubEventView) => hasAny(v, AVC_TYPES);

const headName = (f: ReportFields) => typeName(f.head);
const auid = (f: ReportFields) => uidText(f.loginuid);

/** Reports whose ranking counts the event's first record type. */
const byType = (f: ReportFields) => headName(f);

/** do_user_summary_output(): a name that starts like a number is shown as that number. */
function userValue(text: string): string {
  return /^[-\d]/.test(text) ? String(Number.parseInt(text, 10) | 0) : text;
}

interface KindSpec
  extends Omit<
    ReportKind,
    "bit" | "rowsFrom" | "sparse" | "rankFrom" | "rankBy" | "summary" | "rankValue" | "cells"
  > {
  rowsFrom?: ReportKind["rowsFrom"];
  sparse?: boolean;
  rankFrom?: ReportKind["rankFrom"];
  rankBy?: ReportKind["rankBy"];
  summary?: ReportKind["summary"];
  rankValue?: ReportKind["rankValue"];
  cells?: ReportKind["cells"];
}

const never = () => false;
const none = () => null;
const summary = (title: string, rule: number, what: string) => ({ title, rule, what });

const SPECS: readonly KindSpec[] = [
  {
    name: "auth",
    option: "-au",
    sparse: true,
    flags: Flag.EXE | Flag.HOSTNAME | Flag.TERMINAL | Flag.UID,
    title: "Authentication Report",
    columns: ["date", "time", "acct", "host", "term", "exe", "success", "event"],
    rule: 44,
    summary: summary("Authentication Summary Report", 29, "acct"),
    listed: isAuth,
    ranked: isAuth,
    // The auth report does not read auid, so aureport's "loginuid == -2" test always holds here.
    rankBy: ["acct"],
    rankValue: (f) => userValue(f.acct ?? uidText(LOGINUID_UNSET)),
    cells: (f, serial) => [
      f.acct ?? uidText(f.uid),
      orNull(f.hostname),
      orNull(f.terminal),
      orNull(f.exe),
      successText(f.success),
      serial,
    ],
  },
  {
    name: "avc",
    option: "-a",
    flags: Flag.COMM | Flag.SUBJECT | Flag.OBJECT,
    title: "AVC Report",
    columns: ["date", "time", "comm", "subj", "syscall", "class", "permission", "obj", "result", "event"],
    rule: 63,
    rowsFrom: "items",
    rankFrom: "items",
    summary: summary("Avc Object Summary Report", 33, "obj"),
    listed: isAvc,
    ranked: isAvc,
  },
  {
    name: "comm",
    option: "--comm",
    flags: Flag.TERMINAL | Flag.HOSTNAME | Flag.COMM | Flag.LOGINUID,
    title: "Command Report",
    columns: ["date", "time", "comm", "term", "host", "auid", "event"],
    rule: 36,
    summary: summary("Command Summary Report", 33, "command"),
    listed: (v) => v.items.comm !== null,
    ranked: (v) => v.items.comm !== null,
    rankBy: ["comm"],
    rankValue: (f) => f.comm,
    cells: (f, serial) => [
      orQuestion(f.comm),
      orQuestion(f.terminal),
      orQuestion(f.hostname),
      auid(f),
      serial,
    ],
  },
  {
    name: "config",
    option: "-c",
    sparse: true,
    flags: Flag.LOGINUID,
    title: "Config Change Report",
    columns: ["date", "time", "type", "auid", "success", "event"],
    rule: 35,
    summary: summary("Config Change Summary Report", 28, "type"),
    listed: isConfig,
    ranked: isConfig,
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [headName(f), auid(f), successText(f.success), serial],
  },
  {
    name: "crypto",
    option: "-cr",
    sparse: true,
    flags: Flag.LOGINUID,
    title: "Crypto Report",
    columns: ["date", "time", "auid", "type", "success", "event"],
    rule: 35,
    summary: summary("Crypto Summary Report", 21, "type"),
    listed: isCrypto,
    ranked: isCrypto,
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [auid(f), headName(f), successText(f.success), serial],
  },
  {
    name: "event",
    option: "-e",
    flags: Flag.LOGINUID,
    title: "Event Report",
    columns: ["date", "time", "event", "type", "auid", "success"],
    rule: 35,
    summary: summary("Event Summary Report", 22, "type"),
    listed: () => true,
    ranked: (v) => v.head !== -1,
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [serial, headName(f), auid(f), successText(f.success)],
  },
  {
    name: "file",
    option: "-f",
    flags: Flag.FILENAME | Flag.EXE | Flag.LOGINUID,
    title: "File Report",
    columns: ["date", "time", "file", "syscall", "success", "exe", "auid", "event"],
    rule: 47,
    rankFrom: "files",
    summary: summary("File Summary Report", 27, "file"),
    listed: (v) => v.items.filenames !== null,
    ranked: (v) => v.items.filenames !== null,
    cells: (f, serial) => [
      f.file ?? "",
      f.syscall,
      successText(f.success),
      orQuestion(f.exe),
      auid(f),
      serial,
    ],
  },
  {
    name: "host",
    option: "-h",
    flags: Flag.HOSTNAME | Flag.LOGINUID,
    title: "Host Report",
    columns: ["date", "time", "host", "syscall", "auid", "event"],
    rule: 35,
    summary: summary("Host Summary Report", 27, "host"),
    listed: (v) => v.items.hostname !== null,
    ranked: (v) => v.items.hostname !== null,
    rankBy: ["hostname"],
    rankValue: (f) => f.hostname,
    cells: (f, serial) => [orNull(f.hostname), f.syscall, auid(f), serial],
  },
  {
    name: "integrity",
    option: "--integrity",
    sparse: true,
    flags: Flag.LOGINUID,
    title: "Integrity Report",
    columns: ["date", "time", "type", "success", "event"],
    rule: 30,
    summary: summary("Integrity Summary Report", 24, "type"),
    listed: (v) => hasIn(v, RANGE.integrity),
    ranked: (v) => hasIn(v, RANGE.integrity),
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [headName(f), successText(f.success), serial],
  },
  {
    name: "key",
    option: "-k",
    flags: Flag.EXE | Flag.KEY | Flag.LOGINUID,
    title: "Key Report",
    columns: ["date", "time", "key", "success", "exe", "auid", "event"],
    rule: 47,
    rankFrom: "keys",
    summary: summary("Key Summary Report", 27, "key"),
    listed: (v) => v.items.keys !== null && v.items.keys[0] !== "(null)",
    ranked: (v) => v.items.keys !== null,
    cells: (f, serial) => [orNull(f.key), successText(f.success), orQuestion(f.exe), auid(f), serial],
  },
  {
    name: "login",
    option: "-l",
    sparse: true,
    flags: Flag.EXE | Flag.HOSTNAME | Flag.TERMINAL | Flag.LOGINUID,
    title: "Login Report",
    columns: ["date", "time", "auid", "host", "term", "exe", "success", "event"],
    rule: 44,
    summary: summary("Login Summary Report", 28, "auid"),
    listed: (v) => has(v, T.USER_LOGIN),
    ranked: (v) => has(v, T.USER_LOGIN),
    // A failed login sets no auid: the account tried is shown instead.
    rankBy: ["loginuid", "acct"],
    rankValue: (f) => userValue(f.loginuid >= 2 ** 31 && f.acct !== null ? f.acct : auid(f)),
    cells: (f, serial) => [
      f.success === S_FAILED && f.acct !== null ? f.acct : auid(f),
      orNull(f.hostname),
      orNull(f.terminal),
      orNull(f.exe),
      successText(f.success),
      serial,
    ],
  },
  {
    name: "mods",
    option: "-m",
    sparse: true,
    flags: Flag.EXE | Flag.HOSTNAME | Flag.TERMINAL | Flag.LOGINUID,
    title: "Account Modifications Report",
    columns: ["date", "time", "auid", "addr", "term", "exe", "acct", "success", "event"],
    rule: 49,
    summary: summary("Acct Modification Summary Report", 32, "type"),
    listed: isAccountChange,
    ranked: isAccountChange,
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [
      auid(f),
      orQuestion(f.hostname),
      orQuestion(f.terminal),
      orQuestion(f.exe),
      orQuestion(f.acct),
      successText(f.success),
      serial,
    ],
  },
  {
    name: "mac",
    option: "-ma",
    sparse: true,
    flags: Flag.LOGINUID,
    title: "MAC Report",
    columns: ["date", "time", "auid", "type", "success", "event"],
    rule: 35,
    summary: summary("MAC Summary Report", 18, "type"),
    listed: (v) => hasIn(v, RANGE.macConfig) || hasIn(v, RANGE.userLspp),
    // The ranking's range stops at MAC_MAP_DEL, the listing's at MAC_UNLBL_STCDEL.
    ranked: (v) => hasIn(v, RANGE.macSummary) || hasIn(v, RANGE.userLspp),
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [auid(f), headName(f), successText(f.success), serial],
  },
  {
    name: "anomaly",
    option: "-n",
    sparse: true,
    flags: Flag.TERMINAL | Flag.HOSTNAME | Flag.EXE | Flag.COMM | Flag.LOGINUID,
    title: "Anomaly Report",
    columns: ["date", "time", "type", "exe", "term", "host", "auid", "event"],
    rule: 41,
    summary: summary("Anomaly Summary Report", 22, "type"),
    listed: isAnomaly,
    ranked: isAnomaly,
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [
      headName(f),
      f.exe ?? f.comm ?? "?",
      orQuestion(f.terminal),
      orQuestion(f.hostname),
      auid(f),
      serial,
    ],
  },
  {
    name: "pid",
    option: "-p",
    flags: Flag.EXE | Flag.LOGINUID,
    title: "Process ID Report",
    columns: ["date", "time", "pid", "exe", "syscall", "auid", "event"],
    rule: 38,
    summary: summary("Pid Summary Report", 26, "pid"),
    listed: (v) => v.items.pid >= 0,
    ranked: (v) => v.items.pid !== -1,
    rankBy: ["pid"],
    rankValue: (f) => String(f.pid),
    cells: (f, serial) => [Number(unsignedText(f.pid)), orQuestion(f.exe), f.syscall, auid(f), serial],
  },
  {
    name: "response",
    option: "-r",
    sparse: true,
    flags: 0,
    title: "Response to Anomaly Report",
    columns: ["date", "time", "type", "success", "event"],
    rule: 30,
    summary: summary("Anomaly Response Summary Report", 31, "type"),
    listed: (v) => hasIn(v, RANGE.anomalyResponse),
    ranked: (v) => hasIn(v, RANGE.anomalyResponse),
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [headName(f), successText(f.success), serial],
  },
  {
    name: "syscall",
    option: "-s",
    flags: Flag.COMM | Flag.LOGINUID,
    title: "Syscall Report",
    columns: ["date", "time", "syscall", "pid", "comm", "auid", "event"],
    rule: 39,
    summary: summary("Syscall Summary Report", 26, "syscall"),
    listed: (v) => v.items.syscall !== 0,
    ranked: (v) => v.items.syscall > 0,
    rankBy: ["syscall"],
    rankValue: (f) => String(f.syscall),
    cells: (f, serial) => [f.syscall, Number(unsignedText(f.pid)), orQuestion(f.comm), auid(f), serial],
  },
  {
    name: "terminal",
    option: "-tm",
    flags: Flag.TERMINAL | Flag.HOSTNAME | Flag.EXE | Flag.LOGINUID,
    title: "Terminal Report",
    columns: ["date", "time", "term", "host", "exe", "auid", "event"],
    rule: 36,
    summary: summary("Terminal Summary Report", 31, "terminal"),
    listed: (v) => v.items.terminal !== null,
    ranked: (v) => v.items.terminal !== null,
    rankBy: ["terminal"],
    rankValue: (f) => f.terminal,
    cells: (f, serial) => [orNull(f.terminal), orNull(f.hostname), orNull(f.exe), auid(f), serial],
  },
  {
    name: "tty",
    option: "--tty",
    flags: Flag.SESSION | Flag.LOGINUID | Flag.TERMINAL | Flag.COMM,
    title: "TTY Report",
    columns: ["date", "time", "event", "auid", "term", "sess", "comm", "data"],
    rule: 47,
    rowsFrom: "items",
    rankFrom: null,
    summary: null,
    listed: (v) => v.head === T.TTY || v.head === T.USER_TTY,
    ranked: never,
  },
  {
    name: "user",
    option: "-u",
    flags: Flag.TERMINAL | Flag.HOSTNAME | Flag.EXE | Flag.UID | Flag.LOGINUID,
    title: "User ID Report",
    columns: ["date", "time", "auid", "term", "host", "exe", "event"],
    rule: 36,
    summary: summary("User Summary Report", 27, "auid"),
    listed: (v) => v.items.uid !== UID_UNSET,
    ranked: (v) => v.items.loginuid !== LOGINUID_UNSET,
    rankBy: ["loginuid"],
    rankValue: auid,
    cells: (f, serial) => [
      auid(f),
      orQuestion(f.terminal),
      orQuestion(f.hostname),
      orQuestion(f.exe),
      serial,
    ],
  },
  {
    name: "virt",
    option: "--virt",
    sparse: true,
    flags: 0,
    title: "Virtualization Report",
    columns: ["date", "time", "type", "success", "event"],
    rule: 30,
    summary: summary("Virtualization Summary Report", 29, "type"),
    listed: (v) => hasIn(v, RANGE.virt),
    ranked: (v) => hasIn(v, RANGE.virt),
    rankBy: ["head"],
    rankValue: byType,
    cells: (f, serial) => [headName(f), successText(f.success), serial],
  },
  {
    name: "executable",
    option: "-x",
    flags: Flag.TERMINAL | Flag.HOSTNAME | Flag.EXE | Flag.LOGINUID,
    title: "Executable Report",
    columns: ["date", "time", "exe", "term", "host", "auid", "event"],
    rule: 36,
    summary: summary("Executable Summary Report", 33, "file"),
    listed: (v) => v.items.exe !== null,
    ranked: (v) => v.items.exe !== null,
    rankBy: ["exe"],
    rankValue: (f) => f.exe,
    cells: (f, serial) => [
      orQuestion(f.exe),
      orQuestion(f.terminal),
      orQuestion(f.hostname),
      auid(f),
      serial,
    ],
  },
];

export const REPORT_KINDS: readonly ReportKind[] = SPECS.map((spec, bit) => ({
  rowsFrom: "events",
  sparse: false,
  rankFrom: "fields",
  rankBy: [],
  summary: null,
  rankValue: none,
  cells: () => [],
  ...spec,
  bit,
}));

const BY_NAME = new Map(REPORT_KINDS.map((kind) => [kind.name, kind]));

export function reportKind(name: ReportName): ReportKind {
  const kind = BY_NAME.get(name);
  if (!kind) throw new Error(`unknown report ${name}`);
  return kind;
}

/** Bits of the sparse reports. */
export const SPARSE_KINDS = REPORT_KINDS.reduce(
  (mask, kind) => (kind.sparse ? mask | (1 << kind.bit) : mask),
  0,
);

export function isReportName(name: string): name is ReportName {
  return BY_NAME.has(name as ReportName);
}
