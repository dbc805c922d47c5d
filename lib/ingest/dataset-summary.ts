import { EVENT_COLUMN, type EventTuple } from "./write-batch";

/**
 * What the dataset overview shows, counted from the rows as they are inserted (so events a dataset
 * already had are not counted twice), so the page never scans a large dataset. Summaries of
 * several ingests into one dataset merge.
 */
export interface DatasetSummary {
  /** Events per minute: [minute start ms, succeeded, failed, no result]. */
  minutes: [number, number, number, number][];
  failed: number;
  failedLogins: number;
  auids: Record<string, number>;
  auidNames: Record<string, string>;
  exes: Record<string, number>;
  keys: Record<string, number>;
  nodes: Record<string, number>;
  failedSyscalls: Record<string, number>;
}

const MINUTE = 60_000;
/** Top tables keep this many distinct values before trimming the rarest. */
const MAX_DISTINCT = 5000;

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
  if (map.size > MAX_DISTINCT * 2) {
    const kept = [...map].sort((a, b) => b[1] - a[1]).slice(0, MAX_DISTINCT);
    map.clear();
    for (const [k, v] of kept) map.set(k, v);
  }
}

export class SummaryCounter {
  private readonly minutes = new Map<number, [number, number, number, number]>();
  private failed = 0;
  private failedLogins = 0;
  private readonly auids = new Map<string, number>();
  private readonly auidNames = new Map<string, string>();
  private readonly exes = new Map<string, number>();
  private readonly keys = new Map<string, number>();
  private readonly nodes = new Map<string, number>();
  private readonly failedSyscalls = new Map<string, number>();

  /** Counts one inserted event, from its row. */
  add(event: EventTuple): void {
    const timeMs = event[EVENT_COLUMN.timeMs];
    const success = event[EVENT_COLUMN.success];
    const minute = Math.floor(timeMs / MINUTE) * MINUTE;
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      bucket = [minute, 0, 0, 0];
      this.minutes.set(minute, bucket);
    }
    bucket[success === 1 ? 1 : success === 0 ? 2 : 3]++;
    if (success === 0) {
      this.failed++;
      if (/^USER_LOGIN(?: |$)/.test(event[EVENT_COLUMN.types])) this.failedLogins++;
      const syscall = event[EVENT_COLUMN.syscall];
      if (syscall) bump(this.failedSyscalls, syscall);
    }
    const auid = event[EVENT_COLUMN.auid];
    if (auid !== null) bump(this.auids, String(auid));
    const exe = event[EVENT_COLUMN.exe];
    if (exe) bump(this.exes, exe);
    const keys = event[EVENT_COLUMN.keys];
    if (keys !== null) bump(this.keys, keys);
    bump(this.nodes, event[EVENT_COLUMN.node]);
  }

  /** The first name seen for an auid (ENRICHED logs); kept for the auids counted. */
  nameAuid(auid: number, name: string): void {
    if (!this.auidNames.has(String(auid))) this.auidNames.set(String(auid), name);
  }

  toJSON(): DatasetSummary {
    const obj = (map: Map<string, number>) => Object.fromEntries(map);
    return {
      minutes: [...this.minutes.values()].sort((a, b) => a[0] - b[0]),
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
  const out: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = (out[key] ?? 0) + value;
  return out;
}

/** Adds a new ingest's summary to the one a dataset already had. */
export function mergeSummaries(a: DatasetSummary | null, b: DatasetSummary): DatasetSummary {
  if (!a) return b;
  const minutes = new Map<number, [number, number, number, number]>(a.minutes.map((m) => [m[0], [...m]]));
  for (const [start, ok, failed, other] of b.minutes) {
    const bucket = minutes.get(start) ?? [start, 0, 0, 0];
    bucket[1] += ok;
    bucket[2] += failed;
    bucket[3] += other;
    minutes.set(start, bucket);
  }
  return {
    minutes: [...minutes.values()].sort((x, y) => x[0] - y[0]),
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
