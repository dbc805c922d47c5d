import type { EventFacts } from "../audit/event-facts";

/**
 * What the dataset overview shows, counted while the events stream past (in the parse worker),
 * so the page never scans a large dataset. Summaries of several ingests into one dataset merge.
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

  add(timeMs: number, node: string, facts: EventFacts): void {
    const minute = Math.floor(timeMs / MINUTE) * MINUTE;
    let bucket = this.minutes.get(minute);
    if (!bucket) {
      bucket = [minute, 0, 0, 0];
      this.minutes.set(minute, bucket);
    }
    bucket[facts.success === true ? 1 : facts.success === false ? 2 : 3]++;
    if (facts.success === false) {
      this.failed++;
      if (facts.types[0] === "USER_LOGIN") this.failedLogins++;
      if (facts.syscall) bump(this.failedSyscalls, facts.syscall);
    }
    if (facts.auid !== null) {
      bump(this.auids, String(facts.auid));
      if (facts.auidName && !this.auidNames.has(String(facts.auid)))
        this.auidNames.set(String(facts.auid), facts.auidName);
    }
    if (facts.exe) bump(this.exes, facts.exe);
    if (facts.keys.length > 0) bump(this.keys, facts.keys.join(","));
    bump(this.nodes, node);
  }

  toJSON(): DatasetSummary {
    const obj = (map: Map<string, number>) => Object.fromEntries(map);
    return {
      minutes: [...this.minutes.values()].sort((a, b) => a[0] - b[0]),
      failed: this.failed,
      failedLogins: this.failedLogins,
      auids: obj(this.auids),
      auidNames: Object.fromEntries(this.auidNames),
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
