import type Database from "better-sqlite3";

export type DatasetStatus = "ingesting" | "ready" | "failed" | "interrupted" | "cancelled";

/** A new dataset, owned by this process until its ingest ends. */
export function createDataset(db: Database.Database, name: string): number {
  const now = new Date().toISOString();
  const info = db
    .prepare(
      `INSERT INTO datasets (name, status, created_at, updated_at, owner_pid) VALUES (?, 'ingesting', ?, ?, ?)`,
    )
    .run(name, now, now, process.pid);
  return Number(info.lastInsertRowid);
}

/** Takes an existing dataset for another ingest (adding files); false if it does not exist. */
export function claimDataset(db: Database.Database, id: number): boolean {
  const info = db
    .prepare(
      `UPDATE datasets SET status = 'ingesting', error = NULL, owner_pid = ?, updated_at = ? WHERE id = ? AND status <> 'ingesting'`,
    )
    .run(process.pid, new Date().toISOString(), id);
  return info.changes === 1;
}

export function setDatasetStatus(
  db: Database.Database,
  id: number,
  status: DatasetStatus,
  error: string | null = null,
): void {
  db.prepare(`UPDATE datasets SET status = ?, error = ?, owner_pid = NULL, updated_at = ? WHERE id = ?`).run(
    status,
    error,
    new Date().toISOString(),
    id,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Datasets left `ingesting` by a process that has died (kill -9, power loss) are marked
 * `interrupted`, never `ready`: their rows stop wherever the last committed batch ended.
 */
export function markInterruptedIngests(db: Database.Database): number[] {
  const stale = db
    .prepare<[], { id: number; owner_pid: number | null }>(
      `SELECT id, owner_pid FROM datasets WHERE status = 'ingesting'`,
    )
    .all()
    .filter((row) => row.owner_pid === null || (row.owner_pid !== process.pid && !isAlive(row.owner_pid)));
  for (const row of stale) {
    setDatasetStatus(db, row.id, "interrupted", "the ingest stopped before it finished (the process ended)");
  }
  return stale.map((row) => row.id);
}

/** Removes a dataset and every row of it (the full-text index is not covered by cascades). */
export function deleteDataset(db: Database.Database, id: number): boolean {
  return db
    .transaction(() => {
      db.prepare(`DELETE FROM events_fts WHERE rowid IN (SELECT id FROM events WHERE dataset_id = ?)`).run(
        id,
      );
      return db.prepare(`DELETE FROM datasets WHERE id = ?`).run(id).changes === 1;
    })
    .immediate();
}
