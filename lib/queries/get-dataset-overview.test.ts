import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSource } from "../ingest/demo";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { closeStore, openStore, type Store } from "../store/db";
import { corpusAvailable, corpusPath } from "../testing/corpus";
import { overviewBothWays } from "../testing/overview-both-ways";
import { bucketFor } from "./get-dataset-overview";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-overview-"));
let store: Store;
beforeAll(() => {
  store = openStore(path.join(dir, "overview.db"));
});
afterAll(async () => {
  await closeStore(store);
  rmSync(dir, { recursive: true, force: true });
});

const overviews = (dataset: number) => overviewBothWays(store, dataset);

describe("the dataset overview", () => {
  it("picks readable bucket widths for any range", () => {
    expect(bucketFor(60_000)).toBe(1000);
    expect(bucketFor(3_600_000)).toBe(60_000);
    expect(bucketFor(8 * 3_600_000)).toBe(5 * 60_000);
    expect(bucketFor(15 * 86_400_000)).toBe(3 * 3_600_000);
    expect(bucketFor(400 * 86_400_000)).toBe(7 * 86_400_000);
  });

  it("counted at ingest, says exactly what the tables say (generated log, several hours)", async () => {
    const result = await ingest([demoSource({ seed: 5, targetBytes: 3_000_000, node: "web01" }).source], {
      db: store.db,
    });
    const { fromCounts, fromTables } = overviews(result.dataset as number);
    expect(fromCounts.bucketMs).toBeGreaterThanOrEqual(60_000);
    expect(fromCounts).toEqual(fromTables);
    expect(fromCounts.counters.find((c) => c.label === "Events")?.value).toBe(result.events);
    expect(fromCounts.hosts).toEqual([{ value: "web01", count: result.events }]);
  });

  it.skipIf(!corpusAvailable)("adds up over two ingests into one dataset (msticpy, then rhel7)", async () => {
    const first = await ingest(expandSources([corpusPath("msticpy/auditd_log.txt")]), { db: store.db });
    await ingest(expandSources([corpusPath("go-libaudit/auparse/audit-rhel7.log")]), {
      db: store.db,
      dataset: first.dataset as number,
    });
    const { fromCounts, fromTables } = overviews(first.dataset as number);
    expect(fromCounts).toEqual(fromTables);
    expect(fromCounts.counters.find((c) => c.label === "Events")?.value).toBe(938 + 46);
  });
});
