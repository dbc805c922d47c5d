import Database from "better-sqlite3";

/**
 * A read-only connection of its own, for a long read streamed to a client (an export): an open
 * iterator keeps its connection busy, so it must not hold the shared one across awaits.
 */
export function openReader(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  return db;
}
