import type { AuditEvent } from "../audit/types";
import { extractItems, type RecordMessage } from "./aureport/extract";
import { fieldsOf, REPORT_FIELD_NAMES, type ReportFields } from "./aureport/fields";
import { AVC_UNSET, Blind, Flag } from "./aureport/items";
import { type Cell, REPORT_KINDS, reportKind } from "./aureport/kinds";
import { avcCells, avcShown, ttyCells } from "./aureport/row-cells";
import { aureportSubEvents } from "./aureport/sub-events";
import { packCounters } from "./aureport/summary-counters";
import { T, typeNumber } from "./aureport/types";
import { type SubEventView, viewOf } from "./aureport/view";
import { ITEM, type ReportItemTuple, type ReportRows } from "./rows";

const AVC_BIT = 1 << reportKind("avc").bit;
/** Reports that read uids, whose view of old-style user records can differ (see extract.ts). */
const UID_KINDS = REPORT_KINDS.reduce(
  (mask, kind) => (kind.flags & Flag.UID ? mask | (1 << kind.bit) : mask),
  0,
);

export interface ReportEventInput {
  event: AuditEvent;
  eventId: number;
  timeMs: number;
  node: string;
}

interface Masks {
  listed: number;
  ranked: number;
}

/** aureport's events within ours; an event it cannot read at all is still reported, marked. */
function subEventsOf(event: AuditEvent): { subs: RecordMessage[][]; blind: number } {
  const subs = aureportSubEvents(event.records);
  if (subs.length > 0) return { subs, blind: 0 };
  const all = event.records.map((r) => ({ type: typeNumber(r.type), raw: r.raw }));
  return { subs: [all], blind: Blind.UNREAD };
}

function sameFields(a: ReportFields, b: ReportFields): boolean {
  for (const key of REPORT_FIELD_NAMES) if (a[key] !== b[key]) return false;
  return true;
}

/** Reports whose rules look only at record types (so at notable ones). */
const TYPE_RULED = REPORT_KINDS.filter((kind) => kind.sparse || kind.rowsFrom === "items");
const OTHERS = REPORT_KINDS.filter((kind) => !TYPE_RULED.includes(kind));

/** The reports (bits) that list / rank this view; the uid-reading ones look at `uidView`. */
function kindsOf(view: SubEventView, uidView: SubEventView): Masks {
  let listed = 0;
  let ranked = 0;
  for (const kind of view.notable ? REPORT_KINDS : OTHERS) {
    const bit = 1 << kind.bit;
    const v = bit & UID_KINDS ? uidView : view;
    if (kind.listed(v)) listed |= bit;
    if (kind.ranked(v)) ranked |= bit;
  }
  return { listed, ranked };
}

/**
 * Which rows of an event each report takes: the first that qualifies, overall and among the rows
 * of each success (--failed and --success take the first qualifying row that passes them).
 */
class FirstRows {
  private readonly taken: Masks = { listed: 0, ranked: 0 };
  /** Made when an event has a second row (rare: aureport cut it in two). */
  private takenBySuccess: Map<number, Masks> | null = null;
  private firstSuccess = 0;

  take(masks: Masks, success: number): { first: Masks; alike: Masks } {
    if (this.takenBySuccess === null && this.taken.listed === 0 && this.taken.ranked === 0) {
      // The event's first row takes all it qualifies for.
      this.taken.listed = masks.listed;
      this.taken.ranked = masks.ranked;
      this.firstSuccess = success;
      return { first: masks, alike: masks };
    }
    if (this.takenBySuccess === null) {
      this.takenBySuccess = new Map([[this.firstSuccess, { ...this.taken }]]);
    }
    let alikeTaken = this.takenBySuccess.get(success);
    if (!alikeTaken) {
      alikeTaken = { listed: 0, ranked: 0 };
      this.takenBySuccess.set(success, alikeTaken);
    }
    const first = { listed: masks.listed & ~this.taken.listed, ranked: masks.ranked & ~this.taken.ranked };
    const alike = { listed: masks.listed & ~alikeTaken.listed, ranked: masks.ranked & ~alikeTaken.ranked };
    this.taken.listed |= masks.listed;
    this.taken.ranked |= masks.ranked;
    alikeTaken.listed |= masks.listed;
    alikeTaken.ranked |= masks.ranked;
    return { first, alike };
  }
}

function pushEvent(
  out: ReportRows,
  input: ReportEventInput,
  row: {
    sub: number;
    variant: number;
    fields: ReportFields;
    lists: Lists;
    first: Masks;
    alike: Masks;
    only: number;
    blind: number;
  },
): void {
  const f = row.fields;
  out.events.push([
    input.eventId,
    row.sub,
    row.variant,
    input.timeMs,
    input.node,
    input.event.serial,
    f.head,
    f.success,
    f.pid,
    f.syscall,
    f.loginuid,
    f.uid,
    f.session,
    f.acct,
    f.hostname,
    f.terminal,
    f.exe,
    f.comm,
    f.file,
    f.key,
    row.lists.files,
    row.lists.keys,
    row.lists.counts,
    row.first.listed & row.only,
    row.first.ranked & row.only,
    row.alike.listed & row.only,
    row.alike.ranked & row.only,
    row.blind,
  ]);
}

