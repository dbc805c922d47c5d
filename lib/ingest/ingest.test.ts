import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { gunzipSync, gzipSync, constants as zlibConstants } from "node:zlib";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { getDatasetStats } from "../queries/get-dataset-stats";
import { closeStore, openDatabase, openStore } from "../store/db";
import { MALFORMED_KEPT } from "../store/event-writer";
import { readEventRaw } from "../store/raw-lines";
import {
  aureportAvailable,
  aureportEventKeys,
  corpusAvailable,
  corpusPath,
  readCorpus,
} from "../testing/corpus";
import { type IngestProgress, ingest } from "./ingest";
import { expandSources } from "./sources";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-ingest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let db: Database.Database;
let dbFile: string;
let counter = 0;
beforeEach(() => {
  dbFile = path.join(dir, `t${counter++}.db`);
  db = openDatabase(dbFile);
});
afterEach(() => db.close());

const statusOf = (id: number | null) =>
  db
    .prepare<[number | null], { status: string; error: string | null }>(
      `SELECT status, error FROM datasets WHERE id = ?`,
    )
    .get(id);

describe.skipIf(!corpusAvailable)("ingest into a real database", () => {
  it("stores every event once, with raw lines byte for byte", async () => {
    const file = corpusPath("audit-userspace/test3.log");
    const result = await ingest(expandSources([file]), { db, name: "test3" });
    expect(result).toMatchObject({ status: "ready", events: 8, records: 15, malformed: 0 });
    expect(statusOf(result.dataset)?.status).toBe("ready");
    const ids = db
      .prepare<[number], { id: number }>(`SELECT id FROM events WHERE dataset_id = ? ORDER BY line`)
      .all(result.dataset as number);
    const raw = ids.flatMap(({ id }) => (readEventRaw(db, id) as Buffer).toString("latin1").split("\n"));
    const original = readCorpus("audit-userspace/test3.log").toString("latin1").trimEnd().split("\n");
    expect(raw.sort()).toEqual(original.sort());
  });

  it.skipIf(!aureportAvailable)("counts the events aureport lists (msticpy/auditd_log.txt)", async () => {
    const file = corpusPath("msticpy/auditd_log.txt");
    const result = await ingest(expandSources([file]), { db });
    const keys = db
      .prepare<[number], { k: string }>(
        `SELECT serial || '@' || strftime('%Y-%m-%d %H:%M:%S', time_ms / 1000, 'unixepoch') AS k FROM events WHERE dataset_id = ?`,
      )
      .all(result.dataset as number)
      .map((row) => row.k);
    const theirs = aureportEventKeys(file);
    // Ours = aureport's + the two NETFILTER_CFG events it skips as malformed (docs/aureport-parity.md).
    expect(keys.filter((k) => !theirs.has(k)).sort()).toEqual([
      "324@2019-03-02 00:15:18",
      "929@2019-03-02 00:45:20",
    ]);
    expect([...theirs].filter((k) => !keys.includes(k))).toEqual([]);
  });

  it("adds nothing when a file already in the dataset is ingested again, and dedupes events across files", async () => {
    const file = corpusPath("msticpy/auditd_log.txt");
    const first = await ingest(expandSources([file]), { db });
    const again = await ingest(expandSources([file]), { db, dataset: first.dataset as number });
    expect(again).toMatchObject({ status: "ready", events: 0 });
    // The same content under another name is another file, but its events are already there.
    const copy = path.join(dir, "copy.log");
    writeFileSync(copy, Buffer.concat([readCorpus("msticpy/auditd_log.txt"), Buffer.from("\n")]));
    const fromCopy = await ingest(expandSources([copy]), { db, dataset: first.dataset as number });
    // What the request added is told apart from what its file held.
    expect(fromCopy).toMatchObject({ events: 0, records: 0, duplicates: 938 });
    expect(fromCopy.files[0]).toMatchObject({ events: 938, records: first.records });
    const count = db
      .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM events WHERE dataset_id = ?`)
      .get(first.dataset as number);
    expect(count?.n).toBe(938);
    expect(statusOf(first.dataset)?.status).toBe("ready");
    // Its records are counted once too, and a file added after them adds its own.
    const records = () =>
      db
        .prepare<[number], { records: number }>(`SELECT records FROM datasets WHERE id = ?`)
        .get(first.dataset as number)?.records;
    expect(records()).toBe(first.records);
    const other = await ingest(expandSources([corpusPath("audit-userspace/test3.log")]), {
      db,
      dataset: first.dataset as number,
    });
    expect(records()).toBe(first.records + other.records);

    // Part of a file already there, and a new record of one of its events arriving late.
    const lines = readCorpus("audit-userspace/test3.log").toString("latin1").trimEnd().split("\n");
    const late = lines[0]
      ?.replace(/type=\w+/, "type=PROCTITLE")
      .replace(/msg=audit\(([^)]*)\):.*/, "msg=audit($1): proctitle=6C73");
    const part = path.join(dir, "part.log");
    writeFileSync(part, [...lines.slice(0, 4), late, ""].join("\n"));
    const fromPart = await ingest(expandSources([part]), { db, dataset: first.dataset as number });
    expect(fromPart).toMatchObject({ status: "ready", events: 0, records: 1 });
    expect(fromPart.duplicates).toBeGreaterThan(0);
    expect(records()).toBe(first.records + other.records + 1);
  });

  it("skips a file whose name is not UTF-8 when it is added again to its dataset", async () => {
    const folder = path.join(dir, "latin1-names");
    mkdirSync(folder);
    writeFileSync(
      Buffer.concat([Buffer.from(`${folder}/audit-`), Buffer.from([0xe9]), Buffer.from(".log")]),
      readCorpus("audit-userspace/test3.log"),
    );
    const first = await ingest(expandSources([folder]), { db });
    // Named after the directory given, not a file found in it.
    expect(
      db
        .prepare<[number], { name: string }>(`SELECT name FROM datasets WHERE id = ?`)
        .get(first.dataset as number),
    ).toEqual({ name: "latin1-names" });
    const again = await ingest(expandSources([folder]), { db, dataset: first.dataset as number });
    expect(again).toMatchObject({ status: "ready", events: 0, records: 0, duplicates: 0 });
    expect(again.files[0]).toMatchObject({ path: path.join(folder, "audit-\ufffd.log"), refused: null });
  });

  it("adds a record that comes after its event ended to that event, and calls nothing a duplicate", async () => {
    const file = path.join(dir, "late-in-one-file.log");
    writeFileSync(
      file,
      [
        `type=SYSCALL msg=audit(1700000000.000:10): arch=c000003e syscall=59 success=yes exit=0 pid=7 ppid=1 auid=1000 uid=0 ses=1 comm="ls" exe="/bin/ls"`,
        "type=EOE msg=audit(1700000000.000:10): ",
        `type=USER_CMD msg=audit(1700000001.000:11): pid=8 uid=0 auid=1000 ses=1 msg='cwd="/" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=success'`,
        "type=PROCTITLE msg=audit(1700000000.000:10): proctitle=6C73",
        "",
      ].join("\n"),
    );
    const result = await ingest(expandSources([file]), { db });
    expect(result).toMatchObject({ status: "ready", events: 2, records: 4, duplicates: 0 });
    const id = db
      .prepare<[number], { id: number }>(`SELECT id FROM events WHERE dataset_id = ? AND serial = 10`)
      .get(result.dataset as number)?.id as number;
    expect((readEventRaw(db, id) as Buffer).toString("latin1")).toContain("proctitle=6C73");
    // And the event is derived from all its records: the late one's too.
    expect(
      db
        .prepare<[number], { types: string; record_count: number }>(
          `SELECT types, record_count FROM events WHERE id = ?`,
        )
        .get(id),
    ).toEqual({ types: "SYSCALL PROCTITLE", record_count: 3 });
  });

  it("counts the bytes of a log written to while it was listed and read", async () => {
    const file = path.join(dir, "growing.log");
    const line = (serial: number) =>
      `type=USER_CMD msg=audit(1700000000.000:${serial}): pid=8 uid=0 auid=1000 ses=1 msg='cwd="/" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=success'\n`;
    writeFileSync(file, line(1));
    const sources = expandSources([file]);
    appendFileSync(file, line(2));
    const progress: IngestProgress[] = [];
    const result = await ingest(sources, { db, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ status: "ready", events: 2, bytes: statSync(file).size });
    expect(progress.at(-1)).toMatchObject({
      bytesRead: statSync(file).size,
      bytesTotal: statSync(file).size,
    });
    const sizes = db
      .prepare<[number], { file: number; dataset: number }>(
        `SELECT f.size AS file, d.bytes AS dataset FROM source_files f JOIN datasets d ON d.id = f.dataset_id WHERE d.id = ?`,
      )
      .get(result.dataset as number);
    expect(sizes).toEqual({ file: statSync(file).size, dataset: statSync(file).size });
  });

  it("loses no event when a file holds only the rest of an event too large to take it", async () => {
    const record = (type: string, sec: number, serial: number) =>
      `type=${type} msg=audit(${sec}.000:${serial}): pid=1\n`;
    // Event 2 is full (2 records) when its file ends; the next file holds only one more of its records.
    const first = path.join(dir, "full.log.1");
    const events = Array.from({ length: 40 }, (_, i) => record("USER_START", 300, 10 + i)).join("");
    writeFileSync(
      first,
      `${record("USER_LOGIN", 100, 1)}${record("SYSCALL", 200, 2)}${record("PATH", 200, 2)}${events}`,
    );
    const second = path.join(dir, "full.log");
    writeFileSync(second, record("CWD", 200, 2));
    for (const worker of [true, false]) {
      const result = await ingest(expandSources([first, second]), {
        db,
        worker,
        limits: { maxRecordsPerEvent: 2 },
      });
      expect(result.files.map((f) => [f.events, f.malformed, f.refused])).toEqual([
        [42, 0, null],
        [0, 1, null],
      ]);
      expect(result.events).toBe(42);
    }
  });

  it("refuses a binary stream without reading it to the end (a disk image with no newlines)", async () => {
    async function* zeroes() {
      for (;;) yield Buffer.alloc(64 * 1024);
    }
    const result = await ingest(expandSources(["-"], Readable.from(zeroes())), { db });
    expect(result.files.map((f) => f.refused)).toEqual(["- is not an audit log (it is binary, not text)"]);
  });

  it("refuses a PNG and an empty file with a reason naming them, and still ingests the rest", async () => {
    const png = path.join(dir, "x.png");
    writeFileSync(
      png,
      Buffer.from("89504E470D0A1A0A0000000D49484452000000100000001008060000001FF3FF61", "hex"),
    );
    const empty = path.join(dir, "empty.log");
    writeFileSync(empty, "");
    const csv = path.join(dir, "data.csv");
    writeFileSync(csv, Array.from({ length: 1200 }, (_, i) => `${i},a,b`).join("\n"));
    const blank = path.join(dir, "blank.log");
    writeFileSync(blank, "\n\n# nothing here\n\n");
    const result = await ingest(
      expandSources([png, empty, csv, blank, corpusPath("audit-userspace/test.log")]),
      { db },
    );
    expect(result.files.map((f) => f.refused)).toEqual([
      `${png} is not an audit log (it is binary, not text)`,
      `${empty} is not an audit log (it is empty)`,
      `${csv} is not an audit log (no audit records in its first 1000 non-empty lines)`,
      `${blank} is not an audit log (it holds only empty lines and comments)`,
      null,
    ]);
    expect(result).toMatchObject({ status: "ready", events: 7 });
    const files = db
      .prepare<[number], { path: string }>(`SELECT path FROM source_files WHERE dataset_id = ?`)
      .all(result.dataset as number);
    expect(files.map((f) => f.path)).toEqual([corpusPath("audit-userspace/test.log")]);
  });

  it("reads a log with NUL bytes in its first lines, keeping that line as malformed", async () => {
    const log = readCorpus("audit-userspace/test.log").toString("latin1").split("\n");
    const withNul = path.join(dir, "nul.log");
    // A block zeroed by a crash, after the first record.
    writeFileSync(withNul, Buffer.from([log[0], "\0".repeat(512), ...log.slice(1)].join("\n"), "latin1"));
    const result = await ingest(expandSources([withNul]), { db });
    expect(result.files[0]?.refused).toBeNull();
    expect(result).toMatchObject({ status: "ready", events: 7, malformed: 1 });
  });

  it("reads a gzipped log that starts with a zeroed block longer than gzip's first chunk", async () => {
    // 40 KB of NULs, then the records: gunzip hands them over 16 KB at a time. The first record
    // is read past the NULs, as a record after a crash's zeroed block is.
    const zeroed = path.join(dir, "zeroed.log.gz");
    writeFileSync(
      zeroed,
      gzipSync(Buffer.concat([Buffer.alloc(40_000), readCorpus("audit-userspace/test.log")])),
    );
    const result = await ingest(expandSources([zeroed]), { db });
    expect(result.files[0]?.refused).toBeNull();
    expect(result).toMatchObject({ status: "ready", events: 7, malformed: 0 });
  });

  it("names the compression of a file compressed otherwise than with gzip", async () => {
    const xz = path.join(dir, "audit.log.1.xz");
    writeFileSync(xz, Buffer.from("fd377a585a000004e6d6b4460200210116000000742fe5a3", "hex"));
    // bzip2's first bytes hold no NUL: without its magic it would be read as text.
    const bzip2 = path.join(dir, "audit.log.2.bz2");
    writeFileSync(bzip2, Buffer.from("425a6839314159265359e8d287ff", "hex"));
    const result = await ingest(expandSources([xz, bzip2, corpusPath("audit-userspace/test.log")]), { db });
    expect(result.files.map((f) => f.refused)).toEqual([
      `${xz} is not an audit log (it is xz-compressed, and only gzip is read: unxz it first)`,
      `${bzip2} is not an audit log (it is bzip2-compressed, and only gzip is read: bunzip2 it first)`,
      null,
    ]);
    // Its bytes one at a time (a slow upload): the magic is looked for across chunks.
    const bytes = readFileSync(bzip2);
    async function* oneByOne() {
      for (const byte of bytes) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        yield Buffer.of(byte);
      }
    }
    const trickle = Readable.from(oneByOne());
    const streamed = await ingest(expandSources(["-"], trickle), { db });
    expect(streamed.files.map((f) => f.refused)).toEqual([
      "- is not an audit log (it is bzip2-compressed, and only gzip is read: bunzip2 it first)",
    ]);
  });

  it("looks for a record in the first 1000 non-empty lines, however the file is read", async () => {
    const records = readFileSync(corpusPath("audit-userspace/test.log"), "latin1");
    const junk = (n: number) => Array.from({ length: n }, (_, i) => `note ${i}\n`).join("");
    const files = {
      blank: `${"\n".repeat(1500)}${records}`,
      junk999: `${junk(999)}${records}`,
      junk1000: `${junk(1000)}${records}`,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text, "latin1");
    // One chunk holds all of each file: the count is of lines, not of what a chunk brought.
    const result = await ingest(expandSources(Object.keys(files).map((name) => path.join(dir, name))), {
      db,
    });
    expect(result.files.map((f) => [path.basename(f.path), f.events, f.refused])).toEqual([
      ["blank", 7, null],
      ["junk999", 7, null],
      [
        "junk1000",
        0,
        `${path.join(dir, "junk1000")} is not an audit log (no audit records in its first 1000 non-empty lines)`,
      ],
    ]);
  });

  it("does not stall on long lines or large events (more bytes in flight than a batch holds)", async () => {
    const records = readFileSync(corpusPath("audit-userspace/test.log"), "latin1");
    // 18 MB of 30 KB lines before the first record: read before the file is known to be a log.
    const longLines = path.join(dir, "long-lines.log");
    writeFileSync(longLines, `${`${"x".repeat(30_000)}\n`.repeat(600)}${records}`, "latin1");
    // 900 events of 12 KB: more than the in-flight limit before a batch of 1000 events is full.
    const bigEvents = path.join(dir, "big-events.log");
    const argument = "a".repeat(12_000);
    const event = (n: number) =>
      `type=SYSCALL msg=audit(1700000000.${String(n % 1000).padStart(3, "0")}:${n}): arch=c000003e syscall=59 success=yes exit=0 items=0 ppid=1 pid=${1000 + n} auid=0 uid=0 gid=0 euid=0 ses=1 comm="sh" exe="/bin/sh"\n` +
      `type=EXECVE msg=audit(1700000000.${String(n % 1000).padStart(3, "0")}:${n}): argc=2 a0="sh" a1="${argument}"\n`;
    writeFileSync(bigEvents, Array.from({ length: 900 }, (_, n) => event(n + 1)).join(""), "latin1");
    const result = await ingest(expandSources([longLines, bigEvents]), { db });
    expect(result.files.map((f) => [f.events, f.refused])).toEqual([
      [7, null],
      [900, null],
    ]);
  });

  it("creates nothing when every file is refused", async () => {
    const png = path.join(dir, "only.png");
    writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    const result = await ingest(expandSources([png]), { db });
    expect(result).toMatchObject({ dataset: null, status: "refused" });
    expect(db.prepare(`SELECT count(*) AS n FROM datasets`).get()).toEqual({ n: 0 });
  });

  it("keeps what a cut-short gzip gave, says where it stopped, and still ingests the rest", async () => {
    const whole = gzipSync(readCorpus("msticpy/auditd_log.txt"));
    const cut = path.join(dir, "cut.log.gz");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const headerOnly = path.join(dir, "header-only.log.gz");
    writeFileSync(headerOnly, whole.subarray(0, 12));
    // What the cut file decompresses to, up to where its data stops.
    const given = gunzipSync(whole.subarray(0, Math.floor(whole.length * 0.6)), {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
    });
    const givenLines = given.toString("latin1").split("\n").length;
    const plain = corpusPath("audit-userspace/test.log");
    const result = await ingest(expandSources([cut, headerOnly, plain]), { db });
    expect(result.status).toBe("ready");
    expect(result.files.map((f) => f.refused)).toEqual([
      null,
      `${headerOnly} could not be read: its gzip data is cut short before any audit record`,
      null,
    ]);
    const [fromCut, , fromPlain] = result.files;
    expect(fromCut).toMatchObject({ lines: givenLines, malformed: 1 });
    expect(fromCut?.events).toBeGreaterThan(500);
    expect(fromPlain?.events).toBe(7);
    const rows = db
      .prepare(`SELECT line, offset, code, message FROM malformed_lines WHERE dataset_id = ?`)
      .all(result.dataset);
    expect(rows).toEqual([
      {
        line: givenLines + 1,
        offset: given.length,
        code: "corrupt-gzip",
        message: "its gzip data is cut short: what it gave up to here was read, nothing after",
      },
    ]);
  });

  it("reads every line of a gzip followed by bytes that are not gzip, and notes those bytes", async () => {
    const log = readCorpus("msticpy/auditd_log.txt");
    const file = path.join(dir, "trailing.log.gz");
    writeFileSync(file, Buffer.concat([gzipSync(log), Buffer.from("XXXXXXXXgarbage")]));
    const result = await ingest(expandSources([file]), { db });
    const lines = log.toString("latin1").trimEnd().split("\n").length;
    expect(result.files[0]).toMatchObject({ refused: null, lines, malformed: 1 });
    const rows = db
      .prepare(`SELECT line, code, message FROM malformed_lines WHERE dataset_id = ?`)
      .all(result.dataset);
    expect(rows).toEqual([
      {
        line: lines + 1,
        code: "corrupt-gzip",
        message:
          "its gzip data is followed by bytes that are not gzip: all the gzip data was read, those bytes were not",
      },
    ]);
  });

  it("keeps where a gzip stopped even when the dataset already keeps as many malformed lines as it may", async () => {
    const junk = path.join(dir, "junk.log");
    const record =
      "type=USER_CMD msg=audit(1700000000.000:1): pid=1 uid=0 auid=0 ses=1 msg='cmd=6C73 res=success'";
    writeFileSync(junk, `${record}\n${"not a record\n".repeat(MALFORMED_KEPT + 5)}`);
    const first = await ingest(expandSources([junk]), { db });
    const whole = gzipSync(readCorpus("msticpy/auditd_log.txt"));
    const cut = path.join(dir, "cut-after-junk.log.gz");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    await ingest(expandSources([cut]), { db, dataset: first.dataset as number });
    const codes = db
      .prepare<[number], { code: string }>(
        `SELECT code FROM malformed_lines WHERE dataset_id = ? AND code = 'corrupt-gzip'`,
      )
      .all(first.dataset as number);
    expect(codes).toEqual([{ code: "corrupt-gzip" }]);
  });

  it("keeps malformed lines with file, line and reason, and counts them", async () => {
    const file = path.join(dir, "mixed.log");
    writeFileSync(
      file,
      `${readCorpus("audit-userspace/test.log").toString("latin1")}this is not a record\x1b[31m\n`,
    );
    const result = await ingest(expandSources([file]), { db });
    expect(result).toMatchObject({ status: "ready", malformed: 1, events: 7 });
    const rows = db
      .prepare(`SELECT line, code, excerpt FROM malformed_lines WHERE dataset_id = ?`)
      .all(result.dataset);
    expect(rows).toEqual([
      { line: 13, code: "no-audit-record", excerpt: Buffer.from("this is not a record\x1b[31m", "latin1") },
    ]);
  });

  it("gives the same sessions when only a few are held in memory at once", async () => {
    const sessionsOf = (dataset: number | null) =>
      db
        .prepare(
          `SELECT node, ses, auid, user_name, kind, addr, hostname, terminal, start_ms, end_ms, events,
            execs, failures, has_tty FROM sessions WHERE dataset_id = ? ORDER BY node, ses`,
        )
        .all(dataset);
    // Real hosts' logs: cron sessions by the hundred (vrl-devtest: 785), sshd, sudo.
    for (const log of ["vrl-devtest/audit.log", "msticpy/auditd_log.txt"]) {
      const sources = () => expandSources([corpusPath(log)]);
      const whole = await ingest(sources(), { db, name: "whole" });
      const parts = await ingest(sources(), { db, name: "parts", maxOpenSessions: 4 });
      expect(sessionsOf(whole.dataset).length).toBeGreaterThan(40);
      expect(sessionsOf(parts.dataset)).toEqual(sessionsOf(whole.dataset));
    }
  });

  it("derives sessions, processes and TTY rows", async () => {
    const result = await ingest(expandSources([corpusPath("go-libaudit/auparse/audit-rhel7.log")]), { db });
    const store = openStore(dbFile);
    try {
      const stats = getDatasetStats(store, result.dataset as number);
      expect(stats).toMatchObject({ ttyRecords: 3, events: 46, malformed: 1 });
      expect(stats?.sessions).toBeGreaterThan(0);
      const lines = db
        .prepare<[number], { lines: string }>(
          `SELECT lines FROM tty_input WHERE dataset_id = ? ORDER BY time_ms`,
        )
        .all(result.dataset as number);
      expect(lines.map((l) => (JSON.parse(l.lines) as { text: string }[]).map((x) => x.text))).toContainEqual(
        ["su - andrew_kroh"],
      );
    } finally {
      await closeStore(store);
    }
  });

  it("marks a dataset cancelled when the signal aborts, never ready", async () => {
    const controller = new AbortController();
    const big = path.join(dir, "cancel.log");
    writeFileSync(
      big,
      Buffer.concat(Array.from({ length: 4 }, () => readCorpus("selinux/sepolgen/test_data/httpd.log"))),
    );
    const result = await ingest(expandSources([big]), {
      db,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.events > 2000) controller.abort();
      },
    });
    expect(result.status).toBe("cancelled");
    expect(result.dataset).not.toBeNull();
    expect(statusOf(result.dataset)?.status).toBe("cancelled");
  });

  it("is cancelled while its input sends nothing (a pipe with no writer yet)", async () => {
    const controller = new AbortController();
    const silent = new PassThrough();
    setTimeout(() => controller.abort(), 200);
    const result = await ingest(expandSources(["-"], silent), { db, signal: controller.signal });
    expect(result.status).toBe("cancelled");
  });
});

/** Every row a dataset has, table by table, and its counts: what an undone ingest must leave as it was. */
const contentOf = (dataset: number | null) => {
  const count = (sql: string) => (db.prepare(sql).get(dataset) as { n: number }).n;
  return {
    datasets: db
      .prepare(
        `SELECT bytes, lines, records, events, malformed, first_ms, last_ms, nodes, summary FROM datasets WHERE id = ?`,
      )
      .get(dataset),
    files: db
      .prepare(
        `SELECT path, sha256, lines, records, events FROM source_files WHERE dataset_id = ? ORDER BY id`,
      )
      .all(dataset),
    sessions: db
      .prepare(
        `SELECT node, ses, auid, user_name, kind, addr, hostname, terminal, start_ms, end_ms, events,
          execs, failures, has_tty FROM sessions WHERE dataset_id = ? ORDER BY node, ses`,
      )
      .all(dataset),
    events: count(`SELECT count(*) AS n FROM events WHERE dataset_id = ?`),
    blocks: count(`SELECT count(*) AS n FROM raw_blocks WHERE dataset_id = ?`),
    processes: count(`SELECT count(*) AS n FROM processes WHERE dataset_id = ?`),
    tty: count(`SELECT count(*) AS n FROM tty_input WHERE dataset_id = ?`),
    malformed: count(`SELECT count(*) AS n FROM malformed_lines WHERE dataset_id = ?`),
    extra: count(
      `SELECT count(*) AS n FROM event_raw_extra x JOIN events e ON e.id = x.event_id WHERE e.dataset_id = ?`,
    ),
    reportEvents: count(`SELECT count(*) AS n FROM report_events WHERE dataset_id = ?`),
    reportKinds: count(`SELECT count(*) AS n FROM report_kinds WHERE dataset_id = ?`),
    reportItems: count(`SELECT count(*) AS n FROM report_items WHERE dataset_id = ?`),
    sessionParts: count(`SELECT count(*) AS n FROM session_parts WHERE dataset_id = ?`),
  };
};

describe.skipIf(!corpusAvailable)("an ingest that does not finish is undone", () => {
  // Real sessions first (cron by the hundred, set aside four at a time), then enough events that the
  // ingest is cancelled after its first transaction, with session parts and events committed.
  const mixed = () => {
    const file = path.join(dir, "mixed.log");
    const httpd = readCorpus("selinux/sepolgen/test_data/httpd.log");
    writeFileSync(file, Buffer.concat([readCorpus("vrl-devtest/audit.log"), httpd, httpd]));
    return file;
  };
  const first = () => expandSources([corpusPath("msticpy/auditd_log.txt")]);

  it("a cancelled ingest into a dataset leaves it as it was, and a retry gives what a clean ingest gives", async () => {
    const file = mixed();
    const options = { db, maxOpenSessions: 4 };
    const clean = await ingest(first(), { ...options, name: "clean" });
    await ingest(expandSources([file]), { ...options, dataset: clean.dataset as number });

    const kept = await ingest(first(), { ...options, name: "kept" });
    const before = contentOf(kept.dataset);
    const controller = new AbortController();
    let committed = 0;
    const cancelled = await ingest(expandSources([file]), {
      ...options,
      dataset: kept.dataset as number,
      signal: controller.signal,
      onProgress: (progress) => {
        committed = progress.events;
        if (progress.events > 0) controller.abort();
      },
    });
    expect(cancelled.status).toBe("cancelled");
    expect(committed).toBeGreaterThan(0);
    // The file it stopped in is listed, and nothing is counted as added.
    expect(cancelled).toMatchObject({ events: 0, records: 0, files: [{ path: file, refused: null }] });
    expect(cancelled.files[0]?.bytes).toBeGreaterThan(0);
    // Back as it was, it stays as usable as it was, with a word on what happened.
    expect(statusOf(kept.dataset)).toEqual({
      status: "ready",
      error: "adding files was cancelled by the user; the dataset holds what it held before",
    });
    expect(contentOf(kept.dataset)).toEqual(before);

    const retried = await ingest(expandSources([file]), { ...options, dataset: kept.dataset as number });
    expect(retried.status).toBe("ready");
    expect(contentOf(kept.dataset)).toEqual(contentOf(clean.dataset));
  });

  it("a request whose files are all refused leaves a dataset's status as it was", async () => {
    const kept = await ingest(first(), { db });
    db.prepare(`UPDATE datasets SET status = 'failed', error = 'earlier failure' WHERE id = ?`).run(
      kept.dataset,
    );
    const text = path.join(dir, "notes.txt");
    writeFileSync(text, "just some notes\n");
    const refused = await ingest(expandSources([text]), { db, dataset: kept.dataset as number });
    expect(refused.status).toBe("refused");
    expect(statusOf(kept.dataset)).toEqual({ status: "failed", error: "earlier failure" });
  });
});

describe.skipIf(!corpusAvailable)("an ingest killed mid-way", () => {
  it("is marked interrupted at the next start, and the rest of the database is intact", async () => {
    const big = path.join(dir, "big.log");
    const piece = readCorpus("selinux/sepolgen/test_data/httpd.log");
    writeFileSync(big, Buffer.concat(Array.from({ length: 6 }, () => piece)));
    const before = await ingest(expandSources([corpusPath("audit-userspace/test.log")]), {
      db,
      name: "kept",
    });
    db.close();

    await killOnceWriting(["--name", "killed", big], "killed");

    db = openDatabase(dbFile);
    const rows = db
      .prepare<[], { id: number; name: string; status: string }>(
        `SELECT id, name, status FROM datasets ORDER BY id`,
      )
      .all();
    expect(rows).toEqual([
      { id: before.dataset, name: "kept", status: "ready" },
      { id: expect.any(Number), name: "killed", status: "interrupted" },
    ]);
    expect(db.prepare(`PRAGMA integrity_check`).get()).toEqual({ integrity_check: "ok" });
    expect(
      db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM events WHERE dataset_id = ?`)
        .get(before.dataset as number)?.n,
    ).toBe(7);

    // Nothing of the killed ingest stays; adding the file again gives what a clean ingest gives.
    const killed = rows[1]?.id ?? null;
    const empty = contentOf(killed);
    expect(empty).toMatchObject({ files: [], sessions: [], events: 0, blocks: 0, processes: 0, tty: 0 });
    expect([empty.reportEvents, empty.reportItems, empty.extra, empty.malformed, empty.sessionParts]).toEqual(
      [0, 0, 0, 0, 0],
    );
    const retried = await ingest(expandSources([big]), { db, dataset: killed as number });
    const clean = await ingest(expandSources([big]), { db, name: "clean" });
    expect(retried.status).toBe("ready");
    expect(contentOf(killed)).toEqual(contentOf(clean.dataset));

    // Files being added to a ready dataset when the process is killed: it is back as it was, and ready.
    const kept = contentOf(before.dataset);
    db.close();
    await killOnceWriting(["--dataset", String(before.dataset), big], "kept");
    db = openDatabase(dbFile);
    expect(statusOf(before.dataset)).toEqual({
      status: "ready",
      error:
        "adding files stopped before it finished (the process ended); the dataset holds what it held before",
    });
    expect(contentOf(before.dataset)).toEqual(kept);
  }, 120_000);
});

/**
 * Runs `auditscope ingest --db dbFile ARGS` and kills it (SIGKILL) once the dataset named `name`
 * has more events committed than when it began.
 */
async function killOnceWriting(args: string[], name: string): Promise<void> {
  const reader = new Database(dbFile, { readonly: true, fileMustExist: true });
  const committed = () =>
    reader
      .prepare<[string], { n: number }>(
        `SELECT count(*) AS n FROM events WHERE dataset_id IN (SELECT id FROM datasets WHERE name = ?)`,
      )
      .get(name)?.n ?? 0;
  const from = committed();
  const child = spawn(path.resolve("bin/auditscope"), ["ingest", "--db", dbFile, ...args], {
    stdio: "ignore",
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (committed() > from) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve();
        } else if (Date.now() - started > 60_000 || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error("the ingest finished or never started writing before it could be killed"));
        }
      }, 20);
    });
    if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
  } finally {
    reader.close();
  }
}
