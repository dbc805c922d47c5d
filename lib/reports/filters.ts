import { textToLatin1 } from "../audit/decode";
import { BLIND_ALWAYS } from "./aureport/items";

/** What a report is narrowed to: aureport's --failed/--success, --start/--end and --node. */
export interface ReportFilters {
  success?: "failed" | "success";
  /** Epoch seconds, inclusive, compared with the event's second as aureport does. */
  start?: number;
  end?: number;
  /** The host as text (`latin1ToName`): its bytes in UTF-8 or, not being UTF-8, as they are. */
  node?: string;
  /**
   * Only what aureport 3.0.9 itself would count: drops the events its parser skips for this report
   * and the ones it cannot read (the documented differences). For checking against aureport.
   */
  aureportOnly?: boolean;
}

export type SqlParams = Record<string, number | string>;

export interface Where {
  /** SQL made only of fixed fragments; values travel in `params`. */
  sql: string;
  params: SqlParams;
}

/** success values in the store (aureport's success_t). */
const SUCCESS = { failed: 0, success: 1 } as const;

/**
 * The WHERE clause of a report query over report_events or report_items (same column names), or
 * over report_events joined as `e`: the dataset, the filters, and `flags`: the parser steps of
 * the report, for aureportOnly.
 */
export function whereOf(
  datasetId: number,
  filters: ReportFilters,
  flags: number,
  table: "" | "e." = "",
): Where {
  const clauses = [`${table}dataset_id = @dataset`];
  const params: SqlParams = { dataset: datasetId };
  if (filters.success !== undefined) {
    clauses.push(`${table}success = @success`);
    params.success = SUCCESS[filters.success];
  }
  if (filters.start !== undefined) {
    clauses.push(`${table}time_ms >= @from`);
    params.from = filters.start * 1000;
  }
  if (filters.end !== undefined) {
    clauses.push(`${table}time_ms < @to`);
    params.to = (filters.end + 1) * 1000;
  }
  if (filters.node !== undefined) {
    // The store keeps the log's bytes (latin1): a name typed as text matches its UTF-8 bytes, as
    // aureport's --node does in a UTF-8 terminal, or a name not in UTF-8 as it is.
    clauses.push(`${table}node IN (@node, @nodeBytes)`);
    params.node = filters.node;
    params.nodeBytes = textToLatin1(filters.node);
  }
  if (filters.aureportOnly) {
    clauses.push(`(${table}blind & @blind) = 0`);
    params.blind = flags | BLIND_ALWAYS;
  }
  return { sql: clauses.join(" AND "), params };
}

/** Filters that narrow by time or node need a fresh query; the others can use the cache. */
export function coversWholeDataset(filters: ReportFilters): boolean {
  return filters.start === undefined && filters.end === undefined && filters.node === undefined;
}

/** The key a whole-dataset result is cached under. */
export function cacheKey(what: string, filters: ReportFilters): string {
  return `${what}|${filters.success ?? "all"}|${filters.aureportOnly ? "aureport" : "all"}`;
}
