import { type ReportName, reportKind } from "../aureport/kinds";
import type { DetailedRow } from "../detailed";
import type { ReportFilters } from "../filters";
import type { LogTimeRange } from "../log-times";
import type { Ranking } from "../ranking";
import type { SummaryReport } from "../summary";
import { aureportDate } from "./dates";
import { displayText } from "./display";

/**
 * Reports laid out as aureport prints them (title, rule, `# columns`, rule, numbered rows; dates
 * in its C-locale form, UTC), with every string from the log decoded and made visibly safe for a
 * terminal, as on the pages.
 */

const NONE = "<no events of interest were found>\n\n";
const rule = (width: number) => "=".repeat(width);
const cellText = (cell: string | number) => (typeof cell === "number" ? String(cell) : displayText(cell));

function prefix(filters: ReportFilters): string {
  if (filters.success === "failed") return "Failed ";
  if (filters.success === "success") return "Success ";
  return "";
}

export function detailedHeader(name: ReportName): string {
  const kind = reportKind(name);
  return `\n${kind.title}\n${rule(kind.rule)}\n# ${kind.columns.join(" ")}\n${rule(kind.rule)}\n`;
}

/** Row `n` (from 1) of a detailed report. */
export function detailedLine(row: DetailedRow, n: number): string {
  return `${n}. ${aureportDate(row.timeMs)} ${row.cells.map(cellText).join(" ")}\n`;
}

export const NO_EVENTS = NONE;

export function rankingText(ranking: Ranking, filters: ReportFilters): string {
  const summary = reportKind(ranking.name).summary;
  const width = summary?.rule ?? 27;
  const head = `\n${prefix(filters)}${ranking.title}\n${rule(width)}\ntotal  ${ranking.what}\n${rule(width)}\n`;
  if (ranking.rows.length === 0) return `${head}${NONE}`;
  return head + ranking.rows.map((row) => `${row.total}  ${displayText(row.value)}\n`).join("");
}

export function summaryText(summary: SummaryReport, filters: ReportFilters): string {
  const range = (ms: number | null) => (ms === null ? "?" : aureportDate(ms, true));
  const start =
    filters.start !== undefined ? aureportDate(filters.start * 1000) : range(summary.firstMs).slice(0, 17);
  const end = filters.end !== undefined ? aureportDate(filters.end * 1000) : range(summary.lastMs);
  const lines = [
    "",
    `${prefix(filters)}Summary Report`,
    rule(22),
    `Range of time in logs: ${range(summary.firstMs)} - ${range(summary.lastMs)}`,
    `Selected time for report: ${start} - ${end}`,
    ...summary.counts.map((c) => `Number of ${c.label}: ${c.value}`),
    "",
    "",
  ];
  return lines.join("\n");
}

export function logTimesText(files: LogTimeRange[]): string {
  const lines = files.map((file) =>
    file.firstMs === null || file.lastMs === null
      ? `${displayText(file.path)}: no records`
      : `${displayText(file.path)}: ${aureportDate(file.firstMs, true)} - ${aureportDate(file.lastMs, true)}`,
  );
  return `\nLog Time Range Report\n${rule(21)}\n${lines.join("\n")}\n`;
}
