import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { closeStore, openStore, type Store } from "../store/db";
import { getEvent, SHOWN_FIELDS, SHOWN_RECORDS } from "./get-event";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-event-"));
let store: Store;
beforeAll(() => {
  store = openStore(path.join(dir, "event.db"));
});
afterAll(async () => {
  await closeStore(store);
  rmSync(dir, { recursive: true, force: true });
});

describe("an event for its page", () => {
  it("lists at most SHOWN_RECORDS records of SHOWN_FIELDS fields, saying how many more the raw lines hold", async () => {
    // A hostile event within the parser's limits: 700 records, one of them of 900 fields.
    const stamp = "msg=audit(1700000000.000:7):";
    const wide = Array.from({ length: 900 }, (_, i) => `f${i}=${i}`).join(" ");
    const lines = [
      `type=SYSCALL ${stamp} arch=c000003e syscall=2 success=yes exit=3 pid=1 uid=0 ${wide}`,
      ...Array.from({ length: 699 }, (_, i) => `type=PATH ${stamp} item=${i} name="/f${i}"`),
    ];
    const file = path.join(dir, "wide.log");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const result = await ingest(expandSources([file]), { db: store.db });
    const id = store.db
      .prepare<[number], { id: number }>(`SELECT id FROM events WHERE dataset_id = ?`)
      .get(result.dataset as number)?.id;
    const event = getEvent(store, result.dataset as number, id ?? 0);
    expect(event?.records).toHaveLength(SHOWN_RECORDS);
    expect(event?.recordsOmitted).toBe(700 - SHOWN_RECORDS);
    expect(event?.records[0]?.fields).toHaveLength(SHOWN_FIELDS);
    expect(event?.records[0]?.fieldsOmitted).toBe(906 - SHOWN_FIELDS);
    expect(event?.records[1]).toMatchObject({ type: "PATH", fieldsOmitted: 0 });
    expect(event?.raw.split("\n")).toHaveLength(700);
  });
});
