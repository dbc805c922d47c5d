import type { Cell } from "../aureport/kinds";
import type { DetailedReport, DetailedRow } from "../detailed";
import type { LogTimeRange } from "../log-times";
import type { Ranking } from "../ranking";
import type { SummaryReport } from "../summary";
import { isoDateTime } from "./dates";

/** The `--json` shapes of `auditscope report` (a contract for scripts; see issue 5). */

export interface SummaryJson {
  report: "summary";
  first: number | null;
  last: number | null;
  counts: Record<string, number>;
}

export interface DetailedJson {
  report: string;
  summary: false;
  columns: string[];
  rows: Cell[][];
}

export interface RankingJson {
  report: string;
  summary: true;
  columns: ["total", string];
  rows: [number, string][];
}

export function summaryJson(summary: SummaryReport): SummaryJson {
  return {
    report: "summary",
    first: summary.firstMs,
    last: summary.lastMs,
    counts: Object.fromEntries(summary.counts.map((c) => [c.key, c.value])),
  };
}

/** A detailed row as JSON: date and time (UTC) first, then aureport's other columns. */
export function detailedJsonRow(row: DetailedRow): Cell[] {
  return [...isoDateTime(row.timeMs), ...row.cells];
}

export function detailedJson(report: DetailedReport): DetailedJson {
  return {
    report: report.name,
    summary: false,
    columns: [...report.columns],
    rows: report.rows.map(detailedJsonRow),
  };
}

export function rankingJson(ranking: Ranking): RankingJson {
  return {
    report: ranking.name,
    summary: true,
    columns: ["total", ranking.what],
    rows: ranking.rows.map((row) => [row.total, row.value]),
  };
}

export function logTimesJson(files: LogTimeRange[]): DetailedJson {
  const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());
  return {
    report: "log",
    summary: false,
    columns: ["file", "first", "last"],
    rows: files.map((file) => [file.path, iso(file.firstMs), iso(file.lastMs)]),
  };
}
