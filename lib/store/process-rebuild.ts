import { serialize } from "node:v8";
import type Database from "better-sqlite3";
import type { TrackerState } from "../derive/derived-tables";
import type { LogPoint } from "../derive/log-order";
import { ProcessTracker } from "../derive/processes";
import type { ProcessInput } from "../derive/types";
import { datasetIdBase } from "../ingest/ids";
import type { ProcessEnd } from "../ingest/process-resume";
import { processTuple } from "../ingest/write-batch";
import { INSERT_PROCESS, SET_PLACEHOLDER_PPID } from "./event-writer";

/** Events read at once: the connection cannot write while a statement iterates. */
const PAGE = 5_000;

interface StoredEvent {
  id: number;
  node: string;
  time_ms: number;
  serial: number;
  syscall: string | null;
  success: number | null;
  exit: number | null;
  pid: number;
  ppid: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  ses: number | null;
  comm: string | null;
  exe: string | null;
  argv: string | null;
  cwd: string | null;
}

function processInput(row: StoredEvent): ProcessInput {
  return {
    eventId: row.id,
    node: row.node,
    timeMs: row.time_ms,
    serial: row.serial,
    facts: {
      syscall: row.syscall,
      success: row.success === null ? null : row.success === 1,
      exit: row.exit,
      pid: row.pid,
      ppid: row.ppid,
      auid: row.auid,
      uid: row.uid,
      euid: row.euid,
      ses: row.ses,
      comm: row.comm,
      exe: row.exe,
      // The exec row kept them as parsed (EXECVE's arguments, else the proctitle).
      argv: row.argv === null ? null : (JSON.parse(row.argv) as string[]),
      proctitle: null,
      cwd: row.cwd,
    },
  };
}

/**
 * Derives the dataset's process rows again from its stored events, in log order (time, serial,
 * then node: the order one ingest's reorder window gives, which decides the pids the tracker
 * forgets), as one ingest of all its files would have. For files added before or between those
 * stored, whose parse could not see the records around them (a fork, a daemon's syscall naming
 * its child's parent), or given out of order. Arguments and working directories come from the
 * exec rows replaced.
 * Inside the caller's transaction; returns the tracker's end, with the login records still
 * waiting for their LOGIN there, to be kept for a later file.
 */
export function rebuildProcesses(
  db: Database.Database,
  datasetId: number,
  pendingLogins: TrackerState["pendingLogins"],
  onRead: (events: number, of: number) => void = () => {},
): Pick<ProcessEnd, "state" | "end"> {
  const bound = { dataset: datasetId };
  const of =
    db
      .prepare<{ dataset: number }, { n: number }>(
        `SELECT count(*) AS n FROM events WHERE dataset_id = @dataset AND pid IS NOT NULL`,
      )
      .get(bound)?.n ?? 0;
  let read = 0;
  onRead(read, of);
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS exec_details (event_id INTEGER PRIMARY KEY, argv TEXT, cwd TEXT)`);
  db.prepare(`DELETE FROM temp.exec_details`).run();
  db.prepare(`INSERT OR IGNORE INTO temp.exec_details (event_id, argv, cwd)
    SELECT event_id, argv, cwd FROM processes WHERE dataset_id = @dataset AND placeholder = 0 AND event_id IS NOT NULL`).run(
    bound,
  );
  db.prepare(`DELETE FROM processes WHERE dataset_id = @dataset`).run(bound);

  const page = db.prepare<Record<string, unknown>, StoredEvent>(`SELECT e.id, e.node, e.time_ms, e.serial,
      e.syscall, e.success, e.exit, e.pid, e.ppid, e.auid, e.uid, e.euid, e.ses, e.comm, e.exe, x.argv, x.cwd
    FROM events e INDEXED BY events_dataset_id_time_ms_idx LEFT JOIN temp.exec_details x ON x.event_id = e.id
    WHERE e.dataset_id = @dataset AND (e.time_ms, e.serial, e.node) > (@time, @serial, @node) AND e.pid IS NOT NULL
    ORDER BY e.time_ms, e.serial, e.node LIMIT ${PAGE}`);
  const insert = db.prepare(INSERT_PROCESS);
  const setPpid = db.prepare(SET_PLACEHOLDER_PPID);
  const tracker = new ProcessTracker(datasetIdBase(datasetId) + 1);
  let after = { node: "", time: Number.MIN_SAFE_INTEGER, serial: Number.MIN_SAFE_INTEGER };
  for (;;) {
    const rows = page.all({ ...bound, ...after });
    for (const row of rows) {
      for (const process of tracker.add(processInput(row))) insert.run(...processTuple(process), bound);
      for (const learnt of tracker.takePlaceholderPpids())
        setPpid.run(learnt.ppid, learnt.parentId, learnt.id);
    }
    read += rows.length;
    onRead(read, of);
    const last = rows.at(-1);
    if (last === undefined || rows.length < PAGE) break;
    after = { node: last.node, time: last.time_ms, serial: last.serial };
  }
  db.prepare(`DELETE FROM temp.exec_details`).run();
  const end = db
    .prepare<
      { dataset: number },
      LogPoint
    >(`SELECT time_ms AS timeMs, serial FROM events WHERE dataset_id = @dataset
      ORDER BY time_ms DESC, serial DESC LIMIT 1`)
    .get(bound);
  const state: TrackerState = { processes: tracker.snapshot(), pendingLogins };
  return { state: serialize(state), end: end ?? null };
}
