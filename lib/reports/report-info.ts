import { REPORT_KINDS, type ReportName } from "./aureport/kinds";

export interface ReportInfo {
  name: ReportName;
  title: string;
  /** aureport's option for it. */
  option: string;
  columns: readonly string[];
  /** The --summary ranking's title and what it ranks, if the report has one. */
  summary: { title: string; what: string } | null;
}

/** The reports there are, for menus and links (the overall summary is reportSummary). */
export function listReports(): ReportInfo[] {
  return REPORT_KINDS.map((kind) => ({
    name: kind.name,
    title: kind.title,
    option: kind.option,
    columns: kind.columns,
    summary: kind.summary && { title: kind.summary.title, what: kind.summary.what },
  }));
}
