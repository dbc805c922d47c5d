import type Database from "better-sqlite3";
import type { DatasetSummary } from "../ingest/dataset-summary";
import type { Store } from "../store/db";

export interface Bucket {
  startMs: number;
  success: number;
  failed: number;
  other: number;
}

export interface TopItem {
  value: string;
  count: number;
}

export interface DatasetOverview {
  counters: { label: string; value: number }[];
  bucketMs: number;
  buckets: Bucket[];
  users: TopItem[];
  executables: TopItem[];
  keys: TopItem[];
  hosts: TopItem[];
  failedSyscalls: TopItem[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Bucket widths an analyst reads easily, smallest first.
const BUCKETS = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  7 * DAY,
  30 * DAY,
];
const MAX_BUCKETS = 150;
/** How a host without a node name is listed. */
export const NO_NODE = "(no node name)";

/** The smallest readable bucket that draws the range in at most 150 bars. */
export function bucketFor(rangeMs: number): number {
  return BUCKETS.find((width) => rangeMs / width <= MAX_BUCKETS) ?? 30 * DAY;
}

function top(db: Database.Database, sql: string, datasetId: number): TopItem[] {
  return db
    .prepare<[number], { value: string | number | null; count: number }>(sql)
    .all(datasetId)
    .map((row) => ({ value: row.value === null ? "(none)" : String(row.value), count: row.count }));
}

function topOf(counts: Record<string, number>, label: (value: string) => string = (v) => v): TopItem[] {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 10)
    .map(([value, count]) => ({ value: label(value), count }));
}

/**
 * Everything the dataset overview page shows. From the counts gathered at ingest when the
 * dataset has them (a large dataset is never scanned for its overview), else from the tables.
 */
export function getDatasetOverview(
  store: Store,
  datasetId: number,
  firstMs: number,
  lastMs: number,
): DatasetOverview {
  const bucketMs = bucketFor(Math.max(lastMs - firstMs, 1));
  const row = store.db
    .prepare<[number], { summary: string | null; events: number }>(
      `SELECT summary, events FROM datasets WHERE id = ?`,
    )
    .get(datasetId);
  const summary = row?.summary ? (JSON.parse(row.summary) as DatasetSummary) : null;
  // Bars narrower than the buckets counted at ingest (a short log drawn in seconds) need the tables.
  if (!row || !summary || bucketMs < (summary.bucketMs ?? MINUTE)) {
    return overviewFromTables(store, datasetId, firstMs, bucketMs);
  }
  const one = (sql: string) => store.db.prepare<[number], { n: number }>(sql).get(datasetId)?.n ?? 0;
  // Names of raw (not ENRICHED) logs come from the logins: the sessions table is small.
  const sessionNames = new Map(
    store.db
      .prepare<[number], { auid: number; name: string }>(
        `SELECT auid, min(user_name) AS name FROM sessions WHERE dataset_id = ? AND auid IS NOT NULL AND user_name IS NOT NULL GROUP BY auid`,
      )
      .all(datasetId)
      .map((r) => [r.auid, r.name]),
  );
  const buckets = new Map<number, Bucket>();
  for (const [counted, success, failed, other] of summary.minutes) {
    const startMs = Math.floor(counted / bucketMs) * bucketMs;
    const bucket = buckets.get(startMs) ?? { startMs, success: 0, failed: 0, other: 0 };
    bucket.success += success;
    bucket.failed += failed;
    bucket.other += other;
    buckets.set(startMs, bucket);
  }
  return {
    counters: [
      { label: "Events", value: row.events },
      { label: "Failed events", value: summary.failed },
      { label: "Sessions", value: one("SELECT count(*) AS n FROM sessions WHERE dataset_id = ?") },
      {
        label: "Processes",
        value: one("SELECT count(*) AS n FROM processes WHERE dataset_id = ? AND placeholder = 0"),
      },
      { label: "Users (auid)", value: Object.keys(summary.auids).length },
      { label: "Executables", value: Object.keys(summary.exes).length },
      { label: "TTY records", value: one("SELECT count(*) AS n FROM tty_input WHERE dataset_id = ?") },
      { label: "Failed logins", value: summary.failedLogins },
    ],
    bucketMs,
    buckets: [...buckets.values()].sort((a, b) => a.startMs - b.startMs),
    users: topOf(summary.auids, (auid) => {
      const name = summary.auidNames[auid] ?? sessionNames.get(Number(auid));
      return name ? `${auid} (${name})` : auid;
    }),
    executables: topOf(summary.exes),
    keys: topOf(summary.keys),
    hosts: topOf(summary.nodes, (node) => node || NO_NODE),
    failedSyscalls: topOf(summary.failedSyscalls),
  };
}

