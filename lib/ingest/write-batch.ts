import type { ProcessRow, SessionRow } from "../derive/derived-tables";
import { emptyReportRows, type ReportRows } from "../reports/rows";

/**
 * What the parse side hands the writer: plain arrays (cheap to pass between threads), in the
 * column order of the insert statements in lib/store/event-writer.ts.
 */
export type EventTuple = [
  id: number,
  fileId: number,
  line: number,
  node: string,
  timeMs: number,
  serial: number,
  types: string,
  recordCount: number,
  syscall: string | null,
  arch: string | null,
  success: number | null,
  exit: number | null,
  pid: number | null,
  ppid: number | null,
  auid: number | null,
  uid: number | null,
  euid: number | null,
  gid: number | null,
  ses: number | null,
  tty: string | null,
  comm: string | null,
  exe: string | null,
  keys: string | null,
  actor: string | null,
  action: string,
  object: string | null,
  result: string | null,
  rawBlockId: number,
  rawOffset: number,
  rawLength: number,
];

export type ProcessTuple = [
  id: number,
  eventId: number | null,
  parentId: number | null,
  chainPrevId: number | null,
  node: string,
  pid: number,
  ppid: number | null,
  ses: number | null,
  auid: number | null,
  uid: number | null,
  euid: number | null,
  exe: string | null,
  comm: string | null,
  argv: string | null,
  cwd: string | null,
  timeMs: number | null,
  success: number | null,
  placeholder: number,
];

export type TtyTuple = [
  eventId: number,
  node: string,
  ses: number | null,
  auid: number | null,
  pid: number | null,
  timeMs: number,
  data: Uint8Array,
  tokens: string,
  lines: string,
];

export type MalformedTuple = [
  fileId: number,
  line: number,
  offset: number,
  code: string,
  message: string,
  excerpt: Uint8Array,
];

export interface RawBlock {
  id: number;
  /** The events' raw lines, newline-joined, raw-deflated. */
  data: Uint8Array;
}

/** A boolean as SQLite stores it. */
export const sqlBool = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/** A process row in the insert statement's column order. */
export function processTuple(row: ProcessRow): ProcessTuple {
  return [
    row.id,
    row.eventId,
    row.parentId,
    row.chainPrevId,
    row.node,
    row.pid,
    row.ppid,
    row.ses,
    row.auid,
    row.uid,
    row.euid,
    row.exe,
    row.comm,
    row.argv,
    row.cwd,
    row.timeMs,
    sqlBool(row.success),
    row.placeholder ? 1 : 0,
  ];
}

export interface WriteBatch {
  events: EventTuple[];
  /** [eventId, text] for the full-text index. */
  search: [number, string][];
  blocks: RawBlock[];
  processes: ProcessTuple[];
  /** [process id, ppid, parent id]: parents learnt for placeholders written earlier (or in this batch). */
  placeholderPpids: [number, number, number | null][];
  tty: TtyTuple[];
  malformed: MalformedTuple[];
  /** Rows the reports are computed from (lib/reports). */
  reports: ReportRows;
  /** [auid, name] the first time an ENRICHED record names an auid, for the dataset summary. */
  auidNames: [number, string][];
  /** Parts of sessions set aside to bound the parse side's memory; merged into the dataset's. */
  sessions: SessionRow[];
}

export function emptyBatch(): WriteBatch {
  return {
    events: [],
    search: [],
    blocks: [],
    processes: [],
    placeholderPpids: [],
    tty: [],
    malformed: [],
    reports: emptyReportRows(),
    auidNames: [],
    sessions: [],
  };
}

export const EVENT_COLUMN = {
  id: 0,
  fileId: 1,
  node: 3,
  timeMs: 4,
  serial: 5,
  types: 6,
  recordCount: 7,
  syscall: 8,
  success: 10,
  auid: 14,
  exe: 21,
  keys: 22,
  action: 24,
  rawBlockId: 27,
  rawOffset: 28,
  rawLength: 29,
} as const;
