import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { openDatabase } from "../store/db";
import { aureportOutput, detailedRowsOf, rankingOf } from "../testing/aureport-runs";
import { aureportAvailable, corpusAvailable, corpusPath, manifestEntries } from "../testing/corpus";
import {
  detailedRows,
  type ReportFilters,
  type ReportName,
  reportLogTimes,
  reportRanking,
  reportSummary,
} from ".";
import { aureportDate } from "./output/dates";

// The deliberate differences of docs/aureport-parity.md, each against aureport itself: what we
// report that aureport does not, and how we count what it counts twice.

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-report-diff-"));
let db: Database.Database;
beforeAll(() => {
  db = openDatabase(path.join(dir, "diff.db"));
});
afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ingestFile(file: string): Promise<number> {
  const result = await ingest(expandSources([file]), { db, name: file, worker: false });
  if (result.dataset === null) throw new Error(`not ingested: ${result.status}`);
  return result.dataset;
}

function logFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const serialAt = (name: ReportName) => (cells: (string | number)[]) =>
  String(name === "event" || name === "tty" ? cells[0] : cells[cells.length - 1]);

function ourSerials(dataset: number, name: ReportName, filters: ReportFilters = {}): string[] {
  return [...detailedRows(db, dataset, name, filters)].map((row) => serialAt(name)(row.cells));
}

async function theirSerials(file: string, option: string, ...args: string[]): Promise<string[]> {
  const serialFirst = option === "-e" || option === "--tty";
  return detailedRowsOf(await aureportOutput(file, [option, ...args]), serialFirst).map((r) => r.serial);
}

const SYSCALL = (stamp: string, pid = 500) =>
  `type=SYSCALL msg=audit(${stamp}): arch=c000003e syscall=1 success=yes exit=4 a0=3 a1=7ffc a2=4 a3=0 items=0 ppid=1 pid=${pid} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="bash" exe="/usr/bin/bash" key=(null)`;

describe.skipIf(!aureportAvailable)("reports differ from aureport only as documented", () => {
  it("counts a serial aureport splits in two (LOGIN first) once", async () => {
    const file = logFile("login-split.log", [
      "type=LOGIN msg=audit(1700000001.100:201): pid=501 uid=0 old-auid=4294967295 auid=1001 tty=(none) old-ses=4294967295 ses=4 res=1",
      SYSCALL("1700000001.100:201", 501),
    ]);
    const dataset = await ingestFile(file);
    expect(await theirSerials(file, "-e")).toEqual(["201", "201"]);
    expect(ourSerials(dataset, "event")).toEqual(["201"]);
    // Our row is aureport's first one for the serial; its ranking counts the event once.
    expect([...detailedRows(db, dataset, "event")][0]?.cells).toEqual([201, "LOGIN", "1001", "yes"]);
    expect(rankingOf(await aureportOutput(file, ["-p", "--summary"]))).toEqual(new Map([["501", 2]]));
    expect(reportRanking(db, dataset, "pid").rows).toEqual([{ total: 1, value: "501" }]);
  });

  it("lists TTY records that share their syscall's event, which aureport misses", async () => {
    const file = logFile("tty.log", [
      SYSCALL("1700000002.100:301"),
      'type=TTY msg=audit(1700000002.100:301): tty pid=500 uid=0 auid=1000 ses=3 major=136 minor=0 comm="bash" data=6C730D',
      'type=TTY msg=audit(1700000003.100:302): tty pid=500 uid=0 auid=1000 ses=3 major=136 minor=0 comm="bash" data=69640D',
    ]);
    const dataset = await ingestFile(file);
    expect(await theirSerials(file, "--tty")).toEqual(["302"]);
    expect(ourSerials(dataset, "tty")).toEqual(["301", "302"]);
    expect(ourSerials(dataset, "tty", { aureportOnly: true })).toEqual(["302"]);
    expect([...detailedRows(db, dataset, "tty")][0]?.cells).toEqual([
      301,
      "1000",
      "pts0",
      3,
      "bash",
      '"ls",<ret>',
    ]);
  });

  it("keeps events aureport skips as malformed, with the fields they have", async () => {
    const file = logFile("malformed.log", [
      "type=NETFILTER_CFG msg=audit(1700000004.100:401): table=filter family=2 entries=0",
    ]);
    const dataset = await ingestFile(file);
    expect(await theirSerials(file, "-e")).toEqual([]);
    expect(ourSerials(dataset, "event")).toEqual(["401"]);
    expect(ourSerials(dataset, "config")).toEqual(["401"]);
    expect(ourSerials(dataset, "event", { aureportOnly: true })).toEqual([]);
  });

  it.skipIf(!corpusAvailable)(
    "reports AppArmor's AVC decisions, which aureport drops",
    async () => {
      const logs = manifestEntries()
        .filter((e) => e.kind === "log (raw)" && e.path.startsWith("apparmor/"))
        .map((e) => corpusPath(e.path))
        .filter((file) => readFileSync(file, "latin1").includes("type=AVC"));
      expect(logs.length).toBeGreaterThan(10);
      let decisions = 0;
      for (const file of logs) {
        const dataset = await ingestFile(file);
        const rows = [...detailedRows(db, dataset, "avc")];
        decisions += rows.length;
        expect(await theirSerials(file, "-a")).toEqual([]);
        expect(ourSerials(dataset, "avc", { aureportOnly: true })).toEqual([]);
        for (const row of rows) expect(["denied", "granted", "unset"]).toContain(row.cells[6]);
        const avcs = reportSummary(db, dataset).counts.find((c) => c.key === "avcs")?.value;
        expect(avcs).toBeGreaterThan(0);
      }
      expect(decisions).toBeGreaterThan(logs.length);
    },
    60_000,
  );

  it.skipIf(!corpusAvailable)("reads logs in framings aureport cannot read", async () => {
    const file = corpusPath("apparmor/test_multi/avc_syslog_01.in");
    const dataset = await ingestFile(file);
    expect(ourSerials(dataset, "event").length).toBeGreaterThan(0);
    expect(ourSerials(dataset, "event", { aureportOnly: true })).toEqual([]);
  });
});

