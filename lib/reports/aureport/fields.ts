import { emptyItems, type FileName, type SearchItems } from "./items";

/**
 * The scalar values of one of aureport's events that its report columns and rankings use: what
 * the store keeps per event, so that columns and ranking values are computed by the same
 * functions at ingest and at query time.
 */
export interface ReportFields {
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
  /** The file report's file: the first name, skipping leading PARENT entries when there are several. */
  file: string | null;
  /** The first key (the key report's column). */
  key: string | null;
}

/** aureport-output.c's choice of the file to show for an event. */
export function displayFile(files: readonly FileName[] | null): string | null {
  if (files === null) return null;
  let i = 0;
  if (files.length > 1) while (i < files.length && files[i]?.key === "PARENT") i++;
  return files[i]?.name ?? "";
}

export function fieldsOf(head: number, items: SearchItems): ReportFields {
  return {
    head,
    success: items.success,
    pid: items.pid,
    syscall: items.syscall,
    loginuid: items.loginuid,
    uid: items.uid,
    session: items.session,
    acct: items.acct,
    hostname: items.hostname,
    terminal: items.terminal,
    exe: items.exe,
    comm: items.comm,
    file: displayFile(items.filenames),
    key: items.keys?.[0] ?? null,
  };
}

/** An event's fields when nothing was read: what a column missing from a stored row stands for. */
export const UNREAD_FIELDS: Readonly<ReportFields> = fieldsOf(-1, emptyItems());

/** The fields' names, which report_events also gives its columns. */
export const REPORT_FIELD_NAMES = Object.keys(UNREAD_FIELDS) as readonly (keyof ReportFields)[];
