import type { AuditEvent, AuditRecord } from "../audit/types";
import { extractItems, type RecordMessage } from "../reports/aureport/extract";
import { fieldsOf } from "../reports/aureport/fields";
import { uidText } from "../reports/aureport/format";
import { AVC_UNSET, Blind, Flag, LOGINUID_UNSET, S_FAILED, S_SUCCESS } from "../reports/aureport/items";
import type { Cell, ReportKind } from "../reports/aureport/kinds";
import { avcCells, avcShown, ttyCells } from "../reports/aureport/row-cells";
import { aureportSubEvents } from "../reports/aureport/sub-events";
import { COUNTERS, SUMMARY_FLAGS } from "../reports/aureport/summary-counters";
import { completesAtOnce, T, typeNumber } from "../reports/aureport/types";
import { type SubEventView, viewOf } from "../reports/aureport/view";
import { aureportDate } from "../reports/output/dates";

/**
 * aureport's reports computed in memory with our rule code, over aureport's own events: a
 * simulation of ausearch-lol's grouping of the file's lines (including its time-out, which our
 * parser does not have). Tests compare it with aureport (the rules are aureport's) and with the
 * store (which groups records as our parser does).
 */

export type Success = "failed" | "success" | undefined;

export interface AureportEvent {
  /** node, stamp and serial: the key our events have too. */
  key: string;
  serial: number;
  sec: number;
  records: RecordMessage[];
}

const EOE_TIMEOUT = 2;
const MAX_LINE = 8969;

export function eventKey(node: string | null, sec: number, ms: number, serial: number): string {
  return `${node ?? ""}|${sec}.${ms}|${serial}`;
}

/** The first record our parser read on each line, by line number. */
function firstRecordOnLine(
  events: readonly AuditEvent[],
  lines: readonly string[],
): Map<number, AuditRecord> {
  const first = new Map<number, AuditRecord>();
  for (const event of events) {
    for (const record of event.records) {
      const line = lines[record.line - 1] ?? "";
      if (line.startsWith(record.raw) || line.replace(/\r$/, "").startsWith(record.raw))
        first.set(record.line, record);
    }
  }
  return first;
}

/** ausearch-lol over the file: its events, in the order they complete. */
export function aureportEvents(data: Buffer, events: readonly AuditEvent[]): AureportEvent[] {
  const lines = data.toString("latin1").split("\n");
  const first = firstRecordOnLine(events, lines);
  const building: AureportEvent[] = [];
  const done: AureportEvent[] = [];
  for (const [index, line] of lines.entries()) {
    const record = first.get(index + 1);
    if (!record || (record.format !== "raw" && record.format !== "enriched")) continue;
    const key = eventKey(record.node, record.sec, record.ms, record.serial);
    const message: RecordMessage = { type: typeNumber(record.type), raw: line.slice(0, MAX_LINE) };
    const open = building.find((e) => e.key === key);
    if (open) {
      open.records.push(message);
      continue;
    }
    if (message.type === T.EOE) continue; // a stray EOE is dropped
    building.push({ key, serial: record.serial, sec: record.sec, records: [message] });
    // check_events(): time-outs, and events whose first record is a single-record type.
    for (let i = building.length - 1; i >= 0; i--) {
      const e = building[i] as AureportEvent;
      if (e.sec + EOE_TIMEOUT <= record.sec || completesAtOnce(e.records[0]?.type ?? -1)) {
        done.push(e);
        building.splice(i, 1);
      }
    }
  }
  return [...done, ...building];
}

/** Our events cut the way the store cuts them (lib/reports/derive.ts). */
export function ourSubEvents(event: AuditEvent): RecordMessage[][] {
  return aureportSubEvents(event.records);
}

export interface EmulatedView {
  serial: number;
  sec: number;
  records: RecordMessage[];
  view: SubEventView;
  uidView: SubEventView;
}