describe.skipIf(!aureportAvailable || !corpusAvailable)("the log time range report", () => {
  it("gives each file's first and last event, as aureport -t does for a time-ordered log", async () => {
    for (const relative of ["vrl-devtest/audit.log", "msticpy/auditd_log.txt"]) {
      const file = corpusPath(relative);
      const dataset = await ingestFile(file);
      const [range] = reportLogTimes(db, dataset);
      const theirs = /: (\S+ \S+) - (\S+ \S+)$/m.exec(await aureportOutput(file, ["-t"]));
      expect(range?.path).toBe(file);
      expect([aureportDate(range?.firstMs ?? 0, true), aureportDate(range?.lastMs ?? 0, true)]).toEqual([
        theirs?.[1],
        theirs?.[2],
      ]);
    }
  });
});

describe.skipIf(!aureportAvailable || !corpusAvailable)("time and node filters agree with aureport's", () => {
  it("--start/--end select the same events", async () => {
    const file = corpusPath("vrl-devtest/audit.log");
    const dataset = await ingestFile(file);
    // 03/12/25 16:35:00 to 16:40:00 UTC (aureport reads dates as %x: two-digit years in the C locale).
    const start = Date.UTC(2025, 2, 12, 16, 35, 0) / 1000;
    const end = Date.UTC(2025, 2, 12, 16, 40, 0) / 1000;
    const filters = { start, end, aureportOnly: true };
    for (const [name, option] of [
      ["executable", "-x"],
      ["login", "-l"],
      ["pid", "-p"],
    ] as const) {
      const theirs = new Set(
        await theirSerials(file, option, "--start", "03/12/25", "16:35:00", "--end", "03/12/25", "16:40:00"),
      );
      expect(new Set(ourSerials(dataset, name, filters))).toEqual(theirs);
      expect(theirs.size).toBeGreaterThan(0);
    }
  });

  it("--node selects the same events", async () => {
    const file = corpusPath("audit-userspace/test3.log");
    const dataset = await ingestFile(file);
    const nodes = [...new Set(readFileSync(file, "latin1").match(/^node=\S+/gm) ?? [])].map((n) =>
      n.slice(5),
    );
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const theirs = new Set(await theirSerials(file, "-e", "--node", node));
      expect(new Set(ourSerials(dataset, "event", { node, aureportOnly: true }))).toEqual(theirs);
    }
  });
});
