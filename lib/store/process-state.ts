import { deserialize, serialize } from "node:v8";
import type Database from "better-sqlite3";
import type { TrackerState } from "../derive/derived-tables";
import { replaceStateRows, stateRowIds } from "../derive/processes";
import type { LoginEvidence } from "../derive/sessions";
import { type ProcessEnd, type ProcessResumePoint, readTrackerState } from "../ingest/process-resume";
import type { MarkedRanges } from "./ingest-marks";
import { PROCESS_TWINS_TABLE } from "./skipped-processes";

/** The tracker's state kept where the dataset's log ends, if any. */
export function loadProcessState(db: Database.Database, datasetId: number): ProcessResumePoint | null {
  const row = db
    .prepare<[number], { end_ms: number; end_serial: number; state: Buffer }>(
      `SELECT end_ms, end_serial, state FROM process_states WHERE dataset_id = ?`,
    )
    .get(datasetId);
  return row ? { timeMs: row.end_ms, serial: row.end_serial, state: row.state } : null;
}

/**
 * Login records waiting for their LOGIN where the parse ended, and where the kept state did if
 * the parse did not go on from it (see bindPendingLogins).
 */
export function waitingLogins(
  db: Database.Database,
  datasetId: number,
  parse: Pick<ProcessEnd, "pendingLogins" | "resumed">,
): [string, LoginEvidence][] {
  const kept = parse.resumed ? null : loadProcessState(db, datasetId);
  return [...((kept && readTrackerState(kept.state)?.pendingLogins) ?? []), ...parse.pendingLogins];
}

/** The parse's end with other login records waiting (some of its own were bound since). */
export function withPendingLogins(parse: ProcessEnd, pendingLogins: [string, LoginEvidence][]): ProcessEnd {
  const state = deserialize(parse.state) as TrackerState;
  return { ...parse, state: serialize({ ...state, pendingLogins } satisfies TrackerState), pendingLogins };
}

/**
 * Keeps the tracker's state where the dataset's log ends (from a parse that saw all of the log:
 * a new dataset's, one that went on from the kept state, or a rebuild).
 * `rowsDropped`: rows of the parse were removed (their events were skipped as the dataset's own):
 * the state refers to the stored rows that replaced them instead.
 */
export function keepProcessState(
  db: Database.Database,
  datasetId: number,
  parse: Pick<ProcessEnd, "state" | "end">,
  rowsDropped: boolean,
): void {
  if (parse.end === null) return;
  db.prepare(`INSERT INTO process_states (dataset_id, end_ms, end_serial, state) VALUES (@id, @timeMs, @serial, @state)
    ON CONFLICT (dataset_id) DO UPDATE SET end_ms = excluded.end_ms, end_serial = excluded.end_serial, state = excluded.state`).run(
    {
      id: datasetId,
      ...parse.end,
      state: rowsDropped ? withStoredRows(db, parse.state) : parse.state,
    },
  );
}

/** The state with each row it refers to that is gone replaced by its stored twin, or forgotten. */
function withStoredRows(db: Database.Database, packed: Uint8Array): Uint8Array {
  const state = deserialize(packed) as TrackerState;
  db.exec(PROCESS_TWINS_TABLE);
  const gone = db
    .prepare<[string], { id: number; twin: number | null }>(
      `SELECT j.value AS id, (SELECT t.twin FROM temp.process_twins t WHERE t.own = j.value) AS twin
       FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM processes p WHERE p.id = j.value)`,
    )
    .all(JSON.stringify(stateRowIds(state.processes)));
  if (gone.length === 0) return packed;
  const replaced = new Map(gone.map((row) => [row.id, row.twin]));
  return serialize({
    ...state,
    processes: replaceStateRows(state.processes, replaced),
  } satisfies TrackerState);
}

/**
 * Links of this ingest's rows to rows the kept state knew that are gone (an exec of an event its
 * ingest skipped as a duplicate, an unused placeholder): unknown instead of dangling.
 */
export function dropLinksToGoneRows(db: Database.Database, p: MarkedRanges): void {
  for (const column of ["parent_id", "chain_prev_id"]) {
    db.prepare(`UPDATE processes SET ${column} = NULL WHERE id > @process AND id < @end AND ${column} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM processes q WHERE q.id = processes.${column})`).run(p);
  }
}
