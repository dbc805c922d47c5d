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
 * Links this ingest's processes and those stored by the dataset's earlier ingests as one ingest of
 * all the files would have: its parse knew nothing of them. Files are usually added oldest first
 * (this ingest's processes come after the stored ones) but may come newest first or between two
 * stored ones. Runs after the events that records reached late were derived again (their pid may
 * only be known since).
 */
export function linkToEarlierProcesses(db: Database.Database, p: MarkedRanges): void {
  if (p.process <= p.base) return;
  collectPids(db, p);
  chainToEarlierExecs(db, p);
  linkToEarlierParents(db, p);
  adoptOrphanPlaceholders(db, p, "added");
  mergeEarlierPlaceholders(db, p);
  linkStoredToAddedExecs(db, p);
  adoptOrphanPlaceholders(db, p, "stored");
  unchainStoredOverAddedExecs(db, p);
  chainStoredToAddedExecs(db, p);
  alignChainParents(db);
  dropUnusedPlaceholders(db, p);
}

/**
 * The execs and placeholders of each (node, pid) this ingest has a row for or knows as
 * a placeholder's parent, in temp tables: every lookup below is one seek (through the events, a
 * busy pid's would be read per child).
 */
function collectPids(db: Database.Database, p: MarkedRanges): void {
  // Typed as in processes: a comparison with an untyped column could not use the index.
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS link_pids (node TEXT, pid INTEGER, PRIMARY KEY (node, pid)) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS link_execs (id INTEGER PRIMARY KEY, node TEXT, pid INTEGER, time_ms INTEGER,
      serial INTEGER, ppid INTEGER, success INTEGER);
    CREATE INDEX IF NOT EXISTS temp.link_execs_at ON link_execs (node, pid, time_ms, serial);
    CREATE TEMP TABLE IF NOT EXISTS link_placeholders (id INTEGER PRIMARY KEY, node TEXT, pid INTEGER);
    CREATE INDEX IF NOT EXISTS temp.link_placeholders_of ON link_placeholders (node, pid);`);
  for (const table of ["link_pids", "link_execs", "link_placeholders"])
    db.prepare(`DELETE FROM temp.${table}`).run();
  addPids(
    db,
    p,
    `SELECT node, pid FROM processes WHERE id > @process AND id < @end
    UNION ALL SELECT node, ppid FROM processes WHERE id > @process AND id < @end AND placeholder = 1 AND ppid IS NOT NULL`,
  );
}

/** Adds the (node, pid) pairs that `pids` selects, with their execs and placeholders (`pid N (not seen)`). */
function addPids(db: Database.Database, p: MarkedRanges, pids: string): void {
  if (db.prepare(`INSERT OR IGNORE INTO temp.link_pids (node, pid) ${pids}`).run(p).changes === 0) return;
  db.prepare(`INSERT OR IGNORE INTO temp.link_execs (id, node, pid, time_ms, serial, ppid, success)
    SELECT p.id, p.node, p.pid, p.time_ms, e.serial, p.ppid, p.success FROM processes p JOIN events e ON e.id = p.event_id
    WHERE p.id >= @base AND p.id < @end AND p.placeholder = 0 AND (p.node, p.pid) IN (SELECT node, pid FROM temp.link_pids)`).run(
    p,
  );
  db.prepare(`INSERT OR IGNORE INTO temp.link_placeholders (id, node, pid) SELECT id, node, pid FROM processes
    WHERE id >= @base AND id < @end AND placeholder = 1 AND time_ms IS NULL
      AND (node, pid) IN (SELECT node, pid FROM temp.link_pids)`).run(p);
}

/**
 * Where a row stands in the log, across ingests (event ids follow the order files were added):
 * its time and serial. A NULL serial (a placeholder made at a fork) stands after its whole millisecond.
 */
interface At {
  time: string;
  serial: string;
}

const EXEC_AT = (x: string): At => ({ time: `${x}.time_ms`, serial: `${x}.serial` });

/** Is `a` before `b` in the log? */
function isBefore(a: At, b: At): string {
  return `(${a.time} < ${b.time} OR (${a.time} = ${b.time} AND ${a.serial} < ${b.serial}))`;
}

/**
 * Where a process row stands: its exec's event; a placeholder, where its first child does (it
 * was made for that child; after an older file was added, not the child with the lowest id).
 */
function rowAt(row: string): At {
  const firstChild = (
    column: string,
  ) => `(SELECT ${column} FROM processes r LEFT JOIN events e ON e.id = r.event_id
    WHERE r.dataset_id = @id AND r.parent_id = ${row}.id AND r.time_ms IS NOT NULL ORDER BY r.time_ms, e.serial LIMIT 1)`;
  return {
    time: `COALESCE(${row}.time_ms, ${firstChild("r.time_ms")})`,
    serial: `CASE WHEN ${row}.event_id IS NOT NULL THEN (SELECT e.serial FROM events e WHERE e.id = ${row}.event_id)
      WHEN ${row}.time_ms IS NULL THEN ${firstChild("e.serial")} END`,
  };
}

/** The latest exec of (node, pid) before `at` that replaced the image, among those `where` allows. */
function latestExec(node: string, pid: string, at: At, where: string): string {
  return `(SELECT x.id FROM temp.link_execs x
    WHERE x.node = ${node} AND x.pid = ${pid} AND x.time_ms <= ${at.time} AND ${isBefore(EXEC_AT("x"), at)}
      AND x.success IS NOT 0 AND ${where}
    ORDER BY x.time_ms DESC, x.serial DESC LIMIT 1)`;
}

/**
 * The latest placeholder among `which` for the pid of exec `x` (of link_execs), made before it
 * and after the pid's last exec before it that replaced the image: the process `x` re-exec'd, if
 * their parent pids agree.
 */
function placeholderBefore(x: string, which: string): string {
  const made = rowAt("ph");
  const m: At = { time: "m.time", serial: "m.serial" };
  return `(SELECT m.id FROM (SELECT ph.id, ${made.time} AS time, ${made.serial} AS serial
      FROM temp.link_placeholders l JOIN processes ph ON ph.id = l.id
      WHERE l.node = ${x}.node AND l.pid = ${x}.pid AND ${which}) m
    WHERE ${isBefore(m, EXEC_AT(x))} AND NOT EXISTS (SELECT 1 FROM temp.link_execs y
      WHERE y.node = ${x}.node AND y.pid = ${x}.pid AND y.success IS NOT 0 AND y.time_ms BETWEEN m.time AND ${x}.time_ms
        AND ${isBefore(m, EXEC_AT("y"))} AND ${isBefore(EXEC_AT("y"), EXEC_AT(x))})
    ORDER BY m.time DESC, m.serial DESC LIMIT 1)`;
}

/** This ingest's placeholders for a pid it knew nothing of (`pid N (not seen)`). */
const OWN_PLACEHOLDERS = `id > @process AND id < @end AND placeholder = 1 AND time_ms IS NULL`;

/**
 * A row `ph` and an exec `x` of its pid may be one process: `ph` is an exec, or a placeholder (its
 * parent pid is all it tells) whose parent pid agrees, is unknown or is init's (an orphan's).
 */
const SAME_PROCESS = (ph: string) =>
  `(${ph}.placeholder = 0 OR ${ph}.ppid IS NULL OR x.ppid = ${ph}.ppid OR ${ph}.ppid = 1)`;

/**
 * `kids`: the children `from` joins (as `c`, with their parent row as `ph`), with where each
 * stands and their parent's pid.
 */
function childrenAt(from: string): string {
  const at = rowAt("c");
  return `kids AS MATERIALIZED (SELECT c.id, ph.node, ph.pid, ph.ppid, ph.placeholder, ${at.time} AS time,
    ${at.serial} AS serial ${from})`;
}

const KID_AT: At = { time: "k.time", serial: "k.serial" };

/** Pids this ingest saw exec'ing. */
const ADDED_EXEC_PIDS = `(SELECT node, pid FROM temp.link_execs WHERE id > @process)`;

/**
 * The execs this ingest saw of a pid up to the first that replaced its image, re-exec'ing the
 * image an earlier ingest stored (same pid, same parent pid): an exec chain after it, with its
 * parent, not a new child (nor a chain after this ingest's placeholder for the pid).
 */
function chainToEarlierExecs(db: Database.Database, p: MarkedRanges): void {
  // `replaced` counts the pid's execs that replaced the image, up to this one.
  db.prepare(`WITH firsts AS MATERIALIZED (
      SELECT id FROM (SELECT id, success,
          sum(success IS NOT 0) OVER (PARTITION BY node, pid ORDER BY id ROWS UNBOUNDED PRECEDING) AS replaced
        FROM processes WHERE id > @process AND id < @end AND placeholder = 0)
      WHERE replaced = (success IS NOT 0)),
    found AS MATERIALIZED (
      SELECT c.id AS exec, COALESCE(${placeholderBefore("c", "l.id <= @process")},
        ${latestExec("c.node", "c.pid", EXEC_AT("c"), "x.id <= @process")}) AS prev
      FROM firsts f CROSS JOIN temp.link_execs c ON c.id = f.id CROSS JOIN processes own ON own.id = c.id
      WHERE c.ppid IS NOT NULL AND c.ppid <> c.pid
        AND (own.chain_prev_id IS NULL OR own.chain_prev_id IN (SELECT id FROM processes WHERE ${OWN_PLACEHOLDERS})))
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.exec AND k.ppid = processes.ppid`).run(p);
}

/**
 * Children this ingest linked to a placeholder whose pid's exec is stored from an earlier ingest
 * of the dataset: linked to the latest such exec before them that replaced the pid's image. A
 * placeholder whose parent differs from the exec's is a different process (unless init's: an
 * orphan's) and kept.
 */
function linkToEarlierParents(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH ${childrenAt(`FROM processes c JOIN processes ph ON ph.id = c.parent_id
      WHERE c.id > @process AND c.id < @end AND ph.id > @process AND ph.placeholder = 1 AND ph.time_ms IS NULL`)},
    found AS MATERIALIZED (
      SELECT k.id AS child, ${latestExec("k.node", "k.pid", KID_AT, `x.id <= @process AND ${SAME_PROCESS("k")}`)} AS parent
      FROM kids k)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent IS NOT NULL`).run(p);
}

