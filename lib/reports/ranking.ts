import type Database from "better-sqlite3";
import { type ReportKind, type ReportName, reportKind } from "./aureport/kinds";
import { cachedRows, type RowsPage } from "./cache";
import { cacheKey, coversWholeDataset, type ReportFilters, type SqlParams, whereOf } from "./filters";
import { ITEM, KIND_FLAG } from "./rows";
import { FIELD_COLUMN, fieldsOfRow, type StoredRow } from "./stored-row";

export interface RankingRow {
  total: number;
  value: string;
}

export interface Ranking {
  name: ReportName;
  title: string;
  /** What is ranked (aureport's second column: "file", "auid", "type", …). */
  what: string;
  /** Most first (ties by value); the asked page of them, else all. */
  rows: RankingRow[];
  /** How many values the ranking has. */
  count: number;
}

/** Counts, most first (ties by value, for a stable order). */
function sorted(counts: Map<string, number>): RankingRow[] {
  return [...counts]
    .map(([value, total]) => ({ total, value }))
    .sort((a, b) => b.total - a.total || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

function add(counts: Map<string, number>, value: string | null, n: number): void {
  if (value !== null) counts.set(value, (counts.get(value) ?? 0) + n);
}

/** The rows a ranking counts: with the report's ranked bit (through report_kinds for sparse ones). */
function rankedRows(
  kind: ReportKind,
  datasetId: number,
  filters: ReportFilters,
): { from: string; where: string; params: SqlParams; e: "" | "e." } {
  const alike = filters.success !== undefined;
  if (kind.sparse) {
    const base = whereOf(datasetId, filters, kind.flags, "e.");
    return {
      from: "report_kinds k JOIN report_events e ON e.id = k.row_id",
      where: `k.dataset_id = @dataset AND k.kind = @kind AND (k.flags & @flag) != 0 AND ${base.sql}`,
      params: { ...base.params, kind: kind.bit, flag: alike ? KIND_FLAG.rankedAlike : KIND_FLAG.ranked },
      e: "e.",
    };
  }
  const base = whereOf(datasetId, filters, kind.flags);
  return {
    from: "report_events",
    where: `${base.sql} AND (${alike ? "ranked_alike" : "ranked"} & @bit) != 0`,
    params: { ...base.params, bit: 1 << kind.bit },
    e: "",
  };
}

/**
 * A ranking computed in SQL as far as it goes: rows grouped by the columns the value depends on,
 * then the kind's rankValue() (the one used at ingest) applied per group.
 */
function countFields(
  db: Database.Database,
  kind: ReportKind,
  datasetId: number,
  filters: ReportFilters,
): Map<string, number> {
  const q = rankedRows(kind, datasetId, filters);
  const group = kind.rankBy.map((field) => `${q.e}${FIELD_COLUMN[field]}`).join(", ");
  const sql = `SELECT ${group}, count(*) AS n FROM ${q.from} WHERE ${q.where} GROUP BY ${group}`;
  const counts = new Map<string, number>();
  for (const row of db.prepare<SqlParams, Partial<StoredRow> & { n: number }>(sql).all(q.params)) {
    add(counts, kind.rankValue(fieldsOfRow(row)), row.n);
  }
  return counts;
}

/** Rankings of every file name or key of the ranked rows (kept as JSON lists per row). */
function countLists(
  db: Database.Database,
  kind: ReportKind,
  column: "files" | "keys",
  datasetId: number,
  filters: ReportFilters,
): Map<string, number> {
  const q = rankedRows(kind, datasetId, filters);
  const list = `${q.e}${column}`;
  const sql = `SELECT ${list} AS list, count(*) AS n FROM ${q.from} WHERE ${q.where} AND ${list} IS NOT NULL GROUP BY ${list}`;
  const counts = new Map<string, number>();
  for (const row of db.prepare<SqlParams, { list: string; n: number }>(sql).all(q.params)) {
    for (const value of JSON.parse(row.list) as string[]) add(counts, value, row.n);
  }
  return counts;
}

function countItems(
  db: Database.Database,
  kind: ReportKind,
  datasetId: number,
  filters: ReportFilters,
): Map<string, number> {
  const base = whereOf(datasetId, filters, kind.flags);
  const flag = filters.success !== undefined ? "ranked_alike" : "ranked";
  const sql = `SELECT value, count(*) AS n FROM report_items WHERE ${base.sql} AND kind = @kind AND ${flag} = 1 GROUP BY value`;
  const counts = new Map<string, number>();
  for (const row of db
    .prepare<Record<string, number | string>, { value: string | null; n: number }>(sql)
    .all({ ...base.params, kind: ITEM.avc })) {
    add(counts, row.value, row.n);
  }
  return counts;
}

function computeRanking(
  db: Database.Database,
  kind: ReportKind,
  datasetId: number,
  filters: ReportFilters,
): RankingRow[] {
  switch (kind.rankFrom) {
    case "fields":
      return sorted(countFields(db, kind, datasetId, filters));
    case "files":
    case "keys":
      return sorted(countLists(db, kind, kind.rankFrom, datasetId, filters));
    case "items":
      return sorted(countItems(db, kind, datasetId, filters));
    case null:
      return [];
  }
}

/** Reports that have a --summary ranking (all but tty). */
export function hasRanking(name: ReportName): boolean {
  return reportKind(name).summary !== null;
}

/**
 * aureport NAME --summary: how many events have each value, most first. Each of our events counts
 * with its first ranked row (aureport counts a serial it split in two, such as LOGIN's, twice);
 * file names, keys and AVC objects count each time the row has them, as aureport counts them.
 */
export function reportRanking(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters = {},
  page?: RowsPage,
): Ranking {
  const kind = reportKind(name);
  if (kind.summary === null) throw new Error(`the ${name} report has no summary`);
  const compute = () => computeRanking(db, kind, datasetId, filters);
  let found: { rows: RankingRow[]; count: number };
  if (coversWholeDataset(filters)) {
    found = cachedRows(db, datasetId, cacheKey(`rank:${name}`, filters), compute, page);
  } else {
    const all = compute();
    found = { rows: page ? all.slice(page.offset, page.offset + page.limit) : all, count: all.length };
  }
  return { name, title: kind.summary.title, what: kind.summary.what, ...found };
}

/** A ranking's counts for the whole dataset: all events, and the --failed and --success ones. */
interface ThreeWays {
  all: Map<string, number>;
  failed: Map<string, number>;
  success: Map<string, number>;
}

/** One grouped row: its counts under the plain rule and under the --failed/--success rule. */
interface EitherRow {
  success: number | null;
  n_all: number;
  n_alike: number;
}

/** What a ranking groups by: the columns selected (named as the row reads them) and grouped. */
type Grouping = (e: "" | "e.") => { select: string; by: string };

/**
 * The rows a ranking counts under either rule, grouped and split by success, with both counts:
 * one scan for the three rankings a dataset shows (all, --failed, --success).
 */
function eitherRows<T>(
  db: Database.Database,
  kind: ReportKind,
  datasetId: number,
  grouping: Grouping,
): (T & EitherRow)[] {
  const group = (e: "" | "e.") => grouping(e).select;
  const by = (e: "" | "e.") => grouping(e).by;
  const bit = 1 << kind.bit;
  if (kind.rankFrom === "items") {
    return db
      .prepare<SqlParams, T & EitherRow>(
        `SELECT ${group("")}, success, sum(ranked) AS n_all, sum(ranked_alike) AS n_alike FROM report_items
         WHERE dataset_id = @dataset AND kind = @kind AND (ranked = 1 OR ranked_alike = 1) GROUP BY ${by("")}, success`,
      )
      .all({ dataset: datasetId, kind: ITEM.avc });
  }
  if (kind.sparse) {
    return db
      .prepare<SqlParams, T & EitherRow>(
        `SELECT ${group("e.")}, e.success AS success, sum((k.flags & @ranked) != 0) AS n_all,
                sum((k.flags & @alike) != 0) AS n_alike
         FROM report_kinds k JOIN report_events e ON e.id = k.row_id
         WHERE k.dataset_id = @dataset AND k.kind = @kind AND (k.flags & @either) != 0
         GROUP BY ${by("e.")}, e.success`,
      )
      .all({
        dataset: datasetId,
        kind: kind.bit,
        ranked: KIND_FLAG.ranked,
        alike: KIND_FLAG.rankedAlike,
        either: KIND_FLAG.ranked | KIND_FLAG.rankedAlike,
      });
  }
  return db
    .prepare<SqlParams, T & EitherRow>(
      `SELECT ${group("")}, success, sum((ranked & @bit) != 0) AS n_all, sum((ranked_alike & @bit) != 0) AS n_alike
       FROM report_events WHERE dataset_id = @dataset AND ((ranked | ranked_alike) & @bit) != 0
       GROUP BY ${by("")}, success`,
    )
    .all({ dataset: datasetId, bit });
}

function threeWays(db: Database.Database, kind: ReportKind, datasetId: number): ThreeWays {
  const counts: ThreeWays = { all: new Map(), failed: new Map(), success: new Map() };
  const addRow = (values: (string | null)[], row: EitherRow) => {
    const alike = row.success === 0 ? counts.failed : row.success === 1 ? counts.success : null;
    for (const value of values) {
      if (row.n_all > 0) add(counts.all, value, row.n_all);
      if (alike && row.n_alike > 0) add(alike, value, row.n_alike);
    }
  };
  switch (kind.rankFrom) {
    case "fields": {
      const columns = (e: "" | "e.") => kind.rankBy.map((field) => `${e}${FIELD_COLUMN[field]}`).join(", ");
      const group: Grouping = (e) => ({ select: columns(e), by: columns(e) });
      for (const row of eitherRows<Partial<StoredRow>>(db, kind, datasetId, group)) {
        addRow([kind.rankValue(fieldsOfRow(row))], row);
      }
      break;
    }
    case "files":
    case "keys": {
      const column = kind.rankFrom;
      const group: Grouping = (e) => ({ select: `${e}${column} AS list`, by: `${e}${column}` });
      for (const row of eitherRows<{ list: string | null }>(db, kind, datasetId, group)) {
        if (row.list !== null) addRow(JSON.parse(row.list) as string[], row);
      }
      break;
    }
    case "items": {
      const group: Grouping = () => ({ select: "value", by: "value" });
      for (const row of eitherRows<{ value: string | null }>(db, kind, datasetId, group)) {
        addRow([row.value], row);
      }
      break;
    }
    case null:
      break;
  }
  return counts;
}

/** Computes and caches a report's three whole-dataset rankings in one scan (see warmReportCache). */
export function cacheThreeRankings(db: Database.Database, datasetId: number, name: ReportName): void {
  const kind = reportKind(name);
  if (kind.summary === null) return;
  let counts: ThreeWays | null = null;
  for (const filters of [{}, { success: "failed" }, { success: "success" }] as const) {
    cachedRows(db, datasetId, cacheKey(`rank:${name}`, filters), () => {
      counts ??= threeWays(db, kind, datasetId);
      return sorted(counts[filters.success ?? "all"]);
    });
  }
}
