import type Database from "better-sqlite3";

export interface LogTimeRange {
  path: string;
  firstMs: number | null;
  lastMs: number | null;
}

/** aureport --log: the time range of each source file of the dataset, in the order they were read. */
export function reportLogTimes(db: Database.Database, datasetId: number): LogTimeRange[] {
  return db
    .prepare<[number], { path: string; first_ms: number | null; last_ms: number | null }>(
      `SELECT path, first_ms, last_ms FROM source_files WHERE dataset_id = ? ORDER BY id`,
    )
    .all(datasetId)
    .map((row) => ({ path: row.path, firstMs: row.first_ms, lastMs: row.last_ms }));
}
