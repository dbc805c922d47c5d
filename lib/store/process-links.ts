import type Database from "better-sqlite3";
import type { MarkedRanges } from "./ingest-marks";

/**
 * Process rows tie an ingest's parse to the rows it wrote: a child points at its parent's row.
 * When an ingest adds files to a dataset, its parse knew nothing of the processes already stored,
 * so these statements mend the links once it ends (inside the transaction that ends it).
 */

/** The stored exec of the same event (same node, pid and time) as a process row of a skipped event. */
const STORED_TWIN = `(SELECT k.id FROM events e JOIN processes k ON k.dataset_id = @id AND k.event_id = e.id
  WHERE e.dataset_id = @id AND e.node = p.node AND e.pid = p.pid AND e.time_ms = p.time_ms LIMIT 1)`;

/**
 * Process rows of this ingest whose event was skipped because the dataset already had it: the
 * rows that point at them point at the stored exec of that event instead, and they go.
 */
export function replaceSkippedProcesses(db: Database.Database, p: MarkedRanges): void {
  const skipped = `SELECT p.id AS skipped, ${STORED_TWIN} AS stored FROM processes p
    WHERE p.id > @process AND p.id < @end AND p.event_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = p.event_id)`;
  for (const column of ["parent_id", "chain_prev_id"]) {
    db.prepare(`WITH twin AS (${skipped})
      UPDATE processes SET ${column} = twin.stored FROM twin
      WHERE processes.id > @process AND processes.id < @end AND processes.${column} = twin.skipped`).run(p);
  }
  db.prepare(`DELETE FROM processes WHERE id IN (SELECT skipped FROM (${skipped}))`).run(p);
  dropUnusedPlaceholders(db, p);
}

/**
 * Children this ingest linked to a placeholder (`pid N (not seen)`) whose pid's exec is stored from
 * an earlier ingest of the dataset: linked to the latest such exec before them, as one ingest of
 * all the files would have.
 */
export function linkToEarlierParents(db: Database.Database, p: MarkedRanges): void {
  if (p.process <= p.base) return;
  db.prepare(`WITH found AS (
      SELECT c.id AS child, (SELECT k.id FROM events e JOIN processes k ON k.dataset_id = @id AND k.event_id = e.id
          WHERE e.dataset_id = @id AND e.node = ph.node AND e.pid = ph.pid AND e.id <= @event
            AND e.time_ms <= c.time_ms AND k.placeholder = 0
          ORDER BY e.time_ms DESC, e.id DESC LIMIT 1) AS parent
      FROM processes c JOIN processes ph ON ph.id = c.parent_id
      WHERE c.id > @process AND c.id < @end AND ph.id > @process AND ph.placeholder = 1)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent IS NOT NULL`).run(p);
  dropUnusedPlaceholders(db, p);
}

/** This ingest's placeholders that no row points at any more (one may point at another: repeated). */
function dropUnusedPlaceholders(db: Database.Database, p: MarkedRanges): void {
  const drop = db.prepare(`DELETE FROM processes WHERE id > @process AND id < @end AND placeholder = 1
    AND id NOT IN (SELECT parent_id FROM processes WHERE id > @process AND id < @end AND parent_id IS NOT NULL)
    AND id NOT IN (SELECT chain_prev_id FROM processes WHERE id > @process AND id < @end AND chain_prev_id IS NOT NULL)`);
  while (drop.run(p).changes > 0);
}
