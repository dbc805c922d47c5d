import type Database from "better-sqlite3";
import type { MarkedRanges } from "./ingest-marks";

/**
 * An ingest writes the process rows of every event it parsed, those the dataset already had
 * (skipped) too: other rows point at them. Once it ends, the stored rows take their place (inside
 * the transaction that ends it).
 */

/** Each event the writer skipped, with the stored event it is (kept on the writer's connection). */
export const SKIPPED_EVENTS_TABLE =
  "CREATE TEMP TABLE IF NOT EXISTS skipped_events (skipped INTEGER PRIMARY KEY, stored INTEGER NOT NULL)";

/** Rows of this ingest replaced by stored ones (`own` by `twin`), by the last `repointToTwins`. */
export const PROCESS_TWINS_TABLE =
  "CREATE TEMP TABLE IF NOT EXISTS process_twins (own INTEGER PRIMARY KEY, twin INTEGER)";

/**
 * Process rows of this ingest whose event was skipped because the dataset already had it: the
 * rows that point at them point at the stored event's exec instead, and they go.
 */
export function replaceSkippedProcesses(db: Database.Database, p: MarkedRanges): void {
  // A stored event with no exec row whose late records made it an exec (its SYSCALL came after
  // an AVC, in the next file): the late part's exec row, linked as parsed, becomes the event's.
  db.prepare(`WITH moved AS MATERIALIZED (
      SELECT min(own.id) AS process, s.stored AS event
      FROM temp.skipped_events s CROSS JOIN processes own ON own.dataset_id = @id AND own.event_id = s.skipped
      WHERE s.skipped > @event AND s.skipped < @end AND own.placeholder = 0
        AND NOT EXISTS (SELECT 1 FROM processes kept WHERE kept.dataset_id = @id AND kept.event_id = s.stored)
      GROUP BY s.stored)
    UPDATE processes SET event_id = moved.event FROM moved WHERE processes.id = moved.process`).run(p);
  // Driven by the skipped events (CROSS JOIN keeps that order): each lookup is by index.
  repointToTwins(
    db,
    p,
    `SELECT own.id, (SELECT kept.id FROM processes kept WHERE kept.dataset_id = @id AND kept.event_id = s.stored)
    FROM temp.skipped_events s CROSS JOIN processes own ON own.dataset_id = @id AND own.event_id = s.skipped
    WHERE s.skipped > @event AND s.skipped < @end`,
  );
  db.prepare(`DELETE FROM processes WHERE id IN (SELECT own FROM temp.process_twins)`).run();
  db.prepare(`DELETE FROM processes WHERE id > @process AND id < @end AND event_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = processes.event_id)`).run(p);
  db.prepare(`DELETE FROM temp.skipped_events WHERE skipped > @event AND skipped < @end`).run(p);
  dropUnusedPlaceholders(db, p);
}

/**
 * Fills the twins table from `pairs` (SELECT own row, twin row) and points this ingest's parent
 * and chain links at the own rows to their twins instead. The table keeps the pairs until the next
 * call: a caller may still need them.
 */
function repointToTwins(db: Database.Database, p: MarkedRanges, pairs: string): void {
  db.exec(PROCESS_TWINS_TABLE);
  db.prepare(`DELETE FROM temp.process_twins`).run();
  db.prepare(`INSERT INTO temp.process_twins (own, twin) ${pairs}`).run(p);
  for (const column of ["parent_id", "chain_prev_id"]) {
    db.prepare(`UPDATE processes SET ${column} = (SELECT twin FROM temp.process_twins WHERE own = processes.${column})
      WHERE id > @process AND id < @end AND ${column} IN (SELECT own FROM temp.process_twins)`).run(p);
  }
}

/** The dataset's placeholders that no row points at any more (one may point at another: repeated). */
function dropUnusedPlaceholders(db: Database.Database, p: MarkedRanges): void {
  const drop = db.prepare(`DELETE FROM processes WHERE id >= @base AND id < @end AND placeholder = 1
    AND NOT EXISTS (SELECT 1 FROM processes r WHERE r.dataset_id = @id AND r.parent_id = processes.id)
    AND id NOT IN (SELECT chain_prev_id FROM processes WHERE id >= @base AND id < @end AND chain_prev_id IS NOT NULL)`);
  while (drop.run(p).changes > 0);
}
