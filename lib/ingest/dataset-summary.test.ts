import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator } from "../generator/generate-log";
import { closeStore, openStore, type Store } from "../store/db";
import { readEventRaw } from "../store/raw-lines";
import { overviewBothWays } from "../testing/overview-both-ways";
import { type DatasetSummary, MAX_TIME_BUCKETS } from "./dataset-summary";
import { ingest } from "./ingest";
import { expandSources } from "./sources";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-summary-"));
let store: Store;
let first: string;
let second: string;
let whole: string;
let eventCount: number;

/** A generated log, and two files of it sharing their middle third: different contents (and sha256), some same events. */
function overlappingLogs(name: string, targetBytes: number) {
  const { chunks, truth } = createGenerator({ seed: 11, targetBytes, node: "web01" });
  const lines = [...chunks].join("").trimEnd().split("\n");
  const write = (part: string, from: number, to: number) => {
    const file = path.join(dir, `${name}-${part}.log`);
    writeFileSync(file, `${lines.slice(from, to).join("\n")}\n`, "latin1");
    return file;
  };
  return {
    events: truth.events,
    first: write("first", 0, Math.floor((lines.length * 2) / 3)),
    second: write("second", Math.floor(lines.length / 3), lines.length),
    whole: write("whole", 0, lines.length),
  };
}

