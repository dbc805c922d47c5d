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