export function emulatedView(serial: number, sec: number, records: RecordMessage[]): EmulatedView {
  const main = extractItems(records);
  const uid = extractItems(records, true);
  return {
    serial,
    sec,
    records,
    view: viewOf(records, main.items, main.failed),
    uidView: viewOf(records, uid.items, uid.failed),
  };
}

const passes = (success: Success, value: number) =>
  success === undefined || (success === "failed" ? value === S_FAILED : value === S_SUCCESS);

/** The view a report reads, or null when aureport skips the event in it. */
export function readBy(kind: ReportKind, e: EmulatedView, success: Success): SubEventView | null {
  const view = kind.flags & Flag.UID ? e.uidView : e.view;
  if (view.failed & (kind.flags | Flag.ALWAYS | Blind.APPARMOR)) return null;
  return passes(success, view.items.success) ? view : null;
}

/** The detailed rows (date, time and columns as aureport prints them) the event gives. */
export function emulatedRows(kind: ReportKind, e: EmulatedView, view: SubEventView): string[] {
  if (!kind.listed(view)) return [];
  const line = (cells: Cell[]) => `${aureportDate(e.sec * 1000)} ${cells.join(" ")}`;
  if (kind.name === "avc") return avcShown(view).map((node) => line(avcCells(view, node, e.serial)));
  if (kind.name === "tty") {
    const first = e.records[0];
    const row = first ? emulatedTtyRow(e, view, first) : null;
    return row === null ? [] : [row];
  }
  return [line(kind.cells(fieldsOf(view.head, view.items), e.serial))];
}

/** The values the event adds to the report's ranking (a multiset, as aureport counts). */
export function emulatedRanking(kind: ReportKind, view: SubEventView): string[] {
  if (!kind.ranked(view)) return [];
  const { items } = view;
  switch (kind.rankFrom) {
    case "fields": {
      const value = kind.rankValue(fieldsOf(view.head, items));
      return value === null ? [] : [value];
    }
    case "files":
      return (items.filenames ?? []).map((f) => f.name);
    case "keys":
      return (items.keys ?? []).filter((key) => key !== "(null)");
    case "items":
      return avcShown(view)
        .filter((node) => node.result !== AVC_UNSET && node.tcontext !== null)
        .map((node) => node.tcontext ?? "");
    case null:
      return [];
  }
}

/** The TTY report's row of an event that begins with a TTY record. */
export function emulatedTtyRow(e: EmulatedView, view: SubEventView, first: RecordMessage): string | null {
  if (view.head !== T.TTY && view.head !== T.USER_TTY) return null;
  const cells = ttyCells(view, first, e.serial);
  return cells === null ? null : `${aureportDate(e.sec * 1000)} ${cells.join(" ")}`;
}

export interface EmulatedSummary {
  counters: Map<string, number>;
  sets: Map<string, Set<string>>;
  events: number;
}

export function emptySummary(): EmulatedSummary {
  return { counters: new Map(), sets: new Map(), events: 0 };
}

/** Adds an event to the summary report as aureport's do_summary_total() does. */
export function addToSummary(summary: EmulatedSummary, e: EmulatedView, success: Success): void {
  const { view } = e;
  if (view.failed & (SUMMARY_FLAGS | Flag.ALWAYS | Blind.APPARMOR)) return;
  if (!passes(success, view.items.success)) return;
  summary.events++;
  for (const [label, count] of COUNTERS) {
    summary.counters.set(label, (summary.counters.get(label) ?? 0) + count(view));
  }
  const { items } = view;
  const add = (label: string, value: string | null) => {
    if (value === null) return;
    const set = summary.sets.get(label) ?? new Set<string>();
    summary.sets.set(label, set.add(value));
  };
  add("users", items.loginuid === LOGINUID_UNSET ? null : uidText(items.loginuid));
  add("terminals", items.terminal);
  add("host names", items.hostname);
  add("executables", items.exe);
  add("commands", items.comm);
  for (const file of items.filenames ?? []) add("files", file.name);
  for (const key of items.keys ?? []) if (key !== "(null)") add("keys", key);
  add("process IDs", items.pid === -1 ? null : String(items.pid));
}