/** An item row; `flags`: LISTED, RANKED, and their _ALIKE forms (among rows of the same success). */
function itemTuple(
  input: ReportEventInput,
  sub: number,
  view: SubEventView,
  kind: number,
  flags: number,
  value: string | null,
  n: number,
  cells: Cell[] | null,
  blind: number,
): ReportItemTuple {
  return [
    input.eventId,
    sub,
    kind,
    input.timeMs,
    input.node,
    view.items.success,
    flags & LISTED ? 1 : 0,
    flags & LISTED_ALIKE ? 1 : 0,
    flags & RANKED ? 1 : 0,
    flags & RANKED_ALIKE ? 1 : 0,
    view.failed | blind,
    value,
    n,
    cells === null ? null : JSON.stringify(cells),
  ];
}

interface Lists {
  files: string | null;
  keys: string | null;
  counts: number;
}

const NO_LISTS: Lists = { files: null, keys: null, counts: 0 };

/** The row's file names, keys (but `(null)`) and summary counters. */
function listsOf(view: SubEventView): Lists {
  const { filenames, keys } = view.items;
  const named = keys?.filter((key) => key !== "(null)");
  return {
    files: filenames && filenames.length > 0 ? JSON.stringify(filenames.map((f) => f.name)) : null,
    keys: named && named.length > 0 ? JSON.stringify(named) : null,
    counts: packCounters(view),
  };
}

const LISTED = 1;
const LISTED_ALIKE = 2;
const RANKED = 4;
const RANKED_ALIKE = 8;

/** An item's flags from its row's masks for the report `bit`. */
function itemFlags(rows: { first: Masks; alike: Masks }, bit: number): number {
  return (
    (rows.first.listed & bit ? LISTED : 0) |
    (rows.alike.listed & bit ? LISTED_ALIKE : 0) |
    (rows.first.ranked & bit ? RANKED : 0) |
    (rows.alike.ranked & bit ? RANKED_ALIKE : 0)
  );
}

/** A sub-event's AVC decisions and TTY records. */
function addItems(
  out: ReportRows,
  input: ReportEventInput,
  sub: number,
  view: SubEventView,
  records: readonly RecordMessage[],
  rows: { first: Masks; alike: Masks },
): void {
  const serial = input.event.serial;
  const avc = itemFlags(rows, AVC_BIT);
  if (avc !== 0) {
    for (const node of avcShown(view)) {
      // Only decisions count in the ranking (alist_find_avc skips the rest).
      const counts = node.result !== AVC_UNSET && node.tcontext !== null;
      const flags = counts ? avc : avc & (LISTED | LISTED_ALIKE);
      out.items.push(
        itemTuple(input, sub, view, ITEM.avc, flags, node.tcontext, 1, avcCells(view, node, serial), 0),
      );
    }
  }
  // Our TTY report lists every TTY record; aureport only those that begin an event.
  for (const record of records) {
    if (record.type !== T.TTY && record.type !== T.USER_TTY) continue;
    const cells = ttyCells(view, record, serial);
    if (cells === null) continue;
    const blind = record === records[0] ? 0 : Blind.TTY_INSIDE;
    out.items.push(itemTuple(input, sub, view, ITEM.tty, LISTED | LISTED_ALIKE, null, 1, cells, blind));
  }
}

/**
 * The report rows of one event, appended to `out`: a row per aureport event within it (with, per
 * report, whether it is the event's row in the detailed report and in the ranking: the first one
 * that qualifies), and their items.
 */
export function addReportRows(input: ReportEventInput, out: ReportRows): void {
  const { subs, blind: eventBlind } = subEventsOf(input.event);
  const firstRows = new FirstRows();
  for (const [sub, records] of subs.entries()) {
    const main = extractItems(records);
    const view = viewOf(records, main.items, main.failed | eventBlind);
    let uidView = view;
    if (main.uidMatters) {
      const uid = extractItems(records, true);
      uidView = viewOf(records, uid.items, uid.failed | eventBlind);
    }
    const fields = fieldsOf(view.head, view.items);
    const uidFields = uidView === view ? fields : fieldsOf(uidView.head, uidView.items);
    const masks = kindsOf(view, uidView);
    if (uidView === view || sameFields(fields, uidFields)) {
      const rows = firstRows.take(masks, view.items.success);
      pushEvent(out, input, {
        sub,
        variant: 0,
        fields,
        lists: listsOf(view),
        ...rows,
        only: ~0,
        blind: view.failed,
      });
      addItems(out, input, sub, view, records, rows);
      continue;
    }
    // The uid-reading reports see this event differently: they get a row of their own.
    const main0 = { listed: masks.listed & ~UID_KINDS, ranked: masks.ranked & ~UID_KINDS };
    const rows = firstRows.take(main0, view.items.success);
    const uid1 = { listed: masks.listed & UID_KINDS, ranked: masks.ranked & UID_KINDS };
    const uidRows = firstRows.take(uid1, uidView.items.success);
    const lists = listsOf(view);
    pushEvent(out, input, { sub, variant: 0, fields, lists, ...rows, only: ~UID_KINDS, blind: view.failed });
    const uidRow = { fields: uidFields, lists: NO_LISTS, ...uidRows, only: UID_KINDS, blind: uidView.failed };
    pushEvent(out, input, { sub, variant: 1, ...uidRow });
    addItems(out, input, sub, view, records, rows);
  }
}
