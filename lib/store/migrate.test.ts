import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "./migrate";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function freshDb() {
  dir = mkdtempSync(path.join(tmpdir(), "auditscope-migrate-"));
  return new Database(path.join(dir, "m.db"));
}

describe("applyMigrations", () => {
  it("applies the committed migrations in order, once", () => {
    const db = freshDb();
    const names = readMigrations().map((m) => m.name);
    expect(names[0]).toBe("0001_init");
    expect(applyMigrations(db)).toEqual(names);
    expect(applyMigrations(db)).toEqual([]);
    db.close();
  });

  it("rolls back a failing migration and keeps the earlier ones", () => {
    const db = freshDb();
    const good = { name: "0001_a", sql: "CREATE TABLE a (x INTEGER);" };
    const bad = { name: "0002_b", sql: "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);" };
    expect(() => applyMigrations(db, [good, bad])).toThrow(/nowhere/);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type='table'")
      .all();
    expect(tables.map((t) => t.name)).toContain("a");
    expect(tables.map((t) => t.name)).not.toContain("b");
    expect(applyMigrations(db, [good])).toEqual([]);
    db.close();
  });
});
