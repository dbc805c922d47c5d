import type Database from "better-sqlite3";
import { LOGINUID_UNSET } from "./aureport/items";
import type { ReportName } from "./aureport/kinds";
import {
  COUNTERS,
  counterField,
  counterKey,
  type DistinctCount,
  SUMMARY_FLAGS,
  SUMMARY_LABELS,
  SUMMARY_LINKS,
} from "./aureport/summary-counters";
import { cachedResult } from "./cache";
import { cacheKey, coversWholeDataset, type ReportFilters, whereOf } from "./filters";

export interface SummaryCount {
  /** aureport's label after "Number of ". */
  label: string;
  /** The label as a JSON key (`AVC's` → `avcs`). */
  key: string;
  value: number;
  /** The report (and filter) that lists what this line counts. */
  link: { report: ReportName; success?: "failed" | "success" };
}

export interface SummaryReport {
  /** The dataset's first and last event (aureport's "Range of time in logs"). */
  firstMs: number | null;
  lastMs: number | null;
  /** aureport's lines, in its order. */
  counts: SummaryCount[];
}

const COUNTER_SUMS = COUNTERS.map((_, i) => {
  const { shift, mask } = counterField(i);
  return `sum((counts >> ${shift}) & ${mask}) AS c${i}`;
}).join(", ");

/** Distinct values, as aureport counts them (users by auid read; pids but -1). */
const DISTINCT_SQL = `count(DISTINCT CASE WHEN loginuid != ${LOGINUID_UNSET} THEN loginuid END) AS users,
  count(DISTINCT terminal) AS terminals, count(DISTINCT hostname) AS hosts, count(DISTINCT exe) AS exes,
  count(DISTINCT comm) AS comms, count(DISTINCT CASE WHEN pid != -1 THEN pid END) AS pids,
  count(DISTINCT event_id) AS events`;

interface DistinctRow {
  users: number;
  terminals: number;
  hosts: number;
  exes: number;
  comms: number;
  pids: number;
  events: number;
}

function distinctInLists(
  db: Database.Database,
  sql: string,
  params: Record<string, number | string>,
): number {
  const values = new Set<string>();
  for (const row of db.prepare<Record<string, number | string>, { list: string }>(sql).all(params)) {
    for (const value of JSON.parse(row.list) as string[]) values.add(value);
  }
  return values.size;
}

function computeCounts(
  db: Database.Database,
  datasetId: number,
  filters: ReportFilters,
): Record<string, number> {
  // The summary reads every aureport event (no first-row rule); variant rows are other reports' views.
  const base = whereOf(datasetId, filters, SUMMARY_FLAGS);
  const where = `${base.sql} AND variant = 0`;
  const sums =
    db
      .prepare<Record<string, number | string>, Record<string, number | null>>(
        `SELECT ${COUNTER_SUMS} FROM report_events WHERE ${where}`,
      )
      .get(base.params) ?? {};
  const distinct = db
    .prepare<Record<string, number | string>, DistinctRow>(
      `SELECT ${DISTINCT_SQL} FROM report_events WHERE ${where}`,
    )
    .get(base.params);
  const lists = (column: "files" | "keys") =>
    distinctInLists(
      db,
      `SELECT DISTINCT ${column} AS list FROM report_events WHERE ${where} AND ${column} IS NOT NULL`,
      base.params,
    );
  const byDistinct: Record<DistinctCount | "events", number> = {
    users: distinct?.users ?? 0,
    terminals: distinct?.terminals ?? 0,
    "host names": distinct?.hosts ?? 0,
    executables: distinct?.exes ?? 0,
    commands: distinct?.comms ?? 0,
    files: lists("files"),
    keys: lists("keys"),
    "process IDs": distinct?.pids ?? 0,
    events: distinct?.events ?? 0,
  };
  const counts: Record<string, number> = {};
  for (const [i, [label]] of COUNTERS.entries()) counts[label] = sums[`c${i}`] ?? 0;
  return { ...counts, ...byDistinct };
}

/**
 * aureport's summary report: its counters, from the store. `events` counts our events (one per
 * stamp); the other counters are aureport's rules per event.
 */
export function reportSummary(
  db: Database.Database,
  datasetId: number,
  filters: ReportFilters = {},
): SummaryReport {
  const range = db
    .prepare<[number], { first_ms: number | null; last_ms: number | null }>(
      `SELECT first_ms, last_ms FROM datasets WHERE id = ?`,
    )
    .get(datasetId);
  const byLabel = coversWholeDataset(filters)
    ? cachedResult(db, datasetId, cacheKey("summary", filters), () => computeCounts(db, datasetId, filters))
    : computeCounts(db, datasetId, filters);
  return {
    firstMs: range?.first_ms ?? null,
    lastMs: range?.last_ms ?? null,
    counts: SUMMARY_LABELS.map((label) => ({
      label,
      key: counterKey(label),
      value: byLabel[label] ?? 0,
      link: SUMMARY_LINKS[label],
    })),
  };
}
