import type Database from "better-sqlite3";
import type { MarkedRanges } from "./ingest-marks";

/**
 * Process rows tie an ingest's parse to the rows it wrote: a child points at its parent's row.
 * When an ingest adds files to a dataset, its parse knew nothing of the processes already stored,
 * so these statements mend the links once it ends (inside the transaction that ends it).
 */

/** Each event the writer skipped, with the stored event it is (kept on the writer's connection). */
export const SKIPPED_EVENTS_TABLE =
  "CREATE TEMP TABLE IF NOT EXISTS skipped_events (skipped INTEGER PRIMARY KEY, stored INTEGER NOT NULL)";

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
 * Links this ingest's processes and those stored by the dataset's earlier ingests as one ingest of
 * all the files would have: its parse knew nothing of them. Files are usually added oldest first
 * (this ingest's processes come after the stored ones) but may come newest first.
 */
export function linkToEarlierProcesses(db: Database.Database, p: MarkedRanges): void {
  if (p.process <= p.base) return;
  chainToEarlierExecs(db, p);
  linkToEarlierParents(db, p);
  mergeEarlierPlaceholders(db, p);
  dropUnusedPlaceholders(db, p);
  linkStoredToAddedExecs(db, p);
}

/**
 * An exec that was the first this ingest saw of its pid, re-exec'ing the image an earlier ingest
 * stored (same pid, same parent pid): an exec chain after it, with its parent, not a new child.
 */
function chainToEarlierExecs(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH firsts AS MATERIALIZED (
      SELECT min(id) AS id FROM processes WHERE id > @process AND id < @end GROUP BY node, pid),
    found AS MATERIALIZED (
      SELECT c.id AS exec,
        (SELECT k.id FROM events e INDEXED BY events_dataset_id_pid_idx
           JOIN processes k ON k.dataset_id = @id AND k.event_id = e.id
          WHERE e.dataset_id = @id AND e.pid = c.pid AND e.node = c.node AND e.id <= @event
            AND e.time_ms <= c.time_ms AND k.placeholder = 0 AND k.success IS NOT 0
          ORDER BY e.time_ms DESC, e.id DESC LIMIT 1) AS prev
      FROM firsts f CROSS JOIN processes c ON c.id = f.id
      WHERE c.placeholder = 0 AND c.chain_prev_id IS NULL AND c.ppid IS NOT NULL AND c.ppid <> c.pid)
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.exec AND k.ppid = processes.ppid`).run(p);
}

/**
 * Children this ingest linked to a placeholder (`pid N (not seen)`) whose pid's exec is stored from
 * an earlier ingest of the dataset: linked to the latest such exec before them that replaced the
 * pid's image. A placeholder known to stand for a pid born again by a fork, or whose parent
 * differs from the exec's, is a different process: kept.
 */
function linkToEarlierParents(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT c.id AS child,
        (SELECT k.id FROM events e INDEXED BY events_dataset_id_pid_idx
           JOIN processes k ON k.dataset_id = @id AND k.event_id = e.id
          WHERE e.dataset_id = @id AND e.pid = ph.pid AND e.node = ph.node AND e.id <= @event
            AND e.time_ms <= c.time_ms AND k.placeholder = 0 AND k.success IS NOT 0
            AND (ph.ppid IS NULL OR k.ppid = ph.ppid)
          ORDER BY e.time_ms DESC, e.id DESC LIMIT 1) AS parent
      FROM processes c JOIN processes ph ON ph.id = c.parent_id
      WHERE c.id > @process AND c.id < @end AND ph.id > @process AND ph.placeholder = 1 AND ph.time_ms IS NULL)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent IS NOT NULL`).run(p);
}

/**
 * A placeholder of this ingest for a pid an earlier ingest also never saw exec'ing is that
 * ingest's placeholder (the latest, unless their parents differ): one `pid N (not seen)` with
 * all its children, not one per ingest.
 */
function mergeEarlierPlaceholders(db: Database.Database, p: MarkedRanges): void {
  repointToTwins(
    db,
    p,
    `WITH earlier AS MATERIALIZED (
      SELECT node, pid, ppid, max(id) AS id FROM processes
      WHERE id >= @base AND id <= @process AND placeholder = 1 AND time_ms IS NULL GROUP BY node, pid, ppid)
    SELECT own.id, max(q.id) FROM processes own JOIN earlier q
      ON q.node = own.node AND q.pid = own.pid AND (q.ppid IS own.ppid OR q.ppid IS NULL OR own.ppid IS NULL)
    WHERE own.id > @process AND own.id < @end AND own.placeholder = 1 AND own.time_ms IS NULL
    GROUP BY own.id`,
  );
}

