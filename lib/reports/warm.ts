import type Database from "better-sqlite3";
import { REPORT_NAMES } from "./aureport/kinds";
import { cacheEveryTotal } from "./detailed";
import type { ReportFilters } from "./filters";
import { hasRanking, reportRanking } from "./ranking";
import { reportSummary } from "./summary";

const FILTERS: readonly ReportFilters[] = [{}, { success: "failed" }, { success: "success" }];

/**
 * Computes and caches every whole-dataset result (summary, row counts, rankings; all, --failed,
 * --success), so no page view pays for the first computation: a few seconds for a 1 GB log.
 * For after an ingest; the dataset must be ready (nothing is cached before).
 */
export function warmReportCache(db: Database.Database, datasetId: number): void {
  for (const filters of FILTERS) {
    reportSummary(db, datasetId, filters);
    cacheEveryTotal(db, datasetId, filters);
    for (const name of REPORT_NAMES) {
      if (hasRanking(name)) reportRanking(db, datasetId, name, filters, { limit: 1, offset: 0 });
    }
  }
}
