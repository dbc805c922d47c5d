import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { freshDatabases } from "../testing/fresh-databases";

// The tracker's cap (MAX_TRACKED_PIDS, 200,000) made 4: it forgets the least recently active pids.
vi.mock("../derive/processes", async (original) => {
  const actual = await original<typeof import("../derive/processes")>();
  class SmallTracker extends actual.ProcessTracker {
    constructor(firstProcessId = 1) {
      super(firstProcessId, 4);
    }
  }
  return { ...actual, ProcessTracker: SmallTracker };
});

const fresh = freshDatabases("auditscope-rebuild-");

function exec(node: string, serial: number, second: number, pid: number, ppid: number, exe: string): string {
  const id = `msg=audit(${1_700_000_000 + second}.000:${serial}):`;
  return [
    `node=${node} type=SYSCALL ${id} arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=${ppid} pid=${pid} auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=3 comm="${path.basename(exe)}" exe="${exe}"`,
    `node=${node} type=EOE ${id}`,
  ].join("\n");
}

function log(name: string, events: string[]): string {
  const file = path.join(fresh.dir, name);
  writeFileSync(file, `${events.join("\n")}\n`);
  return file;
}

/** Each process as `node:exe <- parent`, placeholders as `pid N (not seen)`. */
function links(dataset: number | null): string[] {
  const label = (a: string) =>
    `CASE WHEN ${a}.placeholder = 1 THEN 'pid ' || ${a}.pid || ' (not seen)' ELSE ${a}.exe END`;
  return fresh.db
    .prepare<[number], { link: string }>(
      `SELECT c.node || ':' || ${label("c")} || ' <- ' || coalesce(${label("p")}, '-') AS link
       FROM processes c LEFT JOIN processes p ON p.id = c.parent_id WHERE c.dataset_id = ?`,
    )
    .all(dataset ?? 0)
    .map((row) => row.link)
    .sort();
}

describe("processes rebuilt from a two-node log's stored events", () => {
  it("forget the pids one ingest forgets: the nodes' events are fed in time order, not node by node", async () => {
    const early = [
      exec("b", 1, 1, 100, 1, "/bin/bash"),
      exec("b", 2, 2, 300, 1, "/bin/other"),
      exec("b", 3, 10, 200, 100, "/usr/bin/curl"),
    ];
    const late = [11, 12, 13, 14].map((pid, i) => exec("a", 10 + i, 100 + i, pid, 1, `/bin/a${pid}`));
    // Inline parse: the mock applies to the ingest's tracker too.
    const whole = await ingest(expandSources([log("whole.log", [...early, ...late])]), {
      db: fresh.db,
      worker: false,
    });
    const expected = links(whole.dataset);
    expect(expected).toContain("b:/usr/bin/curl <- /bin/bash");
    const dataset = (await ingest(expandSources([log("late.log", late)]), { db: fresh.db, worker: false }))
      .dataset as number;
    await ingest(expandSources([log("early.log", early)]), { db: fresh.db, dataset, worker: false });
    expect(links(dataset)).toEqual(expected);
  });
});
