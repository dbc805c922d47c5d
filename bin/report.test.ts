import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUREPORT,
  aureportAvailable,
  corpusAvailable,
  corpusPath,
  runAuditTool,
} from "../lib/testing/corpus";

const BIN = path.resolve("bin/auditscope");
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-report-cli-"));
const db = path.join(dir, "cli.db");
const LOG = corpusPath("vrl-devtest/audit.log");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const result = spawnSync(BIN, args, { encoding: "utf8", cwd: tmpdir(), maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const report = (...args: string[]) => run(["report", "--db", db, ...args]);

/** Rows without their numbers, sorted: aureport prints a second's events in its own order. */
const rowsOf = (text: string) =>
  text
    .split("\n")
    .filter((line) => /^\d+\. /.test(line))
    .map((line) => line.replace(/^\d+\. /, ""))
    .sort();

describe.skipIf(!corpusAvailable)("auditscope report", () => {
  beforeAll(() => {
    expect(run(["ingest", "--db", db, LOG]).status).toBe(0);
  }, 60_000);

  it("is ready to answer at once after ingest: the ingest command computed the reports", () => {
    const store = new Database(db, { readonly: true });
    const keys = store.prepare<[], { key: string }>(`SELECT key FROM report_cache`).all();
    store.close();
    expect(keys.map((row) => row.key)).toEqual(
      expect.arrayContaining([
        "summary|all|all",
        "summary|failed|all",
        "rows:pid|success|all",
        "rank:key|all|all",
      ]),
    );
  });

  it("prints the summary as JSON with aureport's counters", () => {
    const { status, stdout } = report("--json");
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(["report", "first", "last", "counts"]);
    expect(json.report).toBe("summary");
    expect(typeof json.first).toBe("number");
    expect(Object.keys(json.counts)).toEqual([
      "changes_in_configuration",
      "changes_to_accounts_groups_or_roles",
      "logins",
      "failed_logins",
      "authentications",
      "failed_authentications",
      "users",
      "terminals",
      "host_names",
      "executables",
      "commands",
      "files",
      "avcs",
      "mac_events",
      "failed_syscalls",
      "anomaly_events",
      "responses_to_anomaly_events",
      "crypto_events",
      "integrity_events",
      "virt_events",
      "keys",
      "process_ids",
      "events",
    ]);
  });

  it("prints a detailed report and a ranking as JSON", () => {
    const detailed = JSON.parse(report("login", "--json").stdout);
    expect(detailed.summary).toBe(false);
    expect(detailed.columns).toEqual(["date", "time", "auid", "host", "term", "exe", "success", "event"]);
    const [date, time, , , , , , event] = detailed.rows[0];
    expect(date).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(time).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(typeof event).toBe("number");
    const ranking = JSON.parse(report("executable", "--summary", "--failed", "--json").stdout);
    expect(ranking).toMatchObject({ report: "executable", summary: true, columns: ["total", "file"] });
    for (const [total, value] of ranking.rows) {
      expect(typeof total).toBe("number");
      expect(typeof value).toBe("string");
    }
  });

  it.skipIf(!aureportAvailable)("lays reports out as aureport does, with the same rows", () => {
    for (const [name, option] of [
      ["executable", "-x"],
      ["syscall", "-s"],
      ["login", "-l"],
    ]) {
      const ours = report(name as string, "--aureport-compatible").stdout;
      const theirs = runAuditTool(AUREPORT, ["-if", LOG, option as string]);
      expect(ours.split("\n").slice(0, 5)).toEqual(theirs.split("\n").slice(0, 5));
      expect(rowsOf(ours)).toEqual(rowsOf(theirs));
      const ranking = report(name as string, "--summary", "--aureport-compatible").stdout;
      expect(ranking).toBe(runAuditTool(AUREPORT, ["-if", LOG, option as string, "--summary"]));
    }
  });

  it("refuses what aureport would not do, with a one-line usage error", () => {
    for (const args of [
      ["nonsense"],
      ["tty", "--summary"],
      ["pid", "--failed", "--success"],
      ["pid", "--start", "soon"],
    ]) {
      const { status, stderr } = report(...args);
      expect(status).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("stops quietly when the reader of its output closes early (| head)", () => {
    const result = spawnSync("sh", ["-c", `"${BIN}" report event --db "${db}" | head -n 3`], {
      encoding: "utf8",
      cwd: tmpdir(),
    });
    expect(result.stdout.split("\n")).toHaveLength(4);
    expect(result.stderr).toBe("");
  });

  it("prints the log's UTF-8 as text and escapes control and bidi characters, in text and JSON", () => {
    // exe "/usr/bin/café" + ESC + "X" + U+202E, hex-encoded as auditd writes such paths.
    const exe = Buffer.from("/usr/bin/café\u001bX\u202e", "utf8").toString("hex").toUpperCase();
    const log = path.join(dir, "utf8.log");
    writeFileSync(
      log,
      `type=SYSCALL msg=audit(1700000000.100:7): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=200 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="x" exe=${exe} key=(null)\ntype=EOE msg=audit(1700000000.100:7): \n`,
    );
    const own = path.join(dir, "utf8.db");
    expect(run(["ingest", "--db", own, log]).status).toBe(0);
    const shown = "/usr/bin/café\\x1bX\\u202e";
    for (const args of [["executable"], ["executable", "--summary"]]) {
      const { stdout } = run(["report", "--db", own, ...args]);
      expect(stdout).toContain(shown);
      for (const raw of ["\u001b", "\u202e", "Ã"]) expect(stdout).not.toContain(raw);
    }
    const detailed = JSON.parse(run(["report", "--db", own, "executable", "--json"]).stdout);
    expect(detailed.rows[0][2]).toBe(shown);
    const ranking = JSON.parse(run(["report", "--db", own, "executable", "--summary", "--json"]).stdout);
    expect(ranking.rows).toEqual([[1, shown]]);
  });

  it.skipIf(!aureportAvailable)("takes --node as typed, as aureport does, for a host name in UTF-8", () => {
    const log = path.join(dir, "utf8-node.log");
    writeFileSync(
      log,
      `node=héllo type=SYSCALL msg=audit(1700000000.100:7): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=200 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="x" exe="/bin/x" key=(null)\n`,
    );
    const own = path.join(dir, "utf8-node.db");
    expect(run(["ingest", "--db", own, log]).status).toBe(0);
    const theirs = runAuditTool(AUREPORT, ["-if", log, "-x", "--node", "héllo"]);
    expect(rowsOf(theirs)).toHaveLength(1);
    expect(rowsOf(run(["report", "--db", own, "executable", "--node", "héllo"]).stdout)).toEqual(
      rowsOf(theirs),
    );
    // A host name in Latin-1 (not UTF-8) is named by the same letters.
    const latin1 = path.join(dir, "latin1-node.log");
    writeFileSync(latin1, readFileSync(log, "utf8"), "latin1");
    const other = path.join(dir, "latin1-node.db");
    expect(run(["ingest", "--db", other, latin1]).status).toBe(0);
    expect(rowsOf(run(["report", "--db", other, "executable", "--node", "héllo"]).stdout)).toHaveLength(1);
    expect(rowsOf(run(["report", "--db", other, "executable", "--node", "hello"]).stdout)).toHaveLength(0);
  });
});
