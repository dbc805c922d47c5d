import type Database from "better-sqlite3";
import { type Cell, REPORT_KINDS, type ReportKind, type ReportName, reportKind } from "./aureport/kinds";
import { cachedResult } from "./cache";
import { cacheKey, coversWholeDataset, type ReportFilters, type SqlParams, whereOf } from "./filters";
import { ITEM, KIND_FLAG } from "./rows";
import { fieldsOfRow, JOINED_COLUMNS, STORED_COLUMNS, type StoredRow } from "./stored-row";

export interface ReportPage {
  limit: number;
  offset: number;
  /** A column of the report to sort by (see sortableColumns); by time when absent. */
  sort?: string;
  /** aureport lists in log order, which is time order in sane logs. */
  order?: "asc" | "desc";
}

export interface DetailedRow {
  eventId: number;
  timeMs: number;
  /** The row's values after date and time, in the order of the report's columns. */
  cells: Cell[];
}

export interface DetailedReport {
  name: ReportName;
  title: string;
  /** aureport's column names, `date` and `time` first. */
  columns: readonly string[];
  rows: DetailedRow[];
  /** Rows of the whole report (not just this page). */
  total: number;
}

const DEFAULT_PAGE: ReportPage = { limit: 100, offset: 0 };

/** The stored column behind each report column that one can be sorted by (events rows only). */
const SORT_COLUMN: Readonly<Record<string, keyof StoredRow>> = {
  acct: "acct",
  addr: "hostname",
  auid: "loginuid",
  comm: "comm",
  event: "serial",
  exe: "exe",
  file: "file",
  host: "hostname",
  key: "key",
  pid: "pid",
  success: "success",
  syscall: "syscall",
  term: "terminal",
  type: "head",
};

/** The columns a detailed report can be sorted by, in SQL (date and time always). */
export function sortableColumns(name: ReportName): string[] {
  const kind = reportKind(name);
  return kind.columns.filter(
    (column) =>
      column === "date" || column === "time" || (kind.rowsFrom === "events" && column in SORT_COLUMN),
  );
}

/**
 * The ORDER BY of a sorted page: the column first, then time so ties keep log order. A missing
 * text sorts as the placeholder the report prints for it ("?", "(null)"), so equal cells stay together.
 */
function sortFirst(
  kind: ReportKind,
  sort: string | undefined,
  direction: "ASC" | "DESC",
  table: "" | "e.",
): { sql: string; params: SqlParams } {
  const column = sort === undefined ? undefined : SORT_COLUMN[sort];
  if (sort === undefined || column === undefined || !sortableColumns(kind.name).includes(sort)) {
    return { sql: "", params: {} };
  }
  const blank = kind.cells(fieldsOfRow({}), 0)[kind.columns.indexOf(sort) - 2];
  if (typeof blank !== "string") return { sql: `${table}${column} ${direction}, `, params: {} };
  return { sql: `ifnull(${table}${column}, @blank) ${direction}, `, params: { blank } };
}

const ITEM_KIND: Partial<Record<ReportName, number>> = { avc: ITEM.avc, tty: ITEM.tty };

interface RowSql {
  columns: string;
  from: string;
  where: string;
  order: string;
  params: SqlParams;
}

/**
 * The SQL of a detailed report, from fixed fragments (the report, filters and page travel as
 * parameters). Reports with one row per event read report_events, where the event's row has the
 * report's bit (listed, or listed among rows of the same success under --failed/--success); the
 * sparse ones find those rows through report_kinds; AVC and TTY read their own rows.
 */
function rowSql(
  name: ReportName,
  datasetId: number,
  filters: ReportFilters,
  direction: "ASC" | "DESC",
  sort?: string,
): RowSql {
  const kind = reportKind(name);
  const alike = filters.success !== undefined;
  const itemKind = ITEM_KIND[name];
  if (itemKind !== undefined) {
    const base = whereOf(datasetId, filters, kind.flags);
    return {
      columns: "event_id, time_ms, cells",
      from: "report_items",
      where: `${base.sql} AND kind = @kind AND ${alike ? "listed_alike" : "listed"} = 1`,
      order: `time_ms ${direction}, event_id ${direction}, id ${direction}`,
      params: { ...base.params, kind: itemKind },
    };
  }
  if (kind.sparse) {
    const base = whereOf(datasetId, filters, kind.flags, "e.");
    const first = sortFirst(kind, sort, direction, "e.");
    return {
      columns: JOINED_COLUMNS,
      from: "report_kinds k JOIN report_events e ON e.id = k.row_id",
      where: `k.dataset_id = @dataset AND k.kind = @kind AND (k.flags & @flag) != 0 AND ${base.sql}`,
      order: `${first.sql}k.time_ms ${direction}, k.row_id ${direction}`,
      params: {
        ...base.params,
        ...first.params,
        kind: kind.bit,
        flag: alike ? KIND_FLAG.listedAlike : KIND_FLAG.listed,
      },
    };
  }
  const base = whereOf(datasetId, filters, kind.flags);
  const first = sortFirst(kind, sort, direction, "");
  return {
    columns: STORED_COLUMNS,
    from: "report_events",
    where: `${base.sql} AND (${alike ? "listed_alike" : "listed"} & @bit) != 0`,
    order: `${first.sql}time_ms ${direction}, event_id ${direction}, id ${direction}`,
    params: { ...base.params, ...first.params, bit: 1 << kind.bit },
  };
}

