import type Database from "better-sqlite3";
import { datasetIdBase, ID_STRIDE } from "../ingest/ids";
import { holdIngestLock, ingestLockHeld, releaseIngestLock, removeIngestLock } from "./ingest-lock";
import { markIngestStart, undoUnfinishedIngest } from "./ingest-marks";

export type DatasetStatus = "ingesting" | "ready" | "failed" | "interrupted" | "cancelled";

/**
 * The datasets this process is ingesting now, by database file, with the ingest lock it holds for
 * each (see ingest-lock.ts). A dataset left `ingesting` under this process's pid, with no lock
 * file, and not among them was owned by an earlier process that had the same pid (a container's
 * PID 1 after a restart). Kept on globalThis: the server's bundles share one map.
 */
const shared = globalThis as unknown as { auditscopeIngestingHere?: Map<string, Database.Database | null> };
shared.auditscopeIngestingHere ??= new Map<string, Database.Database | null>();
const ingestingHere = shared.auditscopeIngestingHere;
const ownKey = (db: Database.Database, id: number) => `${db.name}\n${id}`;

/** Notes that this process ingests the dataset, under its lock; inside the transaction that marks it `ingesting`. */
function ownDataset(db: Database.Database, id: number): void {
  ingestingHere.set(ownKey(db, id), holdIngestLock(db, id));
}

/** The ingest of a dataset created or claimed by this process has ended (whatever its outcome). */
export function releaseDataset(db: Database.Database, id: number): void {
  const key = ownKey(db, id);
  const lock = ingestingHere.get(key);
  if (lock) releaseIngestLock(lock);
  ingestingHere.delete(key);
}

/** A new dataset, owned by this process until its ingest ends. */
export function createDataset(db: Database.Database, name: string): number {
  const now = new Date().toISOString();
  return db
    .transaction(() => {
      const info = db
        .prepare(
          `INSERT INTO datasets (name, status, created_at, updated_at, owner_pid) VALUES (?, 'ingesting', ?, ?, ?)`,
        )
        .run(name, now, now, process.pid);
      const id = Number(info.lastInsertRowid);
      // Locked before the row can be seen: another process never finds it ingesting without a lock.
      ownDataset(db, id);
      return id;
    })
    .immediate();
}

export interface DatasetState {
  status: DatasetStatus;
  error: string | null;
}

/**
 * Takes an existing dataset for another ingest (adding files), undoing first whatever an earlier
 * ingest left unfinished. Returns the state it goes back to if this ingest does not finish (the
 * one it was in), or null if it does not exist or is being ingested.
 */
export function claimDataset(db: Database.Database, id: number): DatasetState | null {
  const before = db
    .transaction(() => {
      const state = db
        .prepare<[number], DatasetState>(
          `SELECT status, error FROM datasets WHERE id = ? AND status <> 'ingesting'`,
        )
        .get(id);
      if (state) {
        db.prepare(
          `UPDATE datasets SET status = 'ingesting', error = NULL, owner_pid = ?, updated_at = ? WHERE id = ?`,
        ).run(process.pid, new Date().toISOString(), id);
        // What the dataset goes back to if this ingest does not finish: its state before it, or
        // before an earlier unfinished one whose undo is only now done. Marked now, before any
        // file is read, so a kill while the first file is hashed gives it back too.
        const previous = undoUnfinishedIngest(db, id)?.previous ?? state;
        markIngestStart(db, id, previous);
        ownDataset(db, id);
        return previous;
      }
      return null;
    })
    .immediate();
  return before;
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
 * Datasets left `ingesting` by a process that has died (kill -9, power loss): the rows that ingest
 * committed are removed, so the dataset holds what it held before it, and it is marked
 * `interrupted`, never `ready` — or, when files were being added to it, given back the status it
 * had, with a note.
 */
export function markInterruptedIngests(db: Database.Database): number[] {
  const stale = db
    .prepare<[], { id: number; owner_pid: number | null }>(
      `SELECT id, owner_pid FROM datasets WHERE status = 'ingesting'`,
    )
    .all()
    .filter((row) => {
      const locked = ingestLockHeld(db, row.id);
      if (locked !== null) return !locked;
      return row.owner_pid === process.pid
        ? !ingestingHere.has(ownKey(db, row.id))
        : row.owner_pid === null || !isAlive(row.owner_pid);
    });
  // Checked again where it is undone: another process may have marked it, and a third claimed it
  // for a new ingest, since it was listed.
  const interrupt = db.transaction((id: number, ownerPid: number | null) => {
    const still = db
      .prepare(`SELECT 1 FROM datasets WHERE id = ? AND status = 'ingesting' AND owner_pid IS ?`)
      .get(id, ownerPid);
    if (!still) return false;
    // While the row is still `ingesting`: no new ingest of it can have made a lock file since.
    removeIngestLock(db, id);
    const previous = undoUnfinishedIngest(db, id)?.previous;
    if (previous) {
      // Files were being added: the dataset is back as it was, as usable as it was.
      const note =
        "adding files stopped before it finished (the process ended); the dataset holds what it held before";
      setDatasetStatus(db, id, previous.status, note);
    } else {
      setDatasetStatus(db, id, "interrupted", "the ingest stopped before it finished (the process ended)");
    }
    return true;
  });
  return stale.filter((row) => interrupt.immediate(row.id, row.owner_pid)).map((row) => row.id);
}

/** Removes a dataset and every row of it (the full-text index is not covered by cascades). */
export function deleteDataset(db: Database.Database, id: number): boolean {
  return db
    .transaction(() => {
      const base = datasetIdBase(id);
      // By the dataset's id range: a search row whose event was never written goes too.
      db.prepare(`DELETE FROM events_fts WHERE rowid >= ? AND rowid < ?`).run(base, base + ID_STRIDE);
      return db.prepare(`DELETE FROM datasets WHERE id = ?`).run(id).changes === 1;
    })
    .immediate();
}
