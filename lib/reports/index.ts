/**
 * aureport's reports from the store. Every function takes the writer/reader connection and a
 * dataset id and returns typed rows; detailed reports are paginated in SQL, rankings and the
 * summary of a whole dataset are cached (report_cache) after their first computation.
 */
export { type Cell, isReportName, REPORT_NAMES, type ReportName } from "./aureport/kinds";
export type { RowsPage as RankingPage } from "./cache";
export {
  type DetailedReport,
  type DetailedRow,
  detailedReport,
  detailedReportTotal,
  detailedRows,
  type ReportPage,
  sortableColumns,
} from "./detailed";
export { coversWholeDataset, type ReportFilters } from "./filters";
export { type LogTimeRange, reportLogTimes } from "./log-times";
export { hasRanking, type Ranking, type RankingRow, reportRanking } from "./ranking";
export { listReports, type ReportInfo } from "./report-info";
export { reportSummary, type SummaryCount, type SummaryReport } from "./summary";
export { resolveTime, TIME_KEYWORDS, type TimeKeyword } from "./time-range";
export { warmReportCache } from "./warm";