/**
 * Placeholders of one side (this ingest's or the stored ones) with a known parent pid but no
 * parent row (the pid had none when they were made there): the child of that pid's latest exec,
 * or else placeholder, that the other side made before them, as one ingest would have linked.
 */
function adoptOrphanPlaceholders(db: Database.Database, p: MarkedRanges, side: "added" | "stored"): void {
  // A stored placeholder that this ingest's was merged into stands for it too.
  const [own, other, otherPlaceholder] =
    side === "added"
      ? ["c.id > @process AND c.id < @end", "<= @process", "l.id <= @process"]
      : [
          "c.id >= @base AND c.id <= @process",
          "> @process",
          "(l.id > @process OR l.id IN (SELECT twin FROM temp.placeholder_twins))",
        ];
  const [at, made] = [rowAt("c"), rowAt("q")];
  const orphan: At = { time: "c.time", serial: "c.serial" };
  const placeholder: At = { time: "m.time", serial: "m.serial" };
  // When each placeholder of their parent pids was made, once (init's may have thousands of children).
  db.prepare(`WITH orphans AS MATERIALIZED (
      SELECT c.id, c.node, c.ppid, ${at.time} AS time, ${at.serial} AS serial FROM processes c
      WHERE ${own} AND placeholder = 1 AND ppid IS NOT NULL AND parent_id IS NULL),
    made AS MATERIALIZED (
      SELECT q.id, q.node, q.pid, ${made.time} AS time, ${made.serial} AS serial
      FROM temp.link_placeholders l JOIN processes q ON q.id = l.id
      WHERE ${otherPlaceholder} AND (l.node, l.pid) IN (SELECT node, ppid FROM orphans)),
    found AS MATERIALIZED (
      SELECT c.id AS child, COALESCE(${latestExec("c.node", "c.ppid", orphan, `x.id ${other}`)},
        (SELECT m.id FROM made m WHERE m.node = c.node AND m.pid = c.ppid AND ${isBefore(placeholder, orphan)}
          ORDER BY m.time DESC, m.serial DESC LIMIT 1)) AS parent
      FROM orphans c)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent IS NOT NULL`).run(p);
}

