import type Database from "better-sqlite3";
import type { Cell, ReportName } from "./aureport/kinds";
import { reportKind } from "./aureport/kinds";
import { detailedRows, type ReportPage } from "./detailed";
import type { ReportFilters } from "./filters";
import { reportLogTimes } from "./log-times";
import { displayJson } from "./output/display";
import { detailedJsonRow, logTimesJson, rankingJson } from "./output/json";
import { batched, csvPieces, detailedJsonPieces } from "./output/pieces";
import { hasRanking, reportRanking } from "./ranking";

export type ExportFormat = "csv" | "json";

export interface ReportView {
  name: ReportName | "log";
  /** The detailed rows, or the --summary ranking. */
  view: "rows" | "ranking";
  filters: ReportFilters;
  order: Pick<ReportPage, "sort" | "order">;
}

/**
 * A report view as CSV or JSON, in pieces to stream: every row the view has (not just the page
 * on screen), in its order. JSON is the shape of `auditscope report --json`.
 */
export function exportPieces(
  db: Database.Database,
  datasetId: number,
  what: ReportView,
  format: ExportFormat,
) {
  const { name } = what;
  if (name === "log") {
    const json = logTimesJson(reportLogTimes(db, datasetId));
    return format === "json" ? [displayJson(json)] : csvPieces(json.columns, json.rows);
  }
  if (isRanking(what)) {
    const json = rankingJson(reportRanking(db, datasetId, name, what.filters));
    return format === "json" ? [displayJson(json)] : csvPieces(json.columns, json.rows);
  }
  const columns = reportKind(name).columns;
  const rows = detailedRows(db, datasetId, name, what.filters, what.order);
  return batched(
    format === "json"
      ? detailedJsonPieces(name, columns, rows)
      : csvPieces(columns, mapRows(rows, detailedJsonRow)),
  );
}

/** A ranking is asked for and the report has one (aureport has no --summary for tty: its rows). */
function isRanking(what: ReportView): boolean {
  return what.view === "ranking" && what.name !== "log" && hasRanking(what.name);
}

/** Does the export stream detailed rows (as long as the report), rather than a small whole? */
export function streamsRows(what: ReportView): boolean {
  return what.name !== "log" && !isRanking(what);
}

function* mapRows<T>(rows: Iterable<T>, cells: (row: T) => Cell[]): Generator<Cell[]> {
  for (const row of rows) yield cells(row);
}

/** `web01-audit-log-executable-failed.csv`: what the file holds, from names we chose or slugged. */
export function exportFileName(
  datasetName: string,
  datasetId: number,
  what: ReportView,
  format: ExportFormat,
) {
  const slug = datasetName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  const parts = [slug === "" ? `dataset-${datasetId}` : slug, what.name];
  if (isRanking(what)) parts.push("summary");
  if (what.filters.success) parts.push(what.filters.success);
  if (what.filters.node !== undefined || what.filters.start !== undefined || what.filters.end !== undefined) {
    parts.push("filtered");
  }
  return `${parts.join("-")}.${format}`;
}
