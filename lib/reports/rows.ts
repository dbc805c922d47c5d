/**
 * The rows reports are computed from, built per event at ingest (in the parse worker) and written
 * beside the event: plain arrays in the column order of the inserts in report-writer.ts.
 */

/** One of aureport's events within one of ours (almost always exactly one per event). */
export type ReportEventTuple = [
  eventId: number,
  sub: number,
  /** 1: the same event as read by the reports that read uids (auth, user), where that differs. */
  variant: number,
  timeMs: number,
  node: string,
  serial: number,
  head: number,
  success: number,
  pid: number,
  syscall: number,
  loginuid: number,
  uid: number,
  session: number,
  acct: string | null,
  hostname: string | null,
  terminal: string | null,
  exe: string | null,
  comm: string | null,
  file: string | null,
  key: string | null,
  /** JSON arrays of all the event's file names and keys (rankings and summary count them all). */
  files: string | null,
  keys: string | null,
  /** The summary counters this row adds to, packed 3 bits each (summary-counters.ts). */
  counts: number,
  /** Bit per report (kinds.ts `bit`): this is the event's row in that detailed report. */
  listed: number,
  /** Bit per report: this row's value counts in that report's ranking. */
  ranked: number,
  /** The same two among the event's rows of this row's success (what --failed/--success take). */
  listedAlike: number,
  rankedAlike: number,
  /** Failed parser steps and BLIND bits: which reports aureport itself would skip this in. */
  blind: number,
];

/** Rows of the AVC and TTY reports, which list decisions and records rather than events. */
export type ReportItemTuple = [
  eventId: number,
  sub: number,
  kind: number,
  timeMs: number,
  node: string,
  success: number,
  /** 1: a row of the detailed report (AVC decisions, TTY records); and among rows of the same success. */
  listed: number,
  listedAlike: number,
  /** 1: counts in the ranking (the event's first ranked row). */
  ranked: number,
  /** 1: counts in the ranking among the event's rows of the same success (--failed/--success). */
  rankedAlike: number,
  blind: number,
  value: string | null,
  n: number,
  /** JSON of the detailed row's cells after date and time, for AVC and TTY rows. */
  cells: string | null,
];

/** Positions in ReportEventTuple the writer reads. */
export const EVENT_AT = {
  eventId: 0,
  timeMs: 3,
  listed: 23,
  ranked: 24,
  listedAlike: 25,
  rankedAlike: 26,
} as const;

/** report_kinds.flags: which of a row's masks have the report's bit. */
export const KIND_FLAG = { listed: 1, ranked: 2, listedAlike: 4, rankedAlike: 8 } as const;

export const ITEM = {
  avc: 3,
  tty: 4,
} as const;

export interface ReportRows {
  events: ReportEventTuple[];
  items: ReportItemTuple[];
}

export function emptyReportRows(): ReportRows {
  return { events: [], items: [] };
}