function countRows(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters,
): number {
  const q = rowSql(name, datasetId, filters, "ASC");
  const sql = `SELECT count(*) AS n FROM ${q.from} WHERE ${q.where}`;
  return db.prepare<SqlParams, { n: number }>(sql).get(q.params)?.n ?? 0;
}

/** How many rows the detailed report has (cached for the whole dataset). */
export function detailedReportTotal(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters = {},
): number {
  if (!coversWholeDataset(filters)) return countRows(db, datasetId, name, filters);
  return cachedResult(db, datasetId, cacheKey(`rows:${name}`, filters), () =>
    countRows(db, datasetId, name, filters),
  );
}

/**
 * Every report's row count over the whole dataset in three scans (events, sparse kinds, items)
 * instead of one per report: what the pages show for a new dataset, computed once after ingest.
 */
function everyTotal(
  db: Database.Database,
  datasetId: number,
  filters: ReportFilters,
): Map<ReportName, number> {
  const alike = filters.success !== undefined;
  const totals = new Map<ReportName, number>();
  const dense = REPORT_KINDS.filter((kind) => !kind.sparse && ITEM_KIND[kind.name] === undefined);
  const base = whereOf(datasetId, filters, 0);
  const listed = alike ? "listed_alike" : "listed";
  // Bits are our own constants, not input: the SQL stays made of fixed fragments.
  const sums = dense.map((kind) => `sum((${listed} & ${1 << kind.bit}) != 0) AS r${kind.bit}`).join(", ");
  const row = db
    .prepare<SqlParams, Record<string, number | null>>(`SELECT ${sums} FROM report_events WHERE ${base.sql}`)
    .get(base.params);
  for (const kind of dense) totals.set(kind.name, row?.[`r${kind.bit}`] ?? 0);
  const joined = whereOf(datasetId, filters, 0, "e.");
  const sparse = db
    .prepare<SqlParams, { kind: number; n: number }>(
      `SELECT k.kind AS kind, count(*) AS n FROM report_kinds k JOIN report_events e ON e.id = k.row_id
       WHERE k.dataset_id = @dataset AND (k.flags & @flag) != 0 AND ${joined.sql} GROUP BY k.kind`,
    )
    .all({ ...joined.params, flag: alike ? KIND_FLAG.listedAlike : KIND_FLAG.listed });
  const byBit = new Map(sparse.map((r) => [r.kind, r.n]));
  const items = db
    .prepare<SqlParams, { kind: number; n: number }>(
      `SELECT kind, count(*) AS n FROM report_items WHERE ${base.sql} AND ${listed} = 1 GROUP BY kind`,
    )
    .all(base.params);
  const byItem = new Map(items.map((r) => [r.kind, r.n]));
  for (const kind of REPORT_KINDS) {
    const item = ITEM_KIND[kind.name];
    if (item !== undefined) totals.set(kind.name, byItem.get(item) ?? 0);
    else if (kind.sparse) totals.set(kind.name, byBit.get(kind.bit) ?? 0);
  }
  return totals;
}

/** Computes and caches every report's row count for the whole dataset (see warmReportCache). */
export function cacheEveryTotal(db: Database.Database, datasetId: number, filters: ReportFilters): void {
  let totals: Map<ReportName, number> | null = null;
  for (const kind of REPORT_KINDS) {
    cachedResult(db, datasetId, cacheKey(`rows:${kind.name}`, filters), () => {
      totals ??= everyTotal(db, datasetId, filters);
      return totals.get(kind.name) ?? 0;
    });
  }
}

function rowQuery(
  name: ReportName,
  datasetId: number,
  filters: ReportFilters,
  order: "asc" | "desc" = "asc",
  sort?: string,
) {
  const kind = reportKind(name);
  const q = rowSql(name, datasetId, filters, order === "desc" ? "DESC" : "ASC", sort);
  const sql = `SELECT ${q.columns} FROM ${q.from} WHERE ${q.where} ORDER BY ${q.order}`;
  const toRow = (row: StoredRow & { cells?: string }): DetailedRow => ({
    eventId: row.event_id,
    timeMs: row.time_ms,
    cells:
      row.cells !== undefined ? (JSON.parse(row.cells) as Cell[]) : kind.cells(fieldsOfRow(row), row.serial),
  });
  return { kind, sql, params: q.params, toRow };
}

/** One page of a detailed report (aureport NAME without --summary), paginated in SQL. */
export function detailedReport(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters = {},
  page: ReportPage = DEFAULT_PAGE,
): DetailedReport {
  const total = detailedReportTotal(db, datasetId, name, filters);
  const q = rowQuery(name, datasetId, filters, page.order, page.sort);
  const params = { ...q.params, limit: page.limit, offset: page.offset };
  // A known-empty report needs no scan.
  const found =
    total === 0 || page.offset >= total
      ? []
      : db
          .prepare<typeof params, StoredRow & { cells?: string }>(`${q.sql} LIMIT @limit OFFSET @offset`)
          .all(params);
  return { name, title: q.kind.title, columns: q.kind.columns, rows: found.map(q.toRow), total };
}

/** Every row of a detailed report, streamed from SQLite (for the CLI and exports). */
export function* detailedRows(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters = {},
  order: Pick<ReportPage, "sort" | "order"> = {},
): Generator<DetailedRow> {
  const q = rowQuery(name, datasetId, filters, order.order, order.sort);
  const statement = db.prepare<SqlParams, StoredRow & { cells?: string }>(q.sql);
  for (const row of statement.iterate(q.params)) yield q.toRow(row);
}