/** The same, counted from the tables: small datasets, and ones ingested before counts were kept. */
function overviewFromTables(
  store: Store,
  datasetId: number,
  firstMs: number,
  bucketMs: number,
): DatasetOverview {
  const { db } = store;
  const buckets = db
    .prepare<[bigint, bigint, number, number, bigint], Bucket>(
      `SELECT (time_ms / ?) * ? AS startMs, coalesce(sum(success = 1), 0) AS success, coalesce(sum(success = 0), 0) AS failed,
              sum(success IS NULL) AS other
       FROM events WHERE dataset_id = ? AND time_ms >= ? GROUP BY time_ms / ? ORDER BY startMs`,
    )
    // Bound as integers: better-sqlite3 binds a JS number as REAL, and REAL division would not bucket.
    .all(BigInt(bucketMs), BigInt(bucketMs), datasetId, firstMs, BigInt(bucketMs));
  const one = (sql: string) => db.prepare<[number], { n: number }>(sql).get(datasetId)?.n ?? 0;
  return {
    counters: [
      { label: "Events", value: one("SELECT count(*) AS n FROM events WHERE dataset_id = ?") },
      {
        label: "Failed events",
        value: one("SELECT count(*) AS n FROM events WHERE dataset_id = ? AND success = 0"),
      },
      { label: "Sessions", value: one("SELECT count(*) AS n FROM sessions WHERE dataset_id = ?") },
      {
        label: "Processes",
        value: one("SELECT count(*) AS n FROM processes WHERE dataset_id = ? AND placeholder = 0"),
      },
      {
        label: "Users (auid)",
        value: one("SELECT count(DISTINCT auid) AS n FROM events WHERE dataset_id = ? AND auid IS NOT NULL"),
      },
      {
        label: "Executables",
        value: one("SELECT count(DISTINCT exe) AS n FROM events WHERE dataset_id = ? AND exe IS NOT NULL"),
      },
      { label: "TTY records", value: one("SELECT count(*) AS n FROM tty_input WHERE dataset_id = ?") },
      {
        label: "Failed logins",
        value: one(
          "SELECT count(*) AS n FROM events WHERE dataset_id = ? AND types LIKE 'USER_LOGIN%' AND success = 0",
        ),
      },
    ],
    bucketMs,
    buckets,
    users: top(
      db,
      `SELECT e.auid || coalesce(' (' || (SELECT min(s.user_name) FROM sessions s WHERE s.dataset_id = e.dataset_id AND s.auid = e.auid) || ')', '') AS value,
              count(*) AS count
       FROM events e WHERE e.dataset_id = ? AND e.auid IS NOT NULL GROUP BY e.auid ORDER BY count DESC LIMIT 10`,
      datasetId,
    ),
    executables: top(
      db,
      "SELECT exe AS value, count(*) AS count FROM events WHERE dataset_id = ? AND exe IS NOT NULL GROUP BY exe ORDER BY count DESC LIMIT 10",
      datasetId,
    ),
    keys: top(
      db,
      "SELECT keys AS value, count(*) AS count FROM events WHERE dataset_id = ? AND keys IS NOT NULL GROUP BY keys ORDER BY count DESC LIMIT 10",
      datasetId,
    ),
    hosts: top(
      db,
      "SELECT CASE node WHEN '' THEN '(no node name)' ELSE node END AS value, count(*) AS count FROM events WHERE dataset_id = ? GROUP BY node ORDER BY count DESC LIMIT 10",
      datasetId,
    ),
    failedSyscalls: top(
      db,
      "SELECT syscall AS value, count(*) AS count FROM events WHERE dataset_id = ? AND success = 0 AND syscall IS NOT NULL GROUP BY syscall ORDER BY count DESC LIMIT 10",
      datasetId,
    ),
  };
}
