import type Database from "better-sqlite3";

/**
 * Whole-dataset report results, computed on first use and kept while the dataset is unchanged
 * (its status, event count and last update form the stamp). Nothing is cached while a dataset is
 * still being ingested. Small results are kept as JSON (report_cache); rankings row by row
 * (report_cache_rows), so a page of one is an index range whatever its length.
 */

function stampOf(db: Database.Database, datasetId: number): string | null {
  const dataset = db
    .prepare<[number], { status: string; events: number; updated_at: string }>(
      `SELECT status, events, updated_at FROM datasets WHERE id = ?`,
    )
    .get(datasetId);
  if (dataset?.status !== "ready") return null;
  return `${dataset.status}|${dataset.events}|${dataset.updated_at}`;
}

function cachedPayload(db: Database.Database, datasetId: number, key: string, stamp: string): string | null {
  const hit = db
    .prepare<[number, string], { stamp: string; payload: string }>(
      `SELECT stamp, payload FROM report_cache WHERE dataset_id = ? AND key = ?`,
    )
    .get(datasetId, key);
  return hit && hit.stamp === stamp ? hit.payload : null;
}

function keep(db: Database.Database, datasetId: number, key: string, stamp: string, payload: string): void {
  db.prepare(
    `INSERT INTO report_cache (dataset_id, key, stamp, payload) VALUES (?, ?, ?, ?)
     ON CONFLICT (dataset_id, key) DO UPDATE SET stamp = excluded.stamp, payload = excluded.payload`,
  ).run(datasetId, key, stamp, payload);
}

export function cachedResult<T>(db: Database.Database, datasetId: number, key: string, compute: () => T): T {
  const stamp = stampOf(db, datasetId);
  if (stamp === null) return compute();
  const payload = cachedPayload(db, datasetId, key, stamp);
  if (payload !== null) return JSON.parse(payload) as T;
  const value = compute();
  keep(db, datasetId, key, stamp, JSON.stringify(value));
  return value;
}

export interface CachedRow {
  total: number;
  value: string;
}

export interface RowsPage {
  limit: number;
  offset: number;
}

/** A ranking's rows (a page of them, if asked), and how many it has. */
export function cachedRows(
  db: Database.Database,
  datasetId: number,
  key: string,
  compute: () => CachedRow[],
  page?: RowsPage,
): { rows: CachedRow[]; count: number } {
  const slice = (rows: CachedRow[]) => (page ? rows.slice(page.offset, page.offset + page.limit) : rows);
  const stamp = stampOf(db, datasetId);
  if (stamp === null) {
    const rows = compute();
    return { rows: slice(rows), count: rows.length };
  }
  const payload = cachedPayload(db, datasetId, key, stamp);
  if (payload !== null) {
    const rows = db
      .prepare<{ dataset: number; key: string; offset: number; limit: number }, CachedRow>(
        `SELECT total, value FROM report_cache_rows WHERE dataset_id = @dataset AND key = @key AND position >= @offset
         ORDER BY position LIMIT @limit`,
      )
      .all({ dataset: datasetId, key, offset: page?.offset ?? 0, limit: page?.limit ?? -1 });
    return { rows, count: (JSON.parse(payload) as { count: number }).count };
  }
  const rows = compute();
  db.transaction(() => {
    db.prepare(`DELETE FROM report_cache_rows WHERE dataset_id = ? AND key = ?`).run(datasetId, key);
    const insert = db.prepare(
      `INSERT INTO report_cache_rows (dataset_id, key, position, total, value) VALUES (?, ?, ?, ?, ?)`,
    );
    for (const [position, row] of rows.entries()) insert.run(datasetId, key, position, row.total, row.value);
    keep(db, datasetId, key, stamp, JSON.stringify({ count: rows.length }));
  })();
  return { rows: slice(rows), count: rows.length };
}

/** Forgets a dataset's cached results (its rows are changing). */
export function dropCachedResults(db: Database.Database, datasetId: number): void {
  db.prepare(`DELETE FROM report_cache WHERE dataset_id = ?`).run(datasetId);
  db.prepare(`DELETE FROM report_cache_rows WHERE dataset_id = ?`).run(datasetId);
}
