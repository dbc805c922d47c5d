import type Database from "better-sqlite3";
import { datasetIdBase, ID_STRIDE } from "../ingest/ids";
import { dropCachedResults } from "../reports/cache";
import type { DatasetState } from "./datasets";
import { replaceSkippedProcesses } from "./skipped-processes";

/**
 * The highest row id of each of a dataset's tables when an ingest into it began. Rows above them
 * are that ingest's: an ingest that fails, is cancelled or is interrupted (kill -9) is undone down
 * to them, so the dataset holds what it held before, never half a file (DESIGN.md, "Bad input").
 */
export interface IngestMarks {
  event: number;
  process: number;
  block: number;
  file: number;
  /** event_raw_extra's ids are shared by every dataset (its rows are found through their events). */
  extra: number;
  malformed: number;
  tty: number;
  /** tty_input's, report_events' and report_items' ids are shared by every dataset too. */
  reportEvent: number;
  reportItem: number;
  /** The dataset's state before files were added to it (null for a new dataset): given back when they are undone. */
  previous?: DatasetState | null;
}

const IN_DATASET = {
  event: "SELECT max(id) AS max FROM events WHERE id >= @base AND id < @end",
  process: "SELECT max(id) AS max FROM processes WHERE id >= @base AND id < @end",
  block: "SELECT max(id) AS max FROM raw_blocks WHERE id >= @base AND id < @end",
} as const;

const OF_DATASET = {
  file: "SELECT max(id) AS max FROM source_files WHERE dataset_id = @id",
  extra: "SELECT max(id) AS max FROM event_raw_extra",
  malformed: "SELECT max(id) AS max FROM malformed_lines WHERE dataset_id = @id",
  tty: "SELECT max(id) AS max FROM tty_input",
  reportEvent: "SELECT max(id) AS max FROM report_events",
  reportItem: "SELECT max(id) AS max FROM report_items",
} as const;

/** Records where the dataset's tables stand, before an ingest writes its first row. */
export function markIngestStart(
  db: Database.Database,
  datasetId: number,
  previous: DatasetState | null,
): IngestMarks {
  const base = datasetIdBase(datasetId);
  const max = (sql: string, fallback: number) =>
    db
      .prepare<[{ id: number; base: number; end: number }], { max: number | null }>(sql)
      .get({ id: datasetId, base, end: base + ID_STRIDE })?.max ?? fallback;
  const marks: IngestMarks = {
    event: max(IN_DATASET.event, base),
    process: max(IN_DATASET.process, base),
    block: max(IN_DATASET.block, base),
    file: max(OF_DATASET.file, 0),
    extra: max(OF_DATASET.extra, 0),
    malformed: max(OF_DATASET.malformed, 0),
    tty: max(OF_DATASET.tty, 0),
    reportEvent: max(OF_DATASET.reportEvent, 0),
    reportItem: max(OF_DATASET.reportItem, 0),
    previous,
  };
  db.prepare(`UPDATE datasets SET ingest_marks = ? WHERE id = ?`).run(JSON.stringify(marks), datasetId);
  return marks;
}

// Rows of the running ingest in tables whose ids all datasets share: found by id range (`+` keeps
// the planner off the dataset's index, which would walk every row of the dataset).
const REPORT_EVENTS_ADDED = "WHERE id > @reportEvent AND +dataset_id = @id AND event_id > @event";
const REPORT_ITEMS_ADDED = "WHERE id > @reportItem AND +dataset_id = @id AND event_id > @event";
const TTY_ADDED = "WHERE id > @tty AND +dataset_id = @id";

/**
 * Removes every row the dataset's unfinished ingest wrote (none when no ingest was open), and its
 * set-aside session parts; the dataset's counts and summary are only written when an ingest ends,
 * so they already describe what stays. Returns the marks undone (null when there was nothing).
 */
export function undoUnfinishedIngest(db: Database.Database, datasetId: number): MarkedRanges | null {
  const p = markedRanges(db, datasetId);
  if (!p) return null;
  db.transaction(() => {
    for (const sql of [
      // By rowid, not through the events: an event's search row can be written before the event.
      `DELETE FROM events_fts WHERE rowid > @event AND rowid < @end`,
      `DELETE FROM report_kinds WHERE dataset_id = @id AND row_id IN (SELECT id FROM report_events ${REPORT_EVENTS_ADDED})`,
      `DELETE FROM report_events ${REPORT_EVENTS_ADDED}`,
      `DELETE FROM report_items ${REPORT_ITEMS_ADDED}`,
      `DELETE FROM tty_input ${TTY_ADDED}`,
      `DELETE FROM event_raw_extra WHERE id > @extra AND event_id >= @base AND event_id < @end`,
      `DELETE FROM processes WHERE id > @process AND id < @end`,
      `DELETE FROM events WHERE id > @event AND id < @end`,
      `DELETE FROM raw_blocks WHERE id > @block AND id < @end`,
      `DELETE FROM malformed_lines WHERE dataset_id = @id AND id > @malformed`,
      `DELETE FROM source_files WHERE dataset_id = @id AND id > @file`,
      `DELETE FROM session_parts WHERE dataset_id = @id`,
      `UPDATE datasets SET ingest_marks = NULL WHERE id = @id`,
    ]) {
      db.prepare(sql).run(p);
    }
    dropCachedResults(db, datasetId);
  }).immediate();
  return p;
}

const NOT_STORED = (column: string) => `NOT EXISTS (SELECT 1 FROM events e WHERE e.id = ${column})`;

/**
 * Removes the rows the running ingest derived from events it skipped because the dataset already
 * had them (the writer writes them all: see `EventWriter.writeBatch`); rows pointing at their
 * process rows point at the stored ones instead. Runs inside the transaction that ends the ingest.
 */
export function dropRowsOfSkippedEvents(db: Database.Database, p: MarkedRanges): void {
  for (const sql of [
    `DELETE FROM events_fts WHERE rowid > @event AND rowid < @end AND ${NOT_STORED("events_fts.rowid")}`,
    `DELETE FROM report_kinds WHERE dataset_id = @id AND row_id IN
       (SELECT id FROM report_events ${REPORT_EVENTS_ADDED} AND ${NOT_STORED("report_events.event_id")})`,
    `DELETE FROM report_events ${REPORT_EVENTS_ADDED} AND ${NOT_STORED("report_events.event_id")}`,
    `DELETE FROM report_items ${REPORT_ITEMS_ADDED} AND ${NOT_STORED("report_items.event_id")}`,
    `DELETE FROM tty_input ${TTY_ADDED} AND ${NOT_STORED("tty_input.event_id")}`,
  ]) {
    db.prepare(sql).run(p);
  }
  replaceSkippedProcesses(db, p);
}

export type MarkedRanges = IngestMarks & { id: number; base: number; end: number };

/** The marks of the dataset's running ingest with its id range, as statement parameters; null when none runs. */
export function markedRanges(db: Database.Database, datasetId: number) {
  const row = db
    .prepare<[number], { ingest_marks: string | null }>(`SELECT ingest_marks FROM datasets WHERE id = ?`)
    .get(datasetId);
  if (!row?.ingest_marks) return null;
  // Marks taken by an older version lack the report tables' ids: from 0, found by their events.
  const marks = JSON.parse(row.ingest_marks) as Partial<IngestMarks> &
    Omit<IngestMarks, "reportEvent" | "reportItem">;
  const base = datasetIdBase(datasetId);
  return {
    reportEvent: 0,
    reportItem: 0,
    ...marks,
    id: datasetId,
    base,
    end: base + ID_STRIDE,
  } satisfies MarkedRanges;
}
