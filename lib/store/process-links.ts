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
 * (this ingest's processes come after the stored ones) but may come newest first. Runs after the
 * events that records reached late were derived again (their pid may only be known since).
 */
export function linkToEarlierProcesses(db: Database.Database, p: MarkedRanges): void {
  if (p.process <= p.base) return;
  collectExecs(db, p);
  chainToEarlierExecs(db, p);
  linkToEarlierParents(db, p);
  mergeEarlierPlaceholders(db, p);
  dropUnusedPlaceholders(db, p);
  linkStoredToAddedExecs(db, p);
  alignChainParents(db);
}

/**
 * The execs, stored and this ingest's, of each (node, pid) this ingest has a row for, by time:
 * every lookup below is one seek (through the events, a busy pid's would be read per child).
 */
function collectExecs(db: Database.Database, p: MarkedRanges): void {
  // Typed as in processes: a comparison with an untyped column could not use the index.
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS link_pids (node TEXT, pid INTEGER, PRIMARY KEY (node, pid)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS link_execs (id INTEGER PRIMARY KEY, node TEXT, pid INTEGER, time_ms INTEGER,
      event_id INTEGER, ppid INTEGER, success INTEGER);
    CREATE INDEX IF NOT EXISTS temp.link_execs_at ON link_execs (node, pid, time_ms, event_id);`);
  db.prepare(`DELETE FROM temp.link_pids`).run();
  db.prepare(`DELETE FROM temp.link_execs`).run();
  db.prepare(`INSERT OR IGNORE INTO temp.link_pids (node, pid)
    SELECT node, pid FROM processes WHERE id > @process AND id < @end`).run(p);
  db.prepare(`INSERT INTO temp.link_execs (id, node, pid, time_ms, event_id, ppid, success)
    SELECT id, node, pid, time_ms, event_id, ppid, success FROM processes
    WHERE id >= @base AND id < @end AND placeholder = 0 AND (node, pid) IN (SELECT node, pid FROM temp.link_pids)`).run(
    p,
  );
}

/** The latest exec of (node, pid) at `time` or before that replaced the image, among those `where` allows. */
function latestExec(node: string, pid: string, time: string, where: string): string {
  return `(SELECT x.id FROM temp.link_execs x
    WHERE x.node = ${node} AND x.pid = ${pid} AND x.time_ms <= ${time} AND x.success IS NOT 0 AND ${where}
    ORDER BY x.time_ms DESC, x.event_id DESC LIMIT 1)`;
}

/** This ingest's placeholders for a pid it knew nothing of (`pid N (not seen)`). */
const OWN_PLACEHOLDERS = `id > @process AND id < @end AND placeholder = 1 AND time_ms IS NULL`;

/**
 * An exec that was the first this ingest saw of its pid, re-exec'ing the image an earlier ingest
 * stored (same pid, same parent pid): an exec chain after it, with its parent, not a new child
 * (nor a chain after this ingest's placeholder for the pid).
 */
function chainToEarlierExecs(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH firsts AS MATERIALIZED (
      SELECT min(id) AS id FROM processes WHERE id > @process AND id < @end AND placeholder = 0 GROUP BY node, pid),
    found AS MATERIALIZED (
      SELECT c.id AS exec, ${latestExec("c.node", "c.pid", "c.time_ms", "x.id <= @process")} AS prev
      FROM firsts f CROSS JOIN processes c ON c.id = f.id
      WHERE c.ppid IS NOT NULL AND c.ppid <> c.pid
        AND (c.chain_prev_id IS NULL OR c.chain_prev_id IN (SELECT id FROM processes WHERE ${OWN_PLACEHOLDERS})))
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.exec AND k.ppid = processes.ppid`).run(p);
}

/**
 * Children this ingest linked to a placeholder whose pid's exec is stored from an earlier ingest
 * of the dataset: linked to the latest such exec before them that replaced the pid's image. A
 * placeholder whose parent differs from the exec's is a different process: kept.
 */
function linkToEarlierParents(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT c.id AS child,
        ${latestExec("ph.node", "ph.pid", "c.time_ms", "x.id <= @process AND (ph.ppid IS NULL OR x.ppid = ph.ppid)")} AS parent
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
  const storedPlaceholders = `id >= @base AND id <= @process AND placeholder = 1 AND time_ms IS NULL
    AND (node, pid) IN (SELECT node, pid FROM temp.link_execs WHERE id > @process)`;
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT c.id AS child,
        ${latestExec("ph.node", "ph.pid", "c.time_ms", "(ph.ppid IS NULL OR x.ppid = ph.ppid)")} AS parent
      FROM (SELECT id, node, pid, ppid FROM processes WHERE ${storedPlaceholders}) ph
        CROSS JOIN processes c ON c.dataset_id = @id AND c.parent_id = ph.id
      WHERE c.id <= @process)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent > @process`).run(p);
  db.prepare(`WITH lasts AS MATERIALIZED (
      SELECT max(id) AS id FROM processes WHERE id > @process AND id < @end AND placeholder = 0 GROUP BY node, pid),
    found AS MATERIALIZED (
      SELECT k.id AS prev,
        (SELECT x.id FROM temp.link_execs x
          WHERE x.node = k.node AND x.pid = k.pid AND x.id <= @process AND x.time_ms >= k.time_ms
          ORDER BY x.time_ms, x.event_id LIMIT 1) AS next
      FROM lasts l CROSS JOIN processes k ON k.id = l.id
      WHERE k.success IS NOT 0 AND k.ppid IS NOT NULL AND k.ppid <> k.pid)
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.next AND processes.ppid = k.ppid
      AND (processes.chain_prev_id IS NULL OR processes.chain_prev_id IN (SELECT id FROM processes WHERE ${storedPlaceholders}))`).run(
    p,
  );
  // A placeholder's chain successors are execs of its pid: all in link_execs.
  db.prepare(`DELETE FROM processes WHERE ${storedPlaceholders}
    AND NOT EXISTS (SELECT 1 FROM processes r WHERE r.dataset_id = @id AND r.parent_id = processes.id)
    AND NOT EXISTS (SELECT 1 FROM temp.link_execs x JOIN processes r ON r.id = x.id
      WHERE x.node = processes.node AND x.pid = processes.pid AND r.chain_prev_id = processes.id)`).run(p);
}

/**
 * An exec chain shares one parent (a re-exec keeps the process's parent): the links above set it
 * at the chain's first row, and the rows after it, in either ingest, follow.
 */
function alignChainParents(db: Database.Database): void {
  type Row = { id: number; prev: number | null; parent: number | null };
  const rows = db
    .prepare<[], Row>(`SELECT p.id, p.chain_prev_id AS prev, p.parent_id AS parent
      FROM temp.link_execs x JOIN processes p ON p.id = x.id`)
    .all();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const placeholderParent = db.prepare<[number], { parent: number | null }>(
    `SELECT parent_id AS parent FROM processes WHERE id = ?`,
  );
  const update = db.prepare(`UPDATE processes SET parent_id = ? WHERE id = ?`);
  const settled = new Map<number, number | null>();
  for (const start of rows) {
    const path: Row[] = [];
    const onPath = new Set<number>();
    let row: Row | undefined = start;
    let parent: number | null = null;
    while (row !== undefined) {
      const known = settled.get(row.id);
      if (known !== undefined) {
        parent = known;
        break;
      }
      if (row.prev === null) {
        parent = row.parent;
        settled.set(row.id, parent);
        break;
      }
      path.push(row);
      onPath.add(row.id);
      const prev = byId.get(row.prev);
      // Chained after a placeholder (not an exec), or a loop that should not be: its parent.
      if (prev === undefined || onPath.has(prev.id)) {
        parent = placeholderParent.get(row.prev)?.parent ?? null;
        break;
      }
      row = prev;
    }
    for (const member of path) {
      settled.set(member.id, parent);
      if (member.parent !== parent) update.run(parent, member.id);
    }
  }
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
