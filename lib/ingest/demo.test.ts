import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroundTruth } from "../generator/generate-log";
import { openDatabase } from "../store/db";
import { demoSource, loadDemoIfEmpty } from "./demo";
import { type IngestResult, ingest } from "./ingest";

// The generator knows which sessions, processes and keystrokes it wrote: the store must agree.
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-demo-"));
let db: Database.Database;
let truth: GroundTruth;
let result: IngestResult;
let dataset: number;

beforeAll(async () => {
  db = openDatabase(path.join(dir, "demo.db"));
  const demo = demoSource({ seed: 3, targetBytes: 1_500_000, node: "web01" });
  truth = demo.truth;
  result = await ingest([demo.source], { db, name: "demo" });
  dataset = result.dataset as number;
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const story = () => {
  if (!truth.story) throw new Error("the generator wrote no story");
  return truth.story;
};

describe("ingest of a generated log, checked against the generator's ground truth", () => {
  it("stores every event the generator wrote", () => {
    expect(result.status).toBe("ready");
    expect(result.events).toBe(truth.events);
    expect(result.records).toBe(truth.records);
    expect(result.malformed).toBe(0);
  });

  it("has one session per login, and the intruder's session as the generator wrote it", () => {
    const { session, attackerIp, victim } = story();
    const row = db
      .prepare(
        `SELECT auid, user_name AS userName, kind, addr, terminal, start_ms AS startMs, end_ms AS endMs, has_tty AS hasTty
         FROM sessions WHERE dataset_id = ? AND node = 'web01' AND ses = ?`,
      )
      .get(dataset, session.ses);
    expect(row).toEqual({
      auid: session.auid,
      userName: victim.user,
      kind: "sshd",
      addr: attackerIp,
      // Terminals are shown without /dev/, as `who` does.
      terminal: session.terminal.replace(/^\/dev\//, ""),
      startMs: expect.any(Number),
      endMs: expect.any(Number),
      hasTty: 1,
    });
    const { startMs, endMs } = row as { startMs: number; endMs: number };
    expect(Math.floor(startMs / 1000)).toBe(session.loginSec);
    expect(Math.floor(endMs / 1000)).toBe(session.endSec);
    const sessions = db
      .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM sessions WHERE dataset_id = ?`)
      .get(dataset);
    expect(sessions?.n).toBe(truth.sessions);
  });

  it("has one process per exec, and the story's execs linked to their parents", () => {
    const execs = db
      .prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM processes WHERE dataset_id = ? AND placeholder = 0`,
      )
      .get(dataset);
    expect(execs?.n).toBe(truth.execs);
    const byPid = db.prepare<
      [number, number],
      { id: number; parent_id: number | null; argv: string; ppid: number }
    >(
      `SELECT id, parent_id, argv, ppid FROM processes WHERE dataset_id = ? AND pid = ? AND placeholder = 0 ORDER BY time_ms DESC LIMIT 1`,
    );
    const parentPid = db.prepare<[number], { pid: number }>(`SELECT pid FROM processes WHERE id = ?`);
    for (const exec of story().execs) {
      const row = byPid.get(dataset, exec.pid);
      expect(row, `exec of pid ${exec.pid}`).toBeDefined();
      if (!row) continue;
      if (row.ppid === exec.ppid && row.parent_id !== null) {
        expect(parentPid.get(row.parent_id)?.pid).toBe(exec.ppid);
      }
    }
    const curl = byPid.get(dataset, story().download.curlPid);
    expect(JSON.parse(curl?.argv ?? "[]")).toEqual(["curl", "-O", story().download.url]);
  });

  it("keeps the TTY keystrokes, with the typo edited away", () => {
    const { sudo } = story();
    const rows = db
      .prepare<[number, number], { lines: string; tokens: string }>(
        `SELECT lines, tokens FROM tty_input WHERE dataset_id = ? AND pid = ? ORDER BY time_ms`,
      )
      .all(dataset, sudo.tty.pid);
    const lines = rows.flatMap((row) =>
      (JSON.parse(row.lines) as { text: string }[]).map((line) => line.text),
    );
    expect(lines).toContain(sudo.tty.line);
    expect(sudo.tty.line).toBe("sudo su -");
    const all = db
      .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM tty_input WHERE dataset_id = ?`)
      .get(dataset);
    expect(all?.n).toBe(truth.ttyRecords);
  });

  it("counts the brute force's failed logins", () => {
    const { attackerIp, bruteForce } = story();
    const failed = db
      .prepare<[number, string], { n: number }>(
        `SELECT count(*) AS n FROM events WHERE dataset_id = ? AND types = 'USER_LOGIN' AND result = 'failed' AND object LIKE '%' || ? || '%'`,
      )
      .get(dataset, attackerIp);
    expect(failed?.n).toBe(bruteForce.attempts);
  });

  it("loads the demo only into an empty database", async () => {
    expect(await loadDemoIfEmpty(db)).toBeNull();
  });
});