beforeAll(() => {
  store = openStore(path.join(dir, "summary.db"));
  ({ events: eventCount, first, second, whole } = overlappingLogs("small", 2_000_000));
});
afterAll(async () => {
  await closeStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const overviews = (dataset: number) => overviewBothWays(store, dataset);

describe("counts kept at ingest, with overlapping files", () => {
  it("counts each event once when an overlapping file is added to the dataset", async () => {
    const one = await ingest(expandSources([first]), { db: store.db });
    await ingest(expandSources([second]), { db: store.db, dataset: one.dataset as number });
    const { fromCounts, fromTables } = overviews(one.dataset as number);
    expect(fromCounts.bucketMs).toBeGreaterThanOrEqual(60_000);
    expect(fromCounts).toEqual(fromTables);
    expect(fromCounts.counters.find((c) => c.label === "Events")?.value).toBe(eventCount);
    expect(fromCounts.hosts).toEqual([{ value: "web01", count: eventCount }]);
  });

  it("counts each event once when overlapping files come in one ingest", async () => {
    const both = await ingest(expandSources([first, second]), { db: store.db });
    const { fromCounts, fromTables } = overviews(both.dataset as number);
    expect(fromCounts).toEqual(fromTables);
    expect(fromCounts.hosts).toEqual([{ value: "web01", count: eventCount }]);
  });

  it("counts each session's events, execs and failures once across overlapping files", async () => {
    const sessions = (dataset: number | null) =>
      store.db
        .prepare<[number], { node: string; ses: number; events: number; execs: number; failures: number }>(
          `SELECT node, ses, events, execs, failures FROM sessions WHERE dataset_id = ? ORDER BY node, ses`,
        )
        .all(dataset ?? 0);
    const reference = sessions((await ingest(expandSources([whole]), { db: store.db })).dataset);
    expect(reference.some((s) => s.execs > 0)).toBe(true);
    const added = await ingest(expandSources([first]), { db: store.db });
    await ingest(expandSources([second]), { db: store.db, dataset: added.dataset as number });
    expect(sessions(added.dataset)).toEqual(reference);
    expect(sessions((await ingest(expandSources([first, second]), { db: store.db })).dataset)).toEqual(
      reference,
    );
  });
});

describe("rows derived from events, with overlapping or rotated files", () => {
  // Each table's rows, and those whose event is not stored (derived from an event skipped as a
  // duplicate: the event's rows may reach the writer a batch before the event itself).
  const derivedRows = (dataset: number | null) => {
    const count = (sql: string) =>
      store.db.prepare<[{ dataset: number }], { n: number }>(sql).get({ dataset: dataset ?? 0 })?.n ??
      Number.NaN;
    const orphan = (table: string) =>
      `SELECT count(*) FROM ${table} t WHERE t.dataset_id = @dataset AND t.event_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = t.event_id)`;
    return {
      search: count(
        `SELECT count(*) AS n FROM events_fts WHERE rowid IN (SELECT id FROM events WHERE dataset_id = @dataset)`,
      ),
      reportEvents: count(`SELECT count(*) AS n FROM report_events WHERE dataset_id = @dataset`),
      reportItems: count(`SELECT count(*) AS n FROM report_items WHERE dataset_id = @dataset`),
      tty: count(`SELECT count(*) AS n FROM tty_input WHERE dataset_id = @dataset`),
      processes: count(
        `SELECT count(*) AS n FROM processes WHERE dataset_id = @dataset AND event_id IS NOT NULL`,
      ),
      orphans: count(
        `SELECT (${orphan("report_events")}) + (${orphan("report_items")}) + (${orphan("tty_input")})
              + (${orphan("processes")})
              + (SELECT count(*) FROM events_fts f WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = f.rowid)) AS n`,
      ),
    };
  };

  /**
   * Each exec with what it is linked to (its parent, the exec it replaced), told by content (ids
   * differ between datasets), sorted; and how many links point at no row.
   */
  const processTree = (dataset: number | null) => {
    const of = (alias: string) =>
      `${alias}.node || ' ' || ${alias}.pid || ' ' || coalesce(${alias}.time_ms, '-') || ' ' || coalesce(${alias}.exe, '(not seen)')`;
    const rows = store.db
      .prepare<[number], { link: string; dangling: number }>(
        `SELECT ${of("c")} || ' <- ' || coalesce(${of("par")}, '-') || ' after ' || coalesce(${of("ch")}, '-') AS link,
           (c.parent_id IS NOT NULL AND par.id IS NULL) + (c.chain_prev_id IS NOT NULL AND ch.id IS NULL) AS dangling
         FROM processes c LEFT JOIN processes par ON par.id = c.parent_id LEFT JOIN processes ch ON ch.id = c.chain_prev_id
         WHERE c.dataset_id = ? AND c.placeholder = 0`,
      )
      .all(dataset ?? 0);
    // A placeholder (`pid N (not seen)`) no row points at is an empty root in the session's tree.
    const unused = store.db
      .prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM processes ph WHERE ph.dataset_id = ? AND ph.placeholder = 1
           AND NOT EXISTS (SELECT 1 FROM processes c WHERE c.dataset_id = ph.dataset_id AND c.parent_id = ph.id)
           AND NOT EXISTS (SELECT 1 FROM processes c WHERE c.dataset_id = ph.dataset_id AND c.chain_prev_id = ph.id)`,
      )
      .get(dataset ?? 0)?.n;
    return {
      execs: rows.map((r) => r.link).sort(),
      dangling: rows.reduce((n, r) => n + r.dangling, 0),
      unusedPlaceholders: unused,
    };
  };

  it("keeps each event's derived rows once, as a clean ingest of the whole log does", async () => {
    // Long enough that the overlap spans several batches and raw blocks.
    const big = overlappingLogs("big", 8_000_000);
    const refId = (await ingest(expandSources([big.whole]), { db: store.db })).dataset;
    const reference = derivedRows(refId);
    expect(reference.reportEvents).toBeGreaterThan(0);
    expect(reference.processes).toBeGreaterThan(0);
    const added = await ingest(expandSources([big.first]), { db: store.db });
    await ingest(expandSources([big.second]), { db: store.db, dataset: added.dataset as number });
    expect(derivedRows(added.dataset)).toEqual({ ...reference, orphans: 0 });
    const both = await ingest(expandSources([big.first, big.second]), { db: store.db });
    expect(derivedRows(both.dataset)).toEqual({ ...reference, orphans: 0 });
    // Every exec linked as one ingest of the whole log links it: an exec whose parent's row was
    // one of the skipped duplicates, or exec'd in the file added before, is linked to that stored row.
    const referenceTree = processTree(refId);
    expect(referenceTree).toMatchObject({ dangling: 0, unusedPlaceholders: 0 });
    expect(referenceTree.execs.filter((link) => !link.includes("<- -")).length).toBeGreaterThan(1000);
    expect(processTree(added.dataset)).toEqual(referenceTree);
    expect(processTree(both.dataset)).toEqual(referenceTree);
  });

  /**
   * Every event as stored, told by content (ids, files and lines differ between datasets), sorted;
   * with where its lines are kept (one block, or a block and lines that came later) unless not asked.
   */
  const eventRows = (dataset: number | null, rawLength = true) =>
    store.db
      .prepare<[number, number], { row: string }>(
        `SELECT json_array(node, time_ms, serial, types, record_count, syscall, success, pid, ppid, auid,
           ses, comm, exe, keys, actor, action, object, result, CASE WHEN ? THEN raw_length END) AS row
         FROM events WHERE dataset_id = ?`,
      )
      .all(rawLength ? 1 : 0, dataset ?? 0)
      .map((r) => r.row)
      .sort();

  /** aureport's rows of every event, told by content, sorted. */
  const reportRows = (dataset: number | null) =>
    store.db
      .prepare<[number], { row: string }>(
        `SELECT json_array(serial, time_ms, sub, variant, head, success, pid, syscall, loginuid, uid, session,
           acct, hostname, terminal, exe, comm, file, key, files, keys, counts, listed, ranked) AS row
         FROM report_events WHERE dataset_id = ?`,
      )
      .all(dataset ?? 0)
      .map((r) => r.row)
      .sort();

  it("keeps an event whose records a rotation split between two files whole, as the whole log gives it", async () => {
    const { chunks } = createGenerator({ seed: 5, targetBytes: 3_000_000, node: "web01" });
    const lines = [...chunks].join("").trimEnd().split("\n");
    const stamp = (line: string | undefined) => line?.match(/msg=audit\(([^)]*)\)/)?.[1];
    // Cut where an exec's SYSCALL record ends a file and its EXECVE record begins the next, as
    // auditd's rotation does when it falls between an event's records.
    const cutNear = (share: number) => {
      for (let i = Math.floor(lines.length * share); i < lines.length; i++) {
        if (lines[i - 1]?.includes("syscall=59") && lines[i]?.includes(" type=EXECVE ")) {
          if (stamp(lines[i - 1]) === stamp(lines[i])) return i;
        }
      }
      throw new Error("no exec to cut at");
    };
    const cuts = [0, cutNear(1 / 3), cutNear(2 / 3), lines.length];
    const rotated = path.join(dir, "rotated");
    mkdirSync(rotated, { recursive: true });
    // Oldest first: audit.log.2, audit.log.1, then the live audit.log.
    ["audit.log.2", "audit.log.1", "audit.log"].forEach((name, i) => {
      writeFileSync(path.join(rotated, name), `${lines.slice(cuts[i], cuts[i + 1]).join("\n")}\n`, "latin1");
    });
    const whole = path.join(dir, "rotated-whole.log");
    writeFileSync(whole, `${lines.join("\n")}\n`, "latin1");

    const refId = (await ingest(expandSources([whole]), { db: store.db })).dataset;
    const result = await ingest(expandSources([rotated]), { db: store.db });
    expect(result.status).toBe("ready");
    expect(eventRows(result.dataset)).toEqual(eventRows(refId));
    expect(derivedRows(result.dataset)).toEqual({ ...derivedRows(refId), orphans: 0 });
    expect(processTree(result.dataset)).toEqual(processTree(refId));
    // The split exec has its arguments (they were in the second file).
    const argv = (dataset: number | null, at: number) =>
      store.db
        .prepare<[number, number], { argv: string | null }>(
          `SELECT p.argv FROM processes p JOIN events e ON e.id = p.event_id
           WHERE p.dataset_id = ? AND e.serial = ?`,
        )
        .get(dataset ?? 0, Number(stamp(lines[at])?.split(":")[1]))?.argv;
    expect(argv(result.dataset, cuts[1] as number)).toBeTruthy();
    expect(argv(result.dataset, cuts[1] as number)).toBe(argv(refId, cuts[1] as number));
    // Each event is counted, and stored, with the file it began in.
    const perFile = store.db
      .prepare<[number], { path: string; events: number; stored: number }>(
        `SELECT f.path, f.events, (SELECT count(*) FROM events e WHERE e.file_id = f.id) AS stored
         FROM source_files f WHERE f.dataset_id = ? ORDER BY f.id`,
      )
      .all(result.dataset as number);
    expect(perFile.map((f) => f.events)).toEqual(perFile.map((f) => f.stored));
    expect(result.files.map((f) => f.events)).toEqual(perFile.map((f) => f.events));
    expect(result.events).toBe(eventRows(refId).length);
    expect(reportRows(result.dataset)).toEqual(reportRows(refId));
    // Named one by one newest first, as a shell's audit.log* names them: read oldest first all the same.
    const named = ["audit.log", "audit.log.1", "audit.log.2"].map((name) => path.join(rotated, name));
    const byName = await ingest(expandSources(named), { db: store.db });
    expect(byName.files.map((f) => path.basename(f.path))).toEqual([
      "audit.log.2",
      "audit.log.1",
      "audit.log",
    ]);
    expect(eventRows(byName.dataset)).toEqual(eventRows(refId));
  });

  /** A generated log's lines, and the first past its middle that is an exec's EXECVE after its SYSCALL. */
  const logWithExecCut = (seed: number, targetBytes: number) => {
    const { chunks } = createGenerator({ seed, targetBytes, node: "web01" });
    const lines = [...chunks].join("").trimEnd().split("\n");
    const cut = lines.findIndex(
      (line, i) =>
        i > lines.length / 2 && line.includes(" type=EXECVE ") && lines[i - 1]?.includes("syscall=59"),
    );
    return { lines, cut };
  };

  it("derives an event again when the rest of its records comes in a later ingest (a log copied as it grew)", async () => {
    // The first copy ends in an exec's EXECVE line, cut short as it was being written; the second,
    // made later, holds the whole log.
    const { lines, cut } = logWithExecCut(7, 1_000_000);
    const early = path.join(dir, "grown-early.log");
    const cutLine = lines[cut] as string;
    writeFileSync(
      early,
      `${lines.slice(0, cut).join("\n")}\n${cutLine.slice(0, cutLine.indexOf(" a0=") + 6)}`,
      "latin1",
    );
    const later = path.join(dir, "grown-later.log");
    writeFileSync(later, `${lines.join("\n")}\n`, "latin1");
    const refId = (await ingest(expandSources([later]), { db: store.db })).dataset;
    const first = await ingest(expandSources([early]), { db: store.db });
    const second = await ingest(expandSources([later]), { db: store.db, dataset: first.dataset as number });
    expect(second).toMatchObject({ status: "ready", duplicates: first.events - 1 });
    expect(eventRows(first.dataset, false)).toEqual(eventRows(refId, false));
    expect(reportRows(first.dataset)).toEqual(reportRows(refId));
    expect(derivedRows(first.dataset)).toEqual({ ...derivedRows(refId), orphans: 0 });
    expect(processTree(first.dataset)).toEqual(processTree(refId));
    const { fromCounts, fromTables } = overviews(first.dataset as number);
    expect(fromCounts).toEqual(fromTables);
    expect(fromCounts).toEqual(overviews(refId as number).fromCounts);
    // The cut-short line the whole one replaced is not counted as a record of its own.
    const records = (dataset: number | null) =>
      store.db
        .prepare<[number], { counted: number; stored: number }>(
          `SELECT records AS counted, (SELECT sum(record_count) FROM events WHERE dataset_id = d.id) AS stored
           FROM datasets d WHERE id = ?`,
        )
        .get(dataset ?? 0);
    expect(records(first.dataset)).toEqual(records(refId));
    expect(records(refId)?.counted).toBe(records(refId)?.stored);
  });

  it("keeps a split event's records in log order when the older of its two files is added last", async () => {
    // An exec whose SYSCALL record ends the older file; its EXECVE and the rest begin the newer.
    const { lines, cut } = logWithExecCut(8, 400_000);
    const part = (name: string, text: string[]) => {
      const file = path.join(dir, name);
      writeFileSync(file, `${text.join("\n")}\n`, "latin1");
      return file;
    };
    const refId = (await ingest(expandSources([part("order-whole.log", lines)]), { db: store.db })).dataset;
    const newer = await ingest(expandSources([part("order-newer.log", lines.slice(cut))]), { db: store.db });
    const dataset = newer.dataset as number;
    await ingest(expandSources([part("order-older.log", lines.slice(0, cut))]), { db: store.db, dataset });
    expect(eventRows(dataset, false)).toEqual(eventRows(refId, false));
    expect(reportRows(dataset)).toEqual(reportRows(refId));
    expect(processTree(dataset)).toEqual(processTree(refId));
    // The detail view's lines of the split event read as the log has them.
    const serial = Number(lines[cut]?.match(/msg=audit\([^:]*:(\d+)\)/)?.[1]);
    const eventLines = (dataset: number | null) => {
      const id = store.db
        .prepare<[number, number], { id: number }>(
          `SELECT id FROM events WHERE dataset_id = ? AND serial = ?`,
        )
        .get(dataset ?? 0, serial)?.id;
      return readEventRaw(store.db, id ?? 0)?.toString("latin1");
    };
    expect(eventLines(dataset)?.split("\n")[0]).toContain("syscall=59");
    expect(eventLines(dataset)).toBe(eventLines(refId));
  });

  it("lets no record of a file refused as not a log into the events of the files around it", async () => {
    const { chunks } = createGenerator({ seed: 6, targetBytes: 200_000, node: "web01" });
    const lines = [...chunks].join("").trimEnd().split("\n");
    const cut = lines.findIndex((line, i) => i > lines.length / 2 && line.includes(" type=EXECVE "));
    const part = (name: string, text: string[]) => {
      const file = path.join(dir, name);
      writeFileSync(file, `${text.join("\n")}\n`, "latin1");
      return file;
    };
    // Records after the first 1000 lines of text: the file is not an audit log, and none of it
    // may reach the event left open by the file before.
    const notes = Array.from({ length: 1000 }, (_, i) => `note ${i}`);
    const stray = `${lines[cut - 1]?.replace(/syscall=59/, "syscall=2")}`;
    const whole = part("refused-whole.log", lines);
    const files = [
      part("refused-a.log", lines.slice(0, cut)),
      part("refused-b.log", [...notes, stray, lines[cut] as string]),
      part("refused-c.log", lines.slice(cut)),
    ];
    const refId = (await ingest(expandSources([whole]), { db: store.db })).dataset;
    const result = await ingest(expandSources(files), { db: store.db });
    expect(result.files.map((f) => f.refused !== null)).toEqual([false, true, false]);
    expect(eventRows(result.dataset)).toEqual(eventRows(refId));
  });
});

describe("counts kept at ingest, for names a log may give anything", () => {
  // Ten minutes apart: the overview counts them at ingest (bars of a short log are counted from the tables).
  const logOf = (name: string, node: string, exe: string, key: string, from: number, count: number) => {
    const file = path.join(dir, name);
    const lines: string[] = [];
    for (let i = from; i < from + count; i++) {
      lines.push(
        `node=${node} type=SYSCALL msg=audit(${1_700_000_000 + i * 600}.000:${i}): arch=c000003e syscall=2 success=no exit=-13 pid=1 uid=0 auid=1000 ses=1 comm="x" exe="${exe}" key="${key}"\n`,
      );
    }
    writeFileSync(file, lines.join(""), "latin1");
    return file;
  };

  it("counts hosts, programs and keys named like an object's own properties in files added later", async () => {
    const result = await ingest(expandSources([logOf("plain.log", "h1", "/bin/x", "k", 1, 2)]), {
      db: store.db,
    });
    const dataset = result.dataset as number;
    // Names every object inherits, first seen in the second file.
    await ingest(expandSources([logOf("proto.log", "__proto__", "constructor", "toString", 3, 3)]), {
      db: store.db,
      dataset,
    });
    await ingest(expandSources([logOf("ctor.log", "constructor", "valueOf", "__proto__", 6, 1)]), {
      db: store.db,
      dataset,
    });
    const { fromCounts, fromTables } = overviews(dataset);
    expect(fromCounts.hosts).toEqual([
      { value: "__proto__", count: 3 },
      { value: "h1", count: 2 },
      { value: "constructor", count: 1 },
    ]);
    expect(fromCounts).toEqual(fromTables);
  });
});

describe("counts kept at ingest, for a log spread over months", () => {
  const userCommand = (timeMs: number, serial: number) =>
    `type=USER_CMD msg=audit(${(timeMs / 1000).toFixed(3)}:${serial}): pid=1 uid=0 auid=1000 ses=1 msg='cwd="/" cmd=6C73 exe="/usr/bin/sudo" terminal=pts/0 res=${serial % 7 === 0 ? "failed" : "success"}'\n`;
  const logOf = (name: string, startMs: number, count: number, stepMs: number) => {
    const file = path.join(dir, name);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(userCommand(startMs + i * stepMs, i + 1));
    writeFileSync(file, lines.join(""), "latin1");
    return file;
  };

  it("keeps at most MAX_TIME_BUCKETS time buckets, and the chart stays exact", async () => {
    // 110,000 events 90 s apart: as many distinct minutes, over 114 days.
    const spread = logOf("spread.log", Date.UTC(2025, 0, 1), 110_000, 90_000);
    const result = await ingest(expandSources([spread]), { db: store.db });
    const dataset = result.dataset as number;
    const summary = () =>
      JSON.parse(
        store.db
          .prepare<[number], { summary: string }>(`SELECT summary FROM datasets WHERE id = ?`)
          .get(dataset)?.summary ?? "null",
      ) as DatasetSummary;
    expect(summary().minutes.length).toBeLessThanOrEqual(MAX_TIME_BUCKETS);
    expect(summary().bucketMs).toBe(3_600_000);
    // A file counted in minutes, added to it: the two are counted at the wider width.
    const later = logOf("later.log", Date.UTC(2025, 5, 1), 500, 61_000);
    await ingest(expandSources([later]), { db: store.db, dataset });
    expect(summary().bucketMs).toBe(3_600_000);
    const { fromCounts, fromTables } = overviews(dataset);
    expect(fromCounts.buckets.reduce((n, b) => n + b.success + b.failed + b.other, 0)).toBe(110_500);
    expect(fromCounts).toEqual(fromTables);
  });
});
