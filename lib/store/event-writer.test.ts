import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventFacts } from "../audit/event-facts";
import { parseBuffer } from "../audit/parser";
import { summarize } from "../audit/summary";
import { eventRow } from "../ingest/batch-builder";
import { datasetIdBase } from "../ingest/ids";
import { EVENT_COLUMN, type EventTuple, emptyBatch } from "../ingest/write-batch";
import { createDataset } from "./datasets";
import { openDatabase } from "./db";
import { EventWriter } from "./event-writer";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-writer-"));
const db = openDatabase(path.join(dir, "writer.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stored event's row as the parse side builds it, for a one-record USER event. */
function eventTuple(id: number, serial: number): EventTuple {
  const [event] = parseBuffer(
    Buffer.from(`type=USER msg=audit(1700000000.000:${serial}): pid=1 uid=0 msg='x'\n`),
  ).events;
  if (!event) throw new Error("no event");
  const facts = eventFacts(event);
  return eventRow({
    id,
    fileId: 1,
    event,
    facts,
    summary: summarize(facts),
    blockId: 1,
    offset: 0,
    rawLength: 10,
  });
}

describe("EventWriter", () => {
  const dataset = createDataset(db, "writer");
  const base = datasetIdBase(dataset);
  const writer = new EventWriter(db, dataset, base);
  const count = () =>
    db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM events WHERE dataset_id = ?`).get(dataset)
      ?.n;

  it("skips an event the dataset already has, and says so", () => {
    writer.writeBatch({ ...emptyBatch(), events: [eventTuple(base + 1, 7)] });
    writer.writeBatch({ ...emptyBatch(), events: [eventTuple(base + 2, 7)] });
    expect(count()).toBe(1);
    expect(writer.skippedEvents).toBe(true);
  });

  it("fails on a row the store refuses for any other reason, rather than counting it a duplicate", () => {
    const noAction = eventTuple(base + 3, 8);
    (noAction as unknown[])[EVENT_COLUMN.action] = null;
    expect(() => writer.writeBatch({ ...emptyBatch(), events: [noAction] })).toThrow(/NOT NULL/);
    expect(count()).toBe(1);
  });
});