/**
 * A placeholder of this ingest for a pid an earlier ingest also never saw exec'ing is that
 * ingest's placeholder when they are next to each other in the pid's life (no exec of the pid, nor
 * another placeholder of it, between them) and their parent pids agree or one is unknown: one
 * `pid N (not seen)` with all its children, not one per ingest. The parent pid (and parent) kept is
 * the one the first of them knew, or else the one the other learnt.
 */
function mergeEarlierPlaceholders(db: Database.Database, p: MarkedRanges): void {
  db.exec(
    `CREATE TEMP TABLE IF NOT EXISTS placeholder_twins (own INTEGER PRIMARY KEY, twin INTEGER, own_first INTEGER)`,
  );
  db.prepare(`DELETE FROM temp.placeholder_twins`).run();
  placePlaceholders(db, p, "1");
  // Placeholders made at a fork (the pid born anew) stand in its life too, after their millisecond.
  db.prepare(`INSERT OR IGNORE INTO temp.placeholders_at (id, node, pid, ppid, time_ms, serial)
    SELECT id, node, pid, ppid, time_ms, ${Number.MAX_SAFE_INTEGER} FROM processes
    WHERE id >= @base AND id < @end AND placeholder = 1 AND time_ms IS NOT NULL
      AND (node, pid) IN (SELECT node, pid FROM temp.link_pids)`).run(p);
  const [o, s] = [EXEC_AT("o"), EXEC_AT("s")];
  const between = (x: string) => {
    const at = EXEC_AT(x);
    return `${x}.node = o.node AND ${x}.pid = o.pid AND ${x}.time_ms BETWEEN min(o.time_ms, s.time_ms) AND max(o.time_ms, s.time_ms)
      AND ((${isBefore(o, at)} AND ${isBefore(at, s)}) OR (${isBefore(s, at)} AND ${isBefore(at, o)}))`;
  };
  // Each placeholder has at most one neighbour on each side: the one whose parent pid is the same,
  // else the earlier, is its twin; and each twin takes one (the same way).
  db.prepare(`INSERT INTO temp.placeholder_twins (own, twin, own_first)
    WITH pairs AS MATERIALIZED (
      SELECT o.id AS own, s.id AS twin, ${isBefore(o, s)} AS own_first, s.ppid IS o.ppid AS alike
      FROM temp.placeholders_at o JOIN temp.placeholders_at s ON s.node = o.node AND s.pid = o.pid
      WHERE o.id > @process AND s.id <= @process AND o.time_ms IS NOT NULL AND s.time_ms IS NOT NULL
        AND (s.ppid IS o.ppid OR s.ppid IS NULL OR o.ppid IS NULL)
        AND NOT EXISTS (SELECT 1 FROM temp.placeholders_at r WHERE ${between("r")} AND r.id NOT IN (o.id, s.id))
        AND NOT EXISTS (SELECT 1 FROM temp.link_execs r WHERE ${between("r")} AND r.success IS NOT 0)),
    best AS (SELECT *, row_number() OVER (PARTITION BY own ORDER BY alike DESC, own_first) AS n FROM pairs)
    SELECT own, twin, own_first FROM (SELECT *, row_number() OVER (PARTITION BY twin ORDER BY alike DESC, own_first DESC) AS m
      FROM best WHERE n = 1) WHERE m = 1`).run(p);
  repointToTwins(db, p, `SELECT own, twin FROM temp.placeholder_twins`);
  db.prepare(`UPDATE processes SET ppid = own.ppid,
      parent_id = COALESCE((SELECT up.twin FROM temp.placeholder_twins up WHERE up.own = own.parent_id), own.parent_id)
    FROM temp.placeholder_twins t JOIN processes own ON own.id = t.own
    WHERE processes.id = t.twin AND own.ppid IS NOT NULL AND (t.own_first OR processes.ppid IS NULL)`).run(p);
}

