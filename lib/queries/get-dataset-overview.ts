import type Database from "better-sqlite3";
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

/** Everything the dataset overview page shows, from the store's indexes. */
export function getDatasetOverview(
  store: Store,
  datasetId: number,
  firstMs: number,
  lastMs: number,
): DatasetOverview {
  const { db } = store;
  const bucketMs = bucketFor(Math.max(lastMs - firstMs, 1));
  const buckets = db
    .prepare<[number, number, number, number, number], Bucket>(
      `SELECT (time_ms / ?) * ? AS startMs, sum(success = 1) AS success, sum(success = 0) AS failed,
              sum(success IS NULL) AS other
       FROM events WHERE dataset_id = ? AND time_ms >= ? GROUP BY time_ms / ? ORDER BY startMs`,
    )
    .all(bucketMs, bucketMs, datasetId, firstMs, bucketMs);
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
      `SELECT e.auid || coalesce(' (' || (SELECT s.user_name FROM sessions s WHERE s.dataset_id = e.dataset_id AND s.auid = e.auid AND s.user_name IS NOT NULL LIMIT 1) || ')', '') AS value,
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
