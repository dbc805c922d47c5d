import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { warmReportCache } from "../reports";
import { corpusAvailable, corpusPath } from "../testing/corpus";
import { claimDataset, deleteDataset, markInterruptedIngests, releaseDataset } from "./datasets";
import { openDatabase } from "./db";
import { ingestLockHeld } from "./ingest-lock";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-delete-"));
const db = openDatabase(path.join(dir, "delete.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Rows of each table that belong to the dataset (every table with a dataset_id, and the FTS index). */
function rowsOf(dataset: number): Record<string, number> {
  const tables = db
    .prepare<[], { name: string }>(
      `SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
       AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'dataset_id') ORDER BY m.name`,
    )
    .all()
    .map((row) => row.name);
  const counts: Record<string, number> = {};
  for (const table of tables) {
    // Table names come from the schema itself, not from input.
    counts[table] =
      db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM "${table}" WHERE dataset_id = ?`)
        .get(dataset)?.n ?? 0;
  }
  return counts;
}

describe.skipIf(!corpusAvailable)("deleting a dataset", () => {
  it("removes every row of it, derived and cached ones included, and nothing of another", async () => {
    const kept = (await ingest(expandSources([corpusPath("audit-userspace/test.log")]), { db })).dataset ?? 0;
    const gone = (await ingest(expandSources([corpusPath("msticpy/auditd_log.txt")]), { db })).dataset ?? 0;
    await warmReportCache(db, gone);
    const before = rowsOf(gone);
    const keptBefore = rowsOf(kept);
    // Event ids are dataset · 2^32 + n, so a dataset's full-text rows are a rowid range.
    const ftsOf = (dataset: number) =>
      db
        .prepare<[number, number], { n: number }>(
          `SELECT count(*) AS n FROM events_fts WHERE rowid >= ? AND rowid < ?`,
        )
        .get(dataset * 2 ** 32, (dataset + 1) * 2 ** 32)?.n ?? 0;
    const keptFts = ftsOf(kept);
    expect(ftsOf(gone)).toBeGreaterThan(0);
    for (const table of [
      "events",
      "raw_blocks",
      "sessions",
      "report_events",
      "report_cache",
      "source_files",
    ]) {
      expect(before[table], table).toBeGreaterThan(0);
    }
    expect(deleteDataset(db, gone)).toBe(true);
    expect(Object.values(rowsOf(gone)).every((n) => n === 0)).toBe(true);
    expect(rowsOf(kept)).toEqual(keptBefore);
    expect(ftsOf(gone)).toBe(0);
    expect(ftsOf(kept)).toBe(keptFts);
    expect(
      db.prepare<[number], { id: number }>(`SELECT id FROM datasets WHERE id = ?`).get(gone),
    ).toBeUndefined();
  });
});

describe("ingests left unfinished", () => {
  const log = () => expandSources([corpusPath("audit-userspace/test.log")]);

  it("marks one owned by an earlier process with this process's pid interrupted (a container's PID 1)", async () => {
    const { dataset } = await ingest(log(), { db, name: "earlier" });
    db.prepare(`UPDATE datasets SET status = 'ingesting', owner_pid = ? WHERE id = ?`).run(
      process.pid,
      dataset,
    );
    expect(markInterruptedIngests(db)).toEqual([dataset]);
    expect(db.prepare(`SELECT status FROM datasets WHERE id = ?`).get(dataset)).toEqual({
      status: "interrupted",
    });
  });

  it("gives a dataset back its status when the process adding to it died before reading a file", async () => {
    const { dataset } = await ingest(log(), { db, name: "claimed" });
    expect(claimDataset(db, dataset as number)).toEqual({ status: "ready", error: null });
    // Killed while hashing its first file: nothing written yet, the owner gone.
    db.prepare(`UPDATE datasets SET owner_pid = ? WHERE id = ?`).run(2 ** 22 + 1, dataset);
    releaseDataset(db, dataset as number);
    expect(markInterruptedIngests(db)).toEqual([dataset]);
    expect(db.prepare(`SELECT status FROM datasets WHERE id = ?`).get(dataset)).toEqual({ status: "ready" });
  });

  /** The dataset's lock file (ingest-lock.ts): beside the database file. */
  const lockOf = (dataset: number) => `${realpathSync(db.name)}.ingest-${dataset}.lock`;

  it("tells a live ingest by its lock, whatever its pid says (another pid namespace)", async () => {
    const dataset = (await ingest(log(), { db, name: "elsewhere" })).dataset as number;
    db.prepare(`UPDATE datasets SET status = 'ingesting', owner_pid = ? WHERE id = ?`).run(
      2 ** 22 + 3,
      dataset,
    );
    // Another process holds the lock as an ingest does; the pid it was given is not one here.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve("better-sqlite3"))});
         const lock = new Database(${JSON.stringify(lockOf(dataset))});
         lock.pragma("journal_mode = MEMORY");
         lock.exec("BEGIN EXCLUSIVE");
         console.log("locked");
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    try {
      await new Promise((resolve) => holder.stdout.once("data", resolve));
      expect(markInterruptedIngests(db)).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
      await exited;
    }
    expect(markInterruptedIngests(db)).toEqual([dataset]);
    expect(existsSync(lockOf(dataset))).toBe(false);
  });

  it("marks one interrupted whose lock nobody holds, though a live process has its pid (reused)", async () => {
    const dataset = (await ingest(log(), { db, name: "reused" })).dataset as number;
    db.prepare(`UPDATE datasets SET status = 'ingesting', owner_pid = ? WHERE id = ?`).run(
      process.ppid,
      dataset,
    );
    new Database(lockOf(dataset)).close();
    expect(markInterruptedIngests(db)).toEqual([dataset]);
    expect(existsSync(lockOf(dataset))).toBe(false);
  });

  it("falls back on the owner's pid when the lock file cannot be read as one, instead of failing to open", async () => {
    const dataset = (await ingest(log(), { db, name: "unreadable lock" })).dataset as number;
    db.prepare(`UPDATE datasets SET status = 'ingesting', owner_pid = ? WHERE id = ?`).run(
      2 ** 22 + 5,
      dataset,
    );
    writeFileSync(lockOf(dataset), "not a lock: some other program wrote here\n".repeat(4));
    expect(markInterruptedIngests(db)).toEqual([dataset]);
    expect(existsSync(lockOf(dataset))).toBe(false);
  });

  it("adds files to a dataset whose lock file some other program overwrote, and locks it anew", async () => {
    const dataset = (await ingest(log(), { db, name: "overwritten lock" })).dataset as number;
    writeFileSync(lockOf(dataset), "not a lock: some other program wrote here\n".repeat(4));
    const more = path.join(dir, "more.log");
    writeFileSync(
      more,
      "type=USER_CMD msg=audit(1700000000.000:1): pid=7 uid=0 auid=1000 ses=1 msg='cmd=6C73 res=success'\n",
    );
    let held: boolean | null = null;
    const added = await ingest(expandSources([more]), {
      db,
      dataset,
      onProgress: () => {
        held ??= ingestLockHeld(db, dataset);
      },
    });
    expect(added.status).toBe("ready");
    expect(held).toBe(true);
    expect(existsSync(lockOf(dataset))).toBe(false);
  });

  it("holds the lock of a dataset while ingesting it, and removes it after", async () => {
    const newest = () => db.prepare<[], { id: number }>(`SELECT max(id) AS id FROM datasets`).get()?.id ?? 0;
    let held: boolean | null = null;
    // A journal beside the lock would be left behind by an ingest killed while holding it.
    let journal = false;
    const { dataset } = await ingest(log(), {
      db,
      name: "locked",
      onProgress: () => {
        held ??= ingestLockHeld(db, newest());
        journal ||= existsSync(`${lockOf(newest())}-journal`);
      },
    });
    expect(held).toBe(true);
    expect(journal).toBe(false);
    expect(existsSync(lockOf(dataset as number))).toBe(false);
  });

  it("leaves alone the ones this process is ingesting", async () => {
    let seen: number[] | null = null;
    const result = await ingest(log(), {
      db,
      name: "running",
      onProgress: () => {
        seen ??= markInterruptedIngests(db);
      },
    });
    expect(seen).toEqual([]);
    expect(result.status).toBe("ready");
  });
});
