import { eventFacts } from "../audit/event-facts";
import { type InterpretedField, interpretRecord } from "../audit/interpret";
import { parseBuffer } from "../audit/parser";
import { summarize } from "../audit/summary";
import type { Store } from "../store/db";
import { readEventRaw } from "../store/raw-lines";

/**
 * What the page lists of one event: a hostile one can hold thousands of records of thousands of
 * fields (within the parser's limits), more rows than a browser can draw; the raw lines hold all.
 */
export const SHOWN_RECORDS = 500;
export const SHOWN_FIELDS = 500;

export interface EventRecordView {
  /** Where the record sits in the event's raw lines: a stable key. */
  key: string;
  type: string;
  fields: [name: string, field: InterpretedField][];
  /** Fields past SHOWN_FIELDS, not listed. */
  fieldsOmitted: number;
  /** ENRICHED fields (after the 0x1d separator), as written. */
  enriched: [name: string, value: string][];
}

export interface EventView {
  id: number;
  datasetId: number;
  node: string;
  timeMs: number;
  serial: number;
  summary: string;
  result: string | null;
  records: EventRecordView[];
  /** Records past SHOWN_RECORDS, not listed. */
  recordsOmitted: number;
  /** The raw lines, as read (latin1: one char per byte); escape before showing. */
  raw: string;
}

/** One event for the detail view: the raw lines are the truth, re-parsed here for the fields. */
export function getEvent(store: Store, datasetId: number, eventId: number): EventView | null {
  const row = store.db
    .prepare<[number, number], { id: number; node: string; time_ms: number; serial: number }>(
      `SELECT id, node, time_ms, serial FROM events WHERE id = ? AND dataset_id = ?`,
    )
    .get(eventId, datasetId);
  if (!row) return null;
  const raw = readEventRaw(store.db, row.id) ?? Buffer.alloc(0);
  const parsed = parseBuffer(raw).events;
  const records = parsed.flatMap((event) => event.records);
  const facts = parsed[0] ? eventFacts({ ...parsed[0], records }) : null;
  const summary = facts ? summarize(facts) : null;
  return {
    id: row.id,
    datasetId,
    node: row.node,
    timeMs: row.time_ms,
    serial: row.serial,
    summary: summary?.text ?? "",
    result: summary?.result ?? null,
    records: records.slice(0, SHOWN_RECORDS).map((record) => ({
      key: `${record.line}:${record.offset}`,
      type: record.type,
      fields: Object.entries(interpretRecord(record, SHOWN_FIELDS)),
      fieldsOmitted: Math.max(record.fields.size - SHOWN_FIELDS, 0),
      enriched: record.enriched ? [...record.enriched].slice(0, SHOWN_FIELDS) : [],
    })),
    recordsOmitted: Math.max(records.length - SHOWN_RECORDS, 0),
    raw: raw.toString("latin1"),
  };
}
