import type { Store } from "../store/db";

export interface DatasetStats {
  events: number;
  records: number;
  malformed: number;
  sessions: number;
  processes: number;
  ttyRecords: number;
  nodes: number;
  first: string | null;
  last: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The counts `auditscope stats` prints; null when the dataset does not exist. */
export function getDatasetStats(store: Store, datasetId: number): DatasetStats | null {
  const row = store.db
    .prepare<
      { id: number },
      { events: number; records: number; malformed: number; first_ms: number | null; last_ms: number | null }
    >(`SELECT events, records, malformed, first_ms, last_ms FROM datasets WHERE id = @id`)
    .get({ id: datasetId });
  if (!row) return null;
  const one = (sql: string) =>
    store.db.prepare<{ id: number }, { n: number }>(sql).get({ id: datasetId })?.n ?? 0;
  return {
    events: row.events,
    records: row.records,
    malformed: row.malformed,
    sessions: one("SELECT count(*) AS n FROM sessions WHERE dataset_id = @id"),
    processes: one("SELECT count(*) AS n FROM processes WHERE dataset_id = @id AND placeholder = 0"),
    ttyRecords: one("SELECT count(*) AS n FROM tty_input WHERE dataset_id = @id"),
    nodes: one("SELECT count(DISTINCT node) AS n FROM events WHERE dataset_id = @id"),
    first: iso(row.first_ms),
    last: iso(row.last_ms),
  };
}

/** The most recently created dataset's id, if any. */
export function newestDatasetId(store: Store): number | null {
  return (
    store.db.prepare<[], { id: number }>(`SELECT id FROM datasets ORDER BY id DESC LIMIT 1`).get()?.id ?? null
  );
}
