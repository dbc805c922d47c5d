import type Database from "better-sqlite3";
import { REPORT_NAMES } from "./aureport/kinds";
import { cacheEveryTotal } from "./detailed";
import type { ReportFilters } from "./filters";
import { cacheThreeRankings } from "./ranking";
import { reportSummary } from "./summary";

const FILTERS: readonly ReportFilters[] = [{}, { success: "failed" }, { success: "success" }];

/** Lets a server answer other requests between two steps (each is one query, a second at most at 1 GB). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Computes and caches every whole-dataset result (summary, row counts, rankings; all, --failed,
 * --success), so no page view pays for the first computation: about 10 s for a 1 GB log.
 * For after an ingest; the dataset must be ready (nothing is cached before).
 */
export async function warmReportCache(db: Database.Database, datasetId: number): Promise<void> {
  for (const filters of FILTERS) {
    reportSummary(db, datasetId, filters);
    await nextTurn();
    cacheEveryTotal(db, datasetId, filters);
    await nextTurn();
  }
  for (const name of REPORT_NAMES) {
    cacheThreeRankings(db, datasetId, name);
    await nextTurn();
  }
}
