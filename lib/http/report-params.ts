import { z } from "zod";
import { isReportName, type ReportFilters, type ReportName, resolveTime } from "../reports";

/** `[id]/reports/[name]`: a dataset and one of aureport's reports (or `log`). */
export const reportParams = z.object({
  id: z.coerce.number().int().positive(),
  name: z.string().refine((name) => name === "log" || isReportName(name)),
});

/** A text parameter: one value, trimmed; blank (an empty form field) is absent. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .catch(undefined)
    .transform((value) => (value === "" ? undefined : value));

/** The filters of the report pages and their exports, as they travel in the URL. */
export const reportFilterQuery = z.object({
  result: z.enum(["failed", "success"]).optional().catch(undefined),
  start: text(64),
  end: text(64),
  node: text(256),
});

/** A report page's whole URL state: the filters, which view, its sort and page. */
export const reportQuery = reportFilterQuery.extend({
  view: z.enum(["rows", "ranking"]).catch("rows"),
  sort: text(32),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(0).max(1_000_000).catch(0),
});

export type ReportFilterQuery = z.infer<typeof reportFilterQuery>;
export type ReportQuery = z.infer<typeof reportQuery>;

/** The exports: what the page shows, as CSV or JSON. */
export const reportExportQuery = reportQuery.extend({ format: z.enum(["csv", "json"]).catch("csv") });

export interface ResolvedFilters {
  filters: ReportFilters;
  /** Filters that could not be read, for the page to say so (they are left out). */
  problems: string[];
}

/** The query's filters as the report functions take them; times relative to the last event. */
export function resolveFilters(query: ReportFilterQuery, lastMs: number | null): ResolvedFilters {
  const filters: ReportFilters = {};
  const problems: string[] = [];
  if (query.result) filters.success = query.result;
  if (query.node) filters.node = query.node;
  for (const edge of ["start", "end"] as const) {
    const value = query[edge];
    if (value === undefined) continue;
    const sec = resolveTime(value, edge, lastMs);
    if (sec === null) problems.push(`The ${edge} time “${value}” is not a date, a time or one of the words.`);
    else filters[edge] = sec;
  }
  return { filters, problems };
}

/** The query string of a report URL, with only the values that differ from the defaults. */
export function reportSearch(query: Partial<ReportQuery>): string {
  const search = new URLSearchParams();
  for (const key of ["result", "start", "end", "node", "view", "sort", "dir", "page"] as const) {
    const value = query[key];
    if (value === undefined || value === "" || DEFAULTS[key] === value) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

const DEFAULTS: Partial<Record<keyof ReportQuery, string | number>> = { view: "rows", dir: "asc", page: 0 };

export function reportPath(datasetId: number, name: ReportName | "log"): string {
  return `/datasets/${datasetId}/reports/${name}`;
}
