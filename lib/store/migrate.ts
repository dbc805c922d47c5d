import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";

/** The project root: set by bin/auditscope (which may run from any folder), else the working directory. */
export function projectRoot(): string {
  return process.env.AUDITSCOPE_ROOT || process.cwd();
}

function migrationsDir(): string {
  return path.join(projectRoot(), "prisma", "migrations");
}

export interface Migration {
  name: string;
  sql: string;
}

/** The committed migrations, in the order their folder names sort (`0001_init`, `0002_…`). */
export function readMigrations(dir: string = migrationsDir()): Migration[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({
      name,
      sql: readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8"),
    }));
}

/**
 * Applies every migration not yet recorded, each in its own immediate transaction, so a
 * crash leaves the database at the last complete migration. Returns the names applied.
 */
export function applyMigrations(db: Database.Database, migrations: Migration[] = readMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS "_auditscope_migrations" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "applied_at" TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare<[], { name: string }>(`SELECT name FROM "_auditscope_migrations"`)
      .all()
      .map((row) => row.name),
  );
  const record = db.prepare(`INSERT INTO "_auditscope_migrations" (name, applied_at) VALUES (?, ?)`);
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
    }).immediate();
    done.push(migration.name);
  }
  return done;
}
