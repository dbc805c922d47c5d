import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { escapeInvisible } from "../lib/format/escape";
import { openDatabase } from "../lib/store/db";
import { corpusAvailable, corpusPath, readCorpus } from "../lib/testing/corpus";

const BIN = path.resolve("bin/auditscope");
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function datasetCount(file: string): number {
  const reader = new Database(file, { readonly: true });
  try {
    return reader.prepare<[], { n: number }>(`SELECT count(*) AS n FROM datasets`).get()?.n ?? 0;
  } catch {
    return 0; // not migrated yet
  } finally {
    reader.close();
  }
}

function run(args: string[], input?: Buffer) {
  const result = spawnSync(BIN, args, {
    input,
    encoding: "utf8",
    cwd: tmpdir(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("auditscope command line", () => {
  it("prints help and exits 0", () => {
    const { status, stdout } = run(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toContain("Usage: auditscope <command>");
    expect(stdout).toMatch(/parse\s+print audit logs as JSON Lines/);
  });

  it("rejects an unknown command and a bad flag with one line on stderr and status 2", () => {
    for (const args of [
      ["frobnicate"],
      ["parse", "--bogus", "x"],
      ["serve", "--port", "0"],
      // Number() would take these as 1.
      ["ingest", "--dataset", "0x1", "x.log"],
      ["ingest", "--dataset", "1e0", "x.log"],
      ["ingest", "--dataset", " 1", "x.log"],
      // Past 2^53, Number() would take it as another id.
      ["ingest", "--dataset", "9007199254740993", "x.log"],
      ["stats", "--dataset", "1.0"],
      ["ingest", "--name", "", "x.log"],
      ["ingest", "--name", "x", "--dataset", "1", "x.log"],
      // What was typed is quoted escaped: a terminal escape in it never reaches the terminal.
      ["frob\x1b[31m\u202e"],
      ["parse", "--x\x1b]0;pwned\x07"],
      ["report", "--dataset", "1\x1b[2J"],
      ["ingest", "-", "-"],
      ["parse", "-", "x.log", "-"],
    ]) {
      const { status, stderr } = run(args);
      expect(status).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/^auditscope: /);
      expect(escapeInvisible(stderr.trimEnd())).toBe(stderr.trimEnd());
    }
  });
});

describe.skipIf(!corpusAvailable)("auditscope parse", () => {
  it("prints one JSON object per event with the documented fields", () => {
    const { status, stdout } = run(["parse", corpusPath("laurel/record-execve.txt")]);
    expect(status).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const exec = events.find((e) => e.serial === 15558);
    expect(Object.keys(exec)).toEqual([
      "node",
      "time",
      "serial",
      "types",
      "syscall",
      "arch",
      "success",
      "exit",
      "pid",
      "ppid",
      "auid",
      "uid",
      "euid",
      "ses",
      "tty",
      "comm",
      "exe",
      "key",
      "argv",
      "cwd",
      "paths",
      "sockaddr",
      "summary",
      "source",
      "records",
    ]);
    expect(exec).toMatchObject({
      node: "work",
      time: "2021-03-07T10:50:32.375Z",
      syscall: "execve",
      argv: ["whoami"],
      summary: "user as root executed whoami (cwd /home/user/tmp)",
      source: { path: corpusPath("laurel/record-execve.txt") },
    });
    expect(exec.records[0].fields.syscall).toEqual({ raw: "59", value: "execve" });
  });

  it("reads the files given as one log: an event a rotation split is one event, of the file it began in", () => {
    // sepolgen's log cut between an exec's AVC (line 65) and its SYSCALL, as a rotation may.
    const lines = readCorpus("selinux/sepolgen/test_data/audit.log").toString("latin1").split("\n");
    const older = path.join(dir, "audit.log.1");
    const newer = path.join(dir, "audit.log");
    writeFileSync(older, `${lines.slice(0, 65).join("\n")}\n`, "latin1");
    writeFileSync(newer, lines.slice(65).join("\n"), "latin1");
    const events = (args: string[]) =>
      run(["parse", ...args])
        .stdout.trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { serial: number; types: string[]; source: { path: string } });
    const whole = events([corpusPath("selinux/sepolgen/test_data/audit.log")]);
    const split = events([older, newer]);
    expect(split.map(({ source, ...event }) => event)).toEqual(whole.map(({ source, ...event }) => event));
    expect(split.find((e) => e.serial === 1009)).toMatchObject({
      types: ["AVC", "SYSCALL", "AVC_PATH"],
      source: { path: older },
    });
    const counts = JSON.parse(run(["parse", "--count", older, newer]).stdout) as {
      files: { events: number }[];
      events: number;
    };
    expect(counts.files.map((f) => f.events)).toEqual([32, whole.length - 32]);
  });

  it("--count counts lines, records, events and malformed per file and in total, gzip and stdin included", () => {
    const gz = path.join(dir, "msticpy.log.gz");
    writeFileSync(gz, gzipSync(readCorpus("msticpy/auditd_log.txt")));
    const { status, stdout } = run(
      ["parse", "--count", gz, "-"],
      Buffer.from("type=SYSCALL msg=audit(1.000:1): x=1\nnot audit\n"),
    );
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      files: [
        { path: gz, lines: 1708, records: 1708, events: 938, malformed: 0 },
        { path: "-", lines: 2, records: 1, events: 1, malformed: 1 },
      ],
      lines: 1710,
      records: 1709,
      events: 939,
      malformed: 1,
    });
  });

  it("reads a cut-short gzip as far as it goes, says where it stopped, and goes on", () => {
    const whole = gzipSync(readCorpus("msticpy/auditd_log.txt"));
    const cut = path.join(dir, "cut.log.gz");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { status, stdout, stderr } = run(["parse", "--count", cut, corpusPath("audit-userspace/test.log")]);
    expect(status).toBe(0);
    const counts = JSON.parse(stdout) as {
      files: { path: string; lines: number; events: number; malformed: number }[];
    };
    const [fromCut, plain] = counts.files;
    expect(fromCut?.events).toBeGreaterThan(500);
    expect(plain?.events).toBe(7);
    expect(stderr).toContain(
      `${cut}:${(fromCut?.lines ?? 0) + 1}: its gzip data is cut short: what it gave up to here was read, nothing after`,
    );
  });

  it.skipIf(!corpusAvailable)("ingest refuses a path it cannot read, escaped, and ingests the others", () => {
    const missing = path.join(dir, "gone\x1b]0;pwned\x07.log");
    const db = path.join(dir, "unreadable.db");
    const { status, stdout, stderr } = run([
      "ingest",
      "--db",
      db,
      missing,
      corpusPath("audit-userspace/test.log"),
    ]);
    expect(status).toBe(1);
    expect(stderr).toContain(
      `auditscope: cannot read ${path.join(dir, "gone\\x1b]0;pwned\\x07.log")}: no such file or directory`,
    );
    expect(stderr).not.toContain("\x1b");
    expect(stdout).toBe("dataset 1: 7 events from 1 file(s), 1 refused (ready)\n");
    const listed = run(["datasets", "--db", db, "--json"]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: 1, name: "test.log" }]);
    // A dataset read from stdin is named so (datasets are listed newest first).
    expect(run(["ingest", "--db", db, "-"], readCorpus("audit-userspace/test.log")).status).toBe(0);
    expect(JSON.parse(run(["datasets", "--db", db, "--json"]).stdout)).toMatchObject([
      { name: "stdin" },
      { name: "test.log" },
    ]);
  });

  it.skipIf(!corpusAvailable)(
    "datasets says why an ingest failed, and its JSON carries no invisible character raw",
    () => {
      const db = path.join(dir, "listed.db");
      const name = "web\u202eexe.log\u0085";
      expect(run(["ingest", "--db", db, "--name", name, corpusPath("audit-userspace/test.log")]).status).toBe(
        0,
      );
      const store = openDatabase(db);
      store.prepare(`UPDATE datasets SET status = 'failed', error = ? WHERE id = 1`).run("disk full\x1b[2J");
      store.close();
      const text = run(["datasets", "--db", db]).stdout;
      expect(text).toContain("failed");
      expect(text).toContain("disk full\\x1b[2J");
      const json = run(["datasets", "--db", db, "--json"]).stdout;
      for (const raw of ["\x1b", "\u0085", "\u202e"]) expect(json).not.toContain(raw);
      expect(JSON.parse(json)).toMatchObject([{ id: 1, name, status: "failed", error: "disk full\x1b[2J" }]);
    },
  );

  it("escapes control characters in what it writes to the terminal", () => {
    const { stderr } = run(["parse", "--count", "-"], Buffer.from("\x1b]0;pwned\x07 not audit\n"));
    expect(stderr).toContain("-:1: no audit record");
    const { stdout } = run(
      ["parse", "-"],
      Buffer.from("type=USER_CMD msg=audit(1.000:1): msg='cmd=1B5D303B70776E656407 res=success'\n"),
    );
    expect(stdout).not.toContain("\x1b");
    expect(JSON.parse(stdout).summary).toContain("\u001b]0;pwned\u0007");
  });
  it("ends on Ctrl-C while it waits for a named pipe nobody writes to, and undoes what it began", async () => {
    const db = path.join(dir, "fifo.db");
    const fifo = path.join(dir, "silent.pipe");
    execFileSync("mkfifo", [fifo]);
    const child = spawn(BIN, ["ingest", "--db", db, fifo], { cwd: tmpdir() });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, "exit");
    // Once the dataset exists the ingest is waiting on the pipe, its Ctrl-C handler in place.
    const started = Date.now();
    while (!existsSync(db) || datasetCount(db) === 0) {
      if (Date.now() - started > 30_000) throw new Error("the ingest never began");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGINT");
    expect(await exited).toEqual([1, null]);
    expect(stderr).toContain("auditscope: ingest cancelled");
    expect(JSON.parse(run(["datasets", "--db", db, "--json"]).stdout)).toMatchObject([
      { status: "cancelled", events: 0 },
    ]);
  });
});