/**
 * Stored rows that this ingest's execs come before (an older file added after a newer one): a
 * child linked to a placeholder for a pid this ingest saw exec'ing before it is that exec's child,
 * and a stored exec re-exec'ing an image this ingest added (same pid and parent pid) is its chain.
 * The stored placeholders this leaves with no child go.
 */
function linkStoredToAddedExecs(db: Database.Database, p: MarkedRanges): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS added_pids (node, pid, PRIMARY KEY (node, pid)) WITHOUT ROWID`);
  db.prepare(`DELETE FROM temp.added_pids`).run();
  db.prepare(`INSERT INTO temp.added_pids (node, pid) SELECT DISTINCT node, pid FROM processes
    WHERE id > @process AND id < @end AND placeholder = 0`).run(p);
  const storedPlaceholders = `id >= @base AND id <= @process AND placeholder = 1 AND time_ms IS NULL
    AND (node, pid) IN (SELECT node, pid FROM temp.added_pids)`;
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT c.id AS child,
        (SELECT k.id FROM events e INDEXED BY events_dataset_id_pid_idx
           JOIN processes k ON k.dataset_id = @id AND k.event_id = e.id
          WHERE e.dataset_id = @id AND e.pid = ph.pid AND e.node = ph.node
            AND e.time_ms <= c.time_ms AND k.placeholder = 0 AND k.success IS NOT 0
            AND (ph.ppid IS NULL OR k.ppid = ph.ppid)
          ORDER BY e.time_ms DESC, e.id DESC LIMIT 1) AS parent
      FROM (SELECT id, node, pid, ppid FROM processes WHERE ${storedPlaceholders}) ph
        CROSS JOIN processes c ON c.dataset_id = @id AND c.parent_id = ph.id
      WHERE c.id <= @process)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent > @process`).run(p);
  db.prepare(`WITH lasts AS MATERIALIZED (
      SELECT max(id) AS id FROM processes WHERE id > @process AND id < @end AND placeholder = 0 GROUP BY node, pid),
    found AS MATERIALIZED (
      SELECT k.id AS prev,
        (SELECT r.id FROM events e INDEXED BY events_dataset_id_pid_idx
           JOIN processes r ON r.dataset_id = @id AND r.event_id = e.id
          WHERE e.dataset_id = @id AND e.pid = k.pid AND e.node = k.node AND e.id <= @event
            AND e.time_ms >= k.time_ms AND r.placeholder = 0
          ORDER BY e.time_ms, e.id LIMIT 1) AS next
      FROM lasts l CROSS JOIN processes k ON k.id = l.id
      WHERE k.success IS NOT 0 AND k.ppid IS NOT NULL AND k.ppid <> k.pid)
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.next AND processes.ppid = k.ppid
      AND (processes.chain_prev_id IS NULL OR processes.chain_prev_id IN (SELECT id FROM processes WHERE ${storedPlaceholders}))`).run(
    p,
  );
  db.prepare(`DELETE FROM processes WHERE ${storedPlaceholders}
    AND NOT EXISTS (SELECT 1 FROM processes r WHERE r.dataset_id = @id AND r.parent_id = processes.id)
    AND NOT EXISTS (SELECT 1 FROM events e INDEXED BY events_dataset_id_pid_idx
      JOIN processes r ON r.dataset_id = @id AND r.event_id = e.id
      WHERE e.dataset_id = @id AND e.pid = processes.pid AND r.chain_prev_id = processes.id)`).run(p);
}

/**
 * Fills the twins table from `pairs` (SELECT own row, twin row) and points this ingest's parent
 * and chain links at the own rows to their twins instead. The table keeps the pairs until the next
 * call: a caller may still need them.
 */
function repointToTwins(db: Database.Database, p: MarkedRanges, pairs: string): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS process_twins (own INTEGER PRIMARY KEY, twin INTEGER)`);
  db.prepare(`DELETE FROM temp.process_twins`).run();
  db.prepare(`INSERT INTO temp.process_twins (own, twin) ${pairs}`).run(p);
  for (const column of ["parent_id", "chain_prev_id"]) {
    db.prepare(`UPDATE processes SET ${column} = (SELECT twin FROM temp.process_twins WHERE own = processes.${column})
      WHERE id > @process AND id < @end AND ${column} IN (SELECT own FROM temp.process_twins)`).run(p);
  }
}

/** This ingest's placeholders that no row points at any more (one may point at another: repeated). */
function dropUnusedPlaceholders(db: Database.Database, p: MarkedRanges): void {
  const drop = db.prepare(`DELETE FROM processes WHERE id > @process AND id < @end AND placeholder = 1
    AND id NOT IN (SELECT parent_id FROM processes WHERE id > @process AND id < @end AND parent_id IS NOT NULL)
    AND id NOT IN (SELECT chain_prev_id FROM processes WHERE id > @process AND id < @end AND chain_prev_id IS NOT NULL)`);
  while (drop.run(p).changes > 0);
}
