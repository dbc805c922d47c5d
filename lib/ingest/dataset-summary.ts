import { EVENT_COLUMN, type EventTuple } from "./write-batch";

/**
 * What the dataset overview shows, counted from the rows as they are inserted (so events a dataset
 * already had are not counted twice), so the page never scans a large dataset. Summaries of
 * several ingests into one dataset merge.
 */
export interface DatasetSummary {
  /**
   * Events per time bucket: [bucket start ms, succeeded, failed, no result]. Buckets are minutes,
   * unless the log spans more than MAX_TIME_BUCKETS of them: then hours, or days.
   */
  minutes: TimeBucket[];
  /** The buckets' width; absent in summaries kept before it was (minutes). */
  bucketMs?: number;
  failed: number;
  failedLogins: number;
  auids: Record<string, number>;
  auidNames: Record<string, string>;
  exes: Record<string, number>;
  keys: Record<string, number>;
  nodes: Record<string, number>;
  failedSyscalls: Record<string, number>;
}

type TimeBucket = [number, number, number, number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Time buckets kept before they are made wider. A log of minutes spread over years (or with
 * hostile timestamps) would otherwise hold a bucket per event. More than this many minutes means
 * a range of over 69 days, which the overview draws in buckets of 12 hours or more; more than this
 * many hours, over 11 years: 30-day buckets. So wider buckets never blur what is drawn.
 */
export const MAX_TIME_BUCKETS = 100_000;

function widerThan(width: number): number {
  return width < HOUR ? HOUR : DAY;
}

/** The buckets re-counted at `width` (a multiple of theirs). */
function rebucket(buckets: Iterable<TimeBucket>, width: number): Map<number, TimeBucket> {
  const out = new Map<number, TimeBucket>();
  for (const [start, ok, failed, other] of buckets) {
    const at = Math.floor(start / width) * width;
    const bucket = out.get(at) ?? [at, 0, 0, 0];
    bucket[1] += ok;
    bucket[2] += failed;
    bucket[3] += other;
    out.set(at, bucket);
  }
  return out;
}
/** Top tables keep this many distinct values before trimming the rarest. */
const MAX_DISTINCT = 5000;

function bump(map: Map<string, number>, key: string, by: number): void {
  const count = (map.get(key) ?? 0) + by;
  // A value taken back to nothing is gone (a negative one is taken from an earlier ingest's count).
  if (count === 0) map.delete(key);
  else map.set(key, count);
  if (map.size > MAX_DISTINCT * 2) {
    const kept = [...map].sort((a, b) => b[1] - a[1]).slice(0, MAX_DISTINCT);
    map.clear();
    for (const [k, v] of kept) map.set(k, v);
  }
}

export class SummaryCounter {
  private minutes = new Map<number, TimeBucket>();
  private bucketMs = MINUTE;
  private failed = 0;
  private failedLogins = 0;
  private readonly auids = new Map<string, number>();
  private readonly auidNames = new Map<string, string>();
  private readonly exes = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly nodes = new Map<string, number>();
  private readonly failedSyscalls = new Map<string, number>();

  constructor(private readonly maxTimeBuckets = MAX_TIME_BUCKETS) {}

  /** Counts one inserted event, from its row; `by` -1 takes back a row counted before (derived again). */
  add(event: EventTuple, by = 1): void {
    const timeMs = event[EVENT_COLUMN.timeMs];
    const success = event[EVENT_COLUMN.success];
    const start = Math.floor(timeMs / this.bucketMs) * this.bucketMs;
    let bucket = this.minutes.get(start);
    if (!bucket) {
      bucket = [start, 0, 0, 0];
      this.minutes.set(start, bucket);
      if (this.minutes.size > this.maxTimeBuckets && this.bucketMs < DAY) {
        this.bucketMs = widerThan(this.bucketMs);
        this.minutes = rebucket(this.minutes.values(), this.bucketMs);
        bucket = this.minutes.get(Math.floor(timeMs / this.bucketMs) * this.bucketMs) as TimeBucket;
      }
    }
    bucket[success === 1 ? 1 : success === 0 ? 2 : 3] += by;
    if (success === 0) {
      this.failed += by;
      if (/^USER_LOGIN(?: |$)/.test(event[EVENT_COLUMN.types])) this.failedLogins += by;
      const syscall = event[EVENT_COLUMN.syscall];
      if (syscall) bump(this.failedSyscalls, syscall, by);
    }
    const auid = event[EVENT_COLUMN.auid];
    if (auid !== null) bump(this.auids, String(auid), by);
    const exe = event[EVENT_COLUMN.exe];
    if (exe) bump(this.exes, exe, by);
    const keys = event[EVENT_COLUMN.keys];
    if (keys !== null) bump(this.keys, keys, by);
    bump(this.nodes, event[EVENT_COLUMN.node], by);
  }

  /** The first name seen for an auid (ENRICHED logs); kept for the auids counted. */
  nameAuid(auid: number, name: string): void {
    if (!this.auidNames.has(String(auid))) this.auidNames.set(String(auid), name);
  }

  toJSON(): DatasetSummary {
    const obj = (map: Map<string, number>) => Object.fromEntries(map);
    return {
      minutes: [...this.minutes.values()].sort((a, b) => a[0] - b[0]),
      bucketMs: this.bucketMs,
      failed: this.failed,
      failedLogins: this.failedLogins,
      auids: obj(this.auids),
      auidNames: Object.fromEntries([...this.auidNames].filter(([auid]) => this.auids.has(auid))),
      exes: obj(this.exes),
      keys: obj(this.keys),
      nodes: obj(this.nodes),
      failedSyscalls: obj(this.failedSyscalls),
    };
  }
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  // Through a Map: the keys are the log's (a node may be named `__proto__`), and assigning them to an object would lose them.
  const out = new Map(Object.entries(a));
  for (const [key, value] of Object.entries(b)) {
    const count = (out.get(key) ?? 0) + value;
    if (count === 0) out.delete(key);
    else out.set(key, count);
  }
  return Object.fromEntries(out);
}

/** Adds a new ingest's summary to the one a dataset already had. */
export function mergeSummaries(a: DatasetSummary | null, b: DatasetSummary): DatasetSummary {
  if (!a) return b;
  const bucketMs = Math.max(a.bucketMs ?? MINUTE, b.bucketMs ?? MINUTE);
  const minutes = rebucket([...a.minutes, ...b.minutes], bucketMs);
  return {
    minutes: [...minutes.values()].sort((x, y) => x[0] - y[0]),
    bucketMs,
    failed: a.failed + b.failed,
    failedLogins: a.failedLogins + b.failedLogins,
    auids: mergeCounts(a.auids, b.auids),
    auidNames: { ...b.auidNames, ...a.auidNames },
    exes: mergeCounts(a.exes, b.exes),
    keys: mergeCounts(a.keys, b.keys),
    nodes: mergeCounts(a.nodes, b.nodes),
    failedSyscalls: mergeCounts(a.failedSyscalls, b.failedSyscalls),
  };
}