/**
 * Stored rows that this ingest's execs come before (an older file added after a newer one, or
 * between two): a stored child of a placeholder or exec of a pid this ingest saw exec'ing before
 * it is that exec's child.
 */
function linkStoredToAddedExecs(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH parents AS MATERIALIZED (
      SELECT id FROM temp.link_placeholders WHERE id <= @process AND (node, pid) IN ${ADDED_EXEC_PIDS}
      UNION ALL SELECT id FROM temp.link_execs WHERE id <= @process AND (node, pid) IN ${ADDED_EXEC_PIDS}),
    ${childrenAt(`FROM parents s CROSS JOIN processes ph ON ph.id = s.id
      CROSS JOIN processes c ON c.dataset_id = @id AND c.parent_id = ph.id WHERE c.id <= @process`)},
    found AS MATERIALIZED (
      SELECT k.id AS child, ${latestExec("k.node", "k.pid", KID_AT, SAME_PROCESS("k"))} AS parent FROM kids k)
    UPDATE processes SET parent_id = found.parent FROM found
    WHERE processes.id = found.child AND found.parent > @process`).run(p);
}

/**
 * A stored exec chained to an image that an exec this ingest added, with another parent pid,
 * replaced before it (a file added between two stored ones): not a re-exec but a new process, the
 * child of its parent pid's latest exec or placeholder before it, else of a new `pid N (not seen)`.
 */
function unchainStoredOverAddedExecs(db: Database.Database, p: MarkedRanges): void {
  const stored = EXEC_AT("s");
  const prev = rowAt("q");
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS unchained (id INTEGER PRIMARY KEY, node TEXT, ppid INTEGER,
    time_ms INTEGER, serial INTEGER, parent INTEGER)`);
  db.prepare(`DELETE FROM temp.unchained`).run();
  const inserted = db
    .prepare(`INSERT INTO temp.unchained (id, node, ppid, time_ms, serial)
    SELECT s.id, s.node, s.ppid, s.time_ms, s.serial FROM temp.link_execs s
      JOIN processes c ON c.id = s.id JOIN processes q ON q.id = c.chain_prev_id
      JOIN temp.link_execs y ON y.id = ${latestExec("s.node", "s.pid", stored, "1")}
    WHERE s.id <= @process AND s.ppid IS NOT NULL AND s.ppid <> s.pid AND (s.node, s.pid) IN ${ADDED_EXEC_PIDS}
      AND y.id > @process AND y.ppid IS NOT s.ppid AND ${isBefore(prev, EXEC_AT("y"))}`)
    .run(p).changes;
  if (inserted === 0) return;
  addPids(db, p, `SELECT node, ppid FROM temp.unchained`);
  placePlaceholders(db, p, "(l.node, l.pid) IN (SELECT node, ppid FROM temp.unchained)");
  const u = EXEC_AT("u");
  db.prepare(`UPDATE temp.unchained AS u SET parent = COALESCE(${latestExec("u.node", "u.ppid", u, "1")},
    (SELECT m.id FROM temp.placeholders_at m WHERE m.node = u.node AND m.pid = u.ppid AND m.time_ms <= u.time_ms
      AND ${isBefore(EXEC_AT("m"), u)} ORDER BY m.time_ms DESC, m.serial DESC LIMIT 1))`).run(p);
  // One placeholder per parent pid, as one ingest makes (with its first child's session).
  const made = { ...p, last: lastProcessId(db, p) };
  db.prepare(`INSERT INTO processes (id, dataset_id, node, pid, ses, auid, placeholder)
    SELECT @last + row_number() OVER (ORDER BY min(u.id)), @id, u.node, u.ppid, c.ses, c.auid, 1
    FROM temp.unchained u JOIN processes c ON c.id = u.id WHERE u.parent IS NULL GROUP BY u.node, u.ppid`).run(
    made,
  );
  db.prepare(`UPDATE temp.unchained AS u SET parent = (SELECT ph.id FROM processes ph
      WHERE ph.id > @last AND ph.id < @end AND ph.node = u.node AND ph.pid = u.ppid) WHERE parent IS NULL`).run(
    made,
  );
  db.prepare(`UPDATE processes SET chain_prev_id = NULL, parent_id = u.parent FROM temp.unchained u
    WHERE processes.id = u.id`).run();
}

