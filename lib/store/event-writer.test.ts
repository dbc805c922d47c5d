import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { datasetIdBase } from "../ingest/ids";
import { type EventTuple, emptyBatch } from "../ingest/write-batch";
import { createDataset } from "./datasets";
import { openDatabase } from "./db";
import { EventWriter } from "./event-writer";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-writer-"));
const db = openDatabase(path.join(dir, "writer.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function eventTuple(id: number, serial: number, action: string | null): EventTuple {
  return [
    id,
    1,
    1,
    "web01",
    1_700_000_000_000,
    serial,
    "USER",
    1,
    null,
    null,
    null,
    null,
    1,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    action as string,
    null,
    null,
    1,
    0,
    10,
  ];
}

describe("EventWriter", () => {
  const dataset = createDataset(db, "writer");
  const base = datasetIdBase(dataset);
  const writer = new EventWriter(db, dataset, base);
  const count = () =>
    db.prepare<[number], { n: number }>(`SELECT count(*) AS n FROM events WHERE dataset_id = ?`).get(dataset)
      ?.n;

  it("skips an event the dataset already has, and says so", () => {
    writer.writeBatch({ ...emptyBatch(), events: [eventTuple(base + 1, 7, "acted")] });
    writer.writeBatch({ ...emptyBatch(), events: [eventTuple(base + 2, 7, "acted")] });
    expect(count()).toBe(1);
    expect(writer.skippedEvents).toBe(true);
  });

  it("fails on a row the store refuses for any other reason, rather than counting it a duplicate", () => {
    expect(() => writer.writeBatch({ ...emptyBatch(), events: [eventTuple(base + 3, 8, null)] })).toThrow(
      /NOT NULL/,
    );
    expect(count()).toBe(1);
  });
});
