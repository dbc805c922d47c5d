import type { ReportFields } from "./aureport/fields";

/** The report_events columns a report reads, as SQLite returns them. */
export interface StoredRow {
  event_id: number;
  time_ms: number;
  serial: number;
  head: number;
  success: number;
  pid: number;
  syscall: number;
  loginuid: number;
  uid: number;
  session: number;
  acct: string | null;
  hostname: string | null;
  terminal: string | null;
  exe: string | null;
  comm: string | null;
  file: string | null;
  key: string | null;
}

const COLUMN_NAMES = [
  "event_id",
  "time_ms",
  "serial",
  "head",
  "success",
  "pid",
  "syscall",
  "loginuid",
  "uid",
  "session",
  "acct",
  "hostname",
  "terminal",
  "exe",
  "comm",
  "file",
  "key",
] as const;

export const STORED_COLUMNS = COLUMN_NAMES.join(", ");
/** The same, from report_events joined as `e`. */
export const JOINED_COLUMNS = COLUMN_NAMES.map((name) => `e.${name}`).join(", ");

/** SQL column of each field (for GROUP BY in rankings). */
export const FIELD_COLUMN: Readonly<Record<keyof ReportFields, string>> = {
  head: "head",
  success: "success",
  pid: "pid",
  syscall: "syscall",
  loginuid: "loginuid",
  uid: "uid",
  session: "session",
  acct: "acct",
  hostname: "hostname",
  terminal: "terminal",
  exe: "exe",
  comm: "comm",
  file: "file",
  key: "key",
};

export function fieldsOfRow(row: Partial<StoredRow>): ReportFields {
  return {
    head: row.head ?? -1,
    success: row.success ?? -1,
    pid: row.pid ?? -1,
    syscall: row.syscall ?? 0,
    loginuid: row.loginuid ?? 0xfffffffe,
    uid: row.uid ?? 0xffffffff,
    session: row.session ?? 0xfffffffe,
    acct: row.acct ?? null,
    hostname: row.hostname ?? null,
    terminal: row.terminal ?? null,
    exe: row.exe ?? null,
    comm: row.comm ?? null,
    file: row.file ?? null,
    key: row.key ?? null,
  };
}