/**
 * A stored exec re-exec'ing an image this ingest added (same pid and parent pid, the latest before
 * it) is its chain. The pids of stored children now linked to this ingest's rows join the execs
 * whose chains are aligned next.
 */
function chainStoredToAddedExecs(db: Database.Database, p: MarkedRanges): void {
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT x.id AS next, (SELECT y.id FROM temp.link_execs y
          WHERE y.node = x.node AND y.pid = x.pid AND y.success IS NOT 0 AND y.time_ms <= x.time_ms
            AND ${isBefore(EXEC_AT("y"), EXEC_AT("x"))}
          ORDER BY y.time_ms DESC, y.serial DESC LIMIT 1) AS prev
      FROM temp.link_execs x
      WHERE x.id <= @process AND x.ppid IS NOT NULL AND x.ppid <> x.pid AND (x.node, x.pid) IN ${ADDED_EXEC_PIDS})
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.next AND found.prev > @process AND processes.ppid = k.ppid`).run(p);
  db.prepare(`WITH found AS MATERIALIZED (
      SELECT x.id AS next, ${placeholderBefore("x", "l.id > @process")} AS prev
      FROM temp.link_execs x JOIN processes c ON c.id = x.id
      WHERE x.id <= @process AND x.ppid IS NOT NULL AND x.ppid <> x.pid
        AND (x.node, x.pid) IN (SELECT node, pid FROM temp.link_placeholders WHERE id > @process)
        AND (c.chain_prev_id IS NULL OR c.chain_prev_id IN (SELECT id FROM temp.link_placeholders WHERE id <= @process)))
    UPDATE processes SET chain_prev_id = k.id, parent_id = k.parent_id
    FROM found JOIN processes k ON k.id = found.prev
    WHERE processes.id = found.next AND processes.ppid = k.ppid`).run(p);
  addPids(
    db,
    p,
    `SELECT c.node, c.pid FROM processes x CROSS JOIN processes c ON c.dataset_id = @id AND c.parent_id = x.id
    WHERE x.id > @process AND x.id < @end AND c.id <= @process`,
  );
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
  db.exec(PROCESS_TWINS_TABLE);
  db.prepare(`DELETE FROM temp.process_twins`).run();
  db.prepare(`INSERT INTO temp.process_twins (own, twin) ${pairs}`).run(p);
  for (const column of ["parent_id", "chain_prev_id"]) {
    db.prepare(`UPDATE processes SET ${column} = (SELECT twin FROM temp.process_twins WHERE own = processes.${column})
      WHERE id > @process AND id < @end AND ${column} IN (SELECT own FROM temp.process_twins)`).run(p);
  }
}

/**
 * Where the placeholders of link_placeholders that `where` (on `l`) selects stand now (see
 * rowAt), in a temp table by pid and place: worked out once each (a placeholder's first child is
 * found among all its children: init's may have thousands).
 */
function placePlaceholders(db: Database.Database, p: MarkedRanges, where: string): void {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS placeholders_at (id INTEGER PRIMARY KEY, node TEXT, pid INTEGER,
      ppid INTEGER, time_ms INTEGER, serial INTEGER);
    CREATE INDEX IF NOT EXISTS temp.placeholders_at_pid ON placeholders_at (node, pid, time_ms, serial);`);
  db.prepare(`DELETE FROM temp.placeholders_at`).run();
  const made = rowAt("q");
  db.prepare(`INSERT INTO temp.placeholders_at (id, node, pid, ppid, time_ms, serial)
    SELECT l.id, l.node, l.pid, q.ppid, ${made.time}, ${made.serial}
    FROM temp.link_placeholders l JOIN processes q ON q.id = l.id WHERE ${where}`).run(p);
}

/** The highest process id of the dataset: rows made here come after it, in this ingest's range. */
function lastProcessId(db: Database.Database, p: MarkedRanges): number {
  return (
    db
      .prepare<MarkedRanges, { last: number }>(
        `SELECT max(id) AS last FROM processes WHERE id >= @base AND id < @end`,
      )
      .get(p)?.last ?? p.process
  );
}

/** The dataset's placeholders that no row points at any more (one may point at another: repeated). */
function dropUnusedPlaceholders(db: Database.Database, p: MarkedRanges): void {
  const drop = db.prepare(`DELETE FROM processes WHERE id >= @base AND id < @end AND placeholder = 1
    AND NOT EXISTS (SELECT 1 FROM processes r WHERE r.dataset_id = @id AND r.parent_id = processes.id)
    AND id NOT IN (SELECT chain_prev_id FROM processes WHERE id >= @base AND id < @end AND chain_prev_id IS NOT NULL)`);
  while (drop.run(p).changes > 0);
}
