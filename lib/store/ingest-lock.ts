import { realpathSync, rmSync } from "node:fs";
import Database from "better-sqlite3";

/**
 * Whether an ingest still runs is told by a lock its process holds on a file beside the database
 * (an empty SQLite file kept in an open exclusive transaction). The kernel drops the lock when the
 * process dies, whatever its pid means here: a CLI in a container beside the host's server (pid
 * namespaces), or a dead ingest's pid given to another process.
 */
function lockFile(db: Database.Database, datasetId: number): string | null {
  if (db.memory) return null;
  // The same file whatever path and working directory each process opened the database with.
  return `${realpathSync(db.name)}.ingest-${datasetId}.lock`;
}

/** Takes the dataset's ingest lock for this process; null for a database in memory. */
export function holdIngestLock(db: Database.Database, datasetId: number): Database.Database | null {
  const file = lockFile(db, datasetId);
  if (file === null) return null;
  try {
    return lockAt(file);
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY") throw error;
    // Not a lock file any more (another program wrote over it): nobody can hold it, so it is made anew.
    rmSync(file, { force: true });
    return lockAt(file);
  }
}

function lockAt(file: string): Database.Database {
  const lock = new Database(file, { timeout: 0 });
  try {
    // No journal file beside it (OFF is refused in better-sqlite3's defensive mode).
    lock.pragma("journal_mode = MEMORY");
    lock.exec("BEGIN EXCLUSIVE");
    return lock;
  } catch (error) {
    lock.close();
    throw error;
  }
}

/**
 * Removes the lock's file, then lets the lock go: a claim made meanwhile locks a new file, never
 * this one just before it is removed.
 */
export function releaseIngestLock(lock: Database.Database): void {
  rmSync(lock.name, { force: true });
  lock.close();
}

/**
 * Is the dataset's ingest lock held (by any process)? null when it has no lock file (the ingest
 * began under a version without locks, or never took one) or one that cannot be probed.
 */
export function ingestLockHeld(db: Database.Database, datasetId: number): boolean | null {
  const file = lockFile(db, datasetId);
  if (file === null) return null;
  let probe: Database.Database;
  try {
    probe = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return null;
  }
  try {
    probe.exec("BEGIN IMMEDIATE");
    probe.exec("ROLLBACK");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY") return true;
    // Not a lock it can take (another program's file, another user's read-only one): it cannot tell.
    return null;
  } finally {
    probe.close();
  }
}

/** Removes the lock file of an ingest whose process died. */
export function removeIngestLock(db: Database.Database, datasetId: number): void {
  const file = lockFile(db, datasetId);
  if (file !== null) rmSync(file, { force: true });
}
