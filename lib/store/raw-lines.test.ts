import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { openDatabase } from "./db";
import { readEventRaw } from "./raw-lines";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-raw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stamp = (second: number, serial: number) => `msg=audit(${1_700_000_000 + second}.000:${serial}):`;
const split = stamp(5, 50);
const other = (second: number, serial: number) =>
  `type=USER_CMD ${stamp(second, serial)} pid=30 uid=0 auid=1000 ses=3 msg='cmd=6C73 res=success'`;
const records = [
  `type=SYSCALL ${split} arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=20 auid=1000 uid=1000 ses=3 comm="x" exe="/bin/x"`,
  `type=EXECVE ${split} argc=1 a0="x"`,
  `type=CWD ${split} cwd="/"`,
  `type=EOE ${split}`,
];

describe("an event's lines split between files added in any order", () => {
  it("read in log order, even when the files begin in the event's millisecond", async () => {
    // The first file begins earlier; the second holds one record only; the third begins with the rest.
    const files = [[other(1, 10), records[0]], [records[1]], [records[2], records[3], other(9, 90)]].map(
      (lines, i) => {
        const file = path.join(dir, `part${i}.log`);
        writeFileSync(file, `${lines.join("\n")}\n`);
        return file;
      },
    );
    for (const order of [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]) {
      const db = openDatabase(path.join(dir, `t${order.join("")}.db`));
      let dataset: number | undefined;
      for (const i of order) {
        dataset = (await ingest(expandSources([files[i] as string]), { db, dataset })).dataset as number;
      }
      const id = db
        .prepare<[number], { id: number }>(`SELECT id FROM events WHERE dataset_id = ? AND serial = 50`)
        .get(dataset ?? 0)?.id;
      expect({ order, lines: readEventRaw(db, id ?? 0)?.toString("latin1") }).toEqual({
        order,
        lines: records.join("\n"),
      });
      db.close();
    }
  });
});

describe("an event's identical records that came apart in one file", () => {
  it("keeps both, as lines of the file, when the second came after the event was complete, and counts the event once", async () => {
    // Two AVC_PATH alike (one decision naming the same path twice), the second minutes later.
    const avc = `type=AVC ${stamp(0, 1)} avc:  denied  { read } for  pid=1 comm="a" name="x" tclass=file`;
    const path1 = `type=AVC_PATH ${stamp(0, 1)}  path="/x"`;
    const between = Array.from({ length: 40 }, (_, i) => other(100 + i, 10 + i));
    const file = path.join(dir, "apart.log");
    writeFileSync(file, `${[avc, path1, ...between, path1].join("\n")}\n`);
    const db = openDatabase(path.join(dir, "apart.db"));
    const result = await ingest(expandSources([file]), { db });
    const dataset = result.dataset as number;
    // And the file holds 41 events, not 42: the late record is one more of an event it counted.
    expect([result.events, result.files[0]?.events]).toEqual([41, 41]);
    expect(
      db
        .prepare<[number], { events: number }>(`SELECT events FROM source_files WHERE dataset_id = ?`)
        .get(dataset)?.events,
    ).toBe(41);
    const event = db
      .prepare<[number], { id: number; record_count: number }>(
        `SELECT id, record_count FROM events WHERE dataset_id = ? AND serial = 1`,
      )
      .get(dataset);
    expect(readEventRaw(db, event?.id ?? 0)?.toString("latin1")).toBe([avc, path1, path1].join("\n"));
    expect(event?.record_count).toBe(3);
    db.close();
  });
});
