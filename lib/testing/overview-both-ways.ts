import { getDatasetOverview } from "../queries/get-dataset-overview";
import type { Store } from "../store/db";

/** A dataset's overview from the counts kept at ingest, and the same counted from the tables. */
export function overviewBothWays(store: Store, dataset: number) {
  const row = store.db
    .prepare<[number], { first_ms: number; last_ms: number }>(
      `SELECT first_ms, last_ms FROM datasets WHERE id = ?`,
    )
    .get(dataset);
  if (!row) throw new Error("no dataset");
  const fromCounts = getDatasetOverview(store, dataset, row.first_ms, row.last_ms);
  store.db.prepare(`UPDATE datasets SET summary = NULL WHERE id = ?`).run(dataset);
  const fromTables = getDatasetOverview(store, dataset, row.first_ms, row.last_ms);
  return { fromCounts, fromTables };
}
