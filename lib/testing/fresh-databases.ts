import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeEach } from "vitest";
import { openDatabase } from "../store/db";

/**
 * A real database file for each test of the calling file, opened before it and closed after it,
 * in a temp folder (also for the test's own files) removed when the file's tests end.
 */
export function freshDatabases(prefix: string): { readonly db: Database.Database; readonly dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let db: Database.Database | null = null;
  let counter = 0;
  beforeEach(() => {
    const opened = openDatabase(path.join(dir, `t${counter++}.db`));
    db = opened;
    return () => opened.close();
  });
  return {
    dir,
    get db() {
      if (db === null) throw new Error("a database is open only inside a test");
      return db;
    },
  };
}
