import type Database from "better-sqlite3";
import { EXEC_SYSCALLS } from "../derive/processes";
import type { SessionRow } from "../derive/types";
import { SummaryCounter } from "../ingest/dataset-summary";
import { datasetIdBase, ID_STRIDE } from "../ingest/ids";
import { EVENT_COLUMN, type EventTuple, type MalformedTuple, type WriteBatch } from "../ingest/write-batch";
import { ReportWriter } from "../reports/report-writer";
import { RawLineReader } from "./raw-lines";
import { EventRederiver } from "./rederive-events";
import { SKIPPED_EVENTS_TABLE } from "./skipped-processes";

/** A ProcessTuple's row, in a dataset given as @dataset. */
export const INSERT_PROCESS = `INSERT INTO processes (id, dataset_id, event_id, parent_id, chain_prev_id, node,
  pid, ppid, ses, auid, uid, euid, exe, comm, argv, cwd, time_ms, success, placeholder)
  VALUES (?, @dataset, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** A placeholder's parent pid and row, learnt after it was written: [ppid, parent id, id]. */
export const SET_PLACEHOLDER_PPID = `UPDATE processes SET ppid = ?, parent_id = ? WHERE id = ? AND placeholder = 1
  AND ppid IS NULL`;

/** Only this many malformed lines are kept per dataset; the true total is counted elsewhere. */
export const MALFORMED_KEPT = 10_000;

const SESSION_COLUMNS = `node, ses, auid, user_name, kind, addr, hostname, terminal, start_ms, end_ms,
  events, execs, failures, has_tty, first_ms, kind_score, addr_score, hostname_score, terminal_score, auid_from_login,
  auid_ms, kind_ms, addr_ms, hostname_ms, terminal_ms`;
const SESSION_VALUES = SESSION_COLUMNS.split(",")
  .map(() => "?")
  .join(", ");

/**
 * When a detail's source record was written; rows merged before these columns existed: their
 * part's first event's time, else its start.
 */
const WHEN = (row: string, column: string) => `coalesce(${row}.${column}, ${row}.first_ms, ${row}.start_ms)`;

/**
 * Does the part being added hold a better source for a login detail than the stored row (a lower
 * score, or an equal one written earlier)? A stored value with no score (merged before scores
 * were kept) is kept, as it was then.
 */
function addedIsBetter(column: string, none: string): string {
  const [score, ms] = [`${column}_score`, `${column}_ms`];
  const stored = `coalesce(sessions.${score}, CASE WHEN sessions.${column} IS ${none} THEN NULL ELSE -1 END)`;
  return `(excluded.${score} IS NOT NULL AND (${stored} IS NULL OR excluded.${score} < ${stored}
    OR (excluded.${score} = ${stored} AND ${WHEN("excluded", ms)} < ${WHEN("sessions", ms)})))`;
}

/** The better sourced of the two values of a login detail, with its source. */
function mergeDetail(column: string, none = "NULL"): string {
  const better = addedIsBetter(column, none);
  return [column, `${column}_score`, `${column}_ms`]
    .map((c) => `${c} = CASE WHEN ${better} THEN excluded.${c} ELSE sessions.${c} END`)
    .join(",\n  ");
}

/**
 * Merges the parts of a session (set aside during an ingest, or from files added apart) as the
 * session tracker would have: each login detail from its best source, the auid of a LOGIN record
 * (the latest) over one any event showed (the earliest), counts added up.
 */
const AUID_FROM_ADDED = `CASE
    WHEN excluded.auid_from_login = 1 AND coalesce(sessions.auid_from_login, 0) = 0 THEN 1
    WHEN excluded.auid_from_login = 0 AND sessions.auid_from_login = 1 THEN 0
    WHEN excluded.auid_from_login = 1 THEN ${WHEN("excluded", "auid_ms")} > ${WHEN("sessions", "auid_ms")}
    ELSE sessions.auid IS NULL
      OR (excluded.auid IS NOT NULL AND ${WHEN("excluded", "auid_ms")} < ${WHEN("sessions", "auid_ms")}) END`;
const MERGE_SESSION = `ON CONFLICT (dataset_id, node, ses) DO UPDATE SET
  auid = CASE WHEN ${AUID_FROM_ADDED} THEN excluded.auid ELSE sessions.auid END,
  auid_ms = CASE WHEN ${AUID_FROM_ADDED} THEN excluded.auid_ms ELSE sessions.auid_ms END,
  auid_from_login = max(coalesce(sessions.auid_from_login, 0), excluded.auid_from_login),
  user_name = coalesce(sessions.user_name, excluded.user_name),
  ${mergeDetail("kind", "'unknown'")},
  ${mergeDetail("addr")},
  ${mergeDetail("hostname")},
  ${mergeDetail("terminal")},
  start_ms = min(sessions.start_ms, excluded.start_ms),
  end_ms = CASE WHEN sessions.end_ms IS NULL THEN excluded.end_ms WHEN excluded.end_ms IS NULL THEN sessions.end_ms
                ELSE max(sessions.end_ms, excluded.end_ms) END,
  events = sessions.events + excluded.events,
  execs = sessions.execs + excluded.execs,
  failures = sessions.failures + excluded.failures,
  has_tty = sessions.has_tty OR excluded.has_tty,
  first_ms = min(coalesce(sessions.first_ms, sessions.start_ms), excluded.first_ms)`;

function sessionValues(s: SessionRow) {
  return [
    s.node,
    s.ses,
    s.auid,
    s.userName,
    s.kind,
    s.addr,
    s.hostname,
    s.terminal,
    s.startMs,
    s.endMs,
    s.events,
    s.execs,
    s.failures,
    s.hasTty ? 1 : 0,
    s.evidence.firstMs,
    s.evidence.kind?.score ?? null,
    s.evidence.addr?.score ?? null,
    s.evidence.hostname?.score ?? null,
    s.evidence.terminal?.score ?? null,
    s.evidence.auidFromLogin ? 1 : 0,
    s.evidence.auidMs,
    s.evidence.kind?.ms ?? null,
    s.evidence.addr?.ms ?? null,
    s.evidence.hostname?.ms ?? null,
    s.evidence.terminal?.ms ?? null,
  ] as const;
}

/**
 * The bulk-insert hot path: prepared statements on the writer connection, bound to one dataset.
 * The caller wraps each batch in an immediate transaction.
 */
export class EventWriter {
  private readonly insertEvent: Database.Statement;
  private readonly insertBlock: Database.Statement;
  private readonly insertSearch: Database.Statement;
  private readonly findEvent: Database.Statement<
    [number, string, number, number],
    { id: number; file_id: number }
  >;
  private readonly noteSkipped: Database.Statement<[number, number]>;
  private readonly insertExtra: Database.Statement;
  private readonly insertMalformed: Database.Statement;
  private readonly insertProcess: Database.Statement;
  private readonly setPlaceholderPpid: Database.Statement<[number, number | null, number]>;
  private readonly insertTty: Database.Statement;
  private readonly insertSessionPart: Database.Statement;
  private readonly upsertSession: Database.Statement;
  private readonly mergeSessionParts: Database.Statement<{ dataset: number }>;
  private readonly dropSessionParts: Database.Statement<{ dataset: number }>;
  private readonly recountSessions: Database.Statement<{ dataset: number; execs: string }>;
  private readonly dropEmptySessions: Database.Statement<{ dataset: number }>;
  private readonly raw: RawLineReader;
  private readonly reports: ReportWriter;
  /** The overview's counts of the events this writer inserted (not the duplicates it skipped). */
  readonly summary = new SummaryCounter();
  /** The dataset id as a named parameter, beside each statement's positional ones. */
  private readonly bound: { dataset: number };
  /** Events skipped because the dataset already had them (an overlapping file, a late record). */
  private duplicatesSkipped = 0;
  /** Every event skipped because the dataset already had it: duplicates and late records. */
  private eventsSkipped = 0;
  private eventsAdded = 0;
  /** Stored events that late records reached: derived again when the ingest ends. */
  private readonly regrown = new Set<number>();
  private lateLinesKept = false;
  /** Per file: its events' pieces that came after the event was stored from it (counted again by the parse). */
  private readonly repeatedPieces = new Map<number, number>();
  /** Parts of sessions found when the ingest ends (what events derived again show): merged in `writeSessions`. */
  private lateSessionParts: SessionRow[] = [];
  private recordsAdded = 0;
  private malformedKept: number;
  /** Parent pids learnt for placeholders stored before this ingest: [id, ppid, parent id]. */
  private storedPlaceholderPpids: [number, number, number | null][] = [];

  /**
   * @param lastStoredProcess The last process row id of the dataset before this ingest: rows up
   *   to it change only with its last rows (`linkStoredPlaceholders`), so an ingest undone leaves them as they were.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly datasetId: number,
    private readonly lastStoredProcess: number,
  ) {
    this.bound = { dataset: datasetId };
    this.insertEvent =
      // Only an event the dataset already has is skipped: any other failed constraint is an error, not a duplicate.
      db.prepare(`INSERT INTO events (id, dataset_id, file_id, line, node, time_ms, serial,
      types, record_count, syscall, arch, success, exit, pid, ppid, auid, uid, euid, gid, ses, tty, comm, exe, keys, actor,
      action, object, result, raw_block_id, raw_offset, raw_length)
      VALUES (?, @dataset, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (dataset_id, node, time_ms, serial) DO NOTHING`);
    this.insertBlock = db.prepare(`INSERT INTO raw_blocks (id, dataset_id, data) VALUES (?, @dataset, ?)`);
    this.insertSearch = db.prepare(`INSERT INTO events_fts (rowid, text) VALUES (?, ?)`);
    this.findEvent = db.prepare(
      `SELECT id, file_id FROM events WHERE dataset_id = ? AND node = ? AND time_ms = ? AND serial = ?`,
    );
    // Which stored event each skipped one is (for `replaceSkippedProcesses`): on this connection
    // only, emptied of this dataset's ids first (an undone ingest's ids are given out again).
    db.exec(SKIPPED_EVENTS_TABLE);
    const base = datasetIdBase(datasetId);
    db.prepare(`DELETE FROM temp.skipped_events WHERE skipped >= ? AND skipped < ?`).run(
      base,
      base + ID_STRIDE,
    );
    this.noteSkipped = db.prepare(
      `INSERT OR REPLACE INTO temp.skipped_events (skipped, stored) VALUES (?, ?)`,
    );
    this.insertExtra = db.prepare(`INSERT INTO event_raw_extra (event_id, file_id, lines) VALUES (?, ?, ?)`);
    this.insertMalformed =
      db.prepare(`INSERT INTO malformed_lines (dataset_id, file_id, line, offset, code, message,
      excerpt) VALUES (@dataset, ?, ?, ?, ?, ?, ?)`);
    this.insertProcess = db.prepare(INSERT_PROCESS);
    this.setPlaceholderPpid = db.prepare(SET_PLACEHOLDER_PPID);
    this.insertTty =
      db.prepare(`INSERT INTO tty_input (dataset_id, event_id, node, ses, auid, pid, time_ms, data,
      tokens, lines) VALUES (@dataset, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Sessions set aside during the ingest wait in session_parts: an ingest that never ends leaves
    // the dataset's sessions as they were.
    this.insertSessionPart = db.prepare(`INSERT INTO session_parts (dataset_id, ${SESSION_COLUMNS})
      VALUES (@dataset, ${SESSION_VALUES})`);
    this.upsertSession = db.prepare(`INSERT INTO sessions (dataset_id, ${SESSION_COLUMNS})
      VALUES (@dataset, ${SESSION_VALUES}) ${MERGE_SESSION}`);
    this.mergeSessionParts = db.prepare(`INSERT INTO sessions (dataset_id, ${SESSION_COLUMNS})
      SELECT dataset_id, ${SESSION_COLUMNS} FROM session_parts WHERE dataset_id = @dataset ORDER BY id
      ${MERGE_SESSION}`);
    this.dropSessionParts = db.prepare(`DELETE FROM session_parts WHERE dataset_id = @dataset`);
    const ofSession = `FROM events e WHERE e.dataset_id = sessions.dataset_id AND e.node = sessions.node AND e.ses = sessions.ses`;
    this.recountSessions = db.prepare(`UPDATE sessions SET events = (SELECT count(*) ${ofSession}),
        execs = (SELECT count(*) ${ofSession} AND e.syscall IN (SELECT value FROM json_each(@execs))),
        failures = (SELECT count(*) ${ofSession} AND e.success = 0)
      WHERE dataset_id = @dataset`);
    this.dropEmptySessions = db.prepare(`DELETE FROM sessions WHERE dataset_id = @dataset AND events = 0`);
    this.raw = new RawLineReader(db);
    this.reports = new ReportWriter(db, datasetId);
    this.malformedKept =
      db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM malformed_lines WHERE dataset_id = ?`)
        .get(datasetId)?.n ?? 0;
  }

  /**
   * What this writer added to the dataset: events, and records (a skipped event's late lines
   * included); and the events it skipped because the dataset already had them.
   */
  get added(): { events: number; records: number; duplicates: number } {
    return { events: this.eventsAdded, records: this.recordsAdded, duplicates: this.duplicatesSkipped };
  }

  /**
   * Whether the dataset got anything new: events, or lines of stored events (even those that only
   * replace a line cut short, adding no record).
   */
  get grew(): boolean {
    return this.eventsAdded > 0 || this.lateLinesKept;
  }

  /** Per file id, how many of its events the parse counted more than once: their records came apart in it. */
  repeatedEvents(): [number, number][] {
    return [...this.repeatedPieces];
  }

  /** Whether an event was skipped (its derived rows may have to be removed: `dropRowsOfSkippedEvents`). */
  get skippedEvents(): boolean {
    return this.eventsSkipped > 0;
  }

  /**
   * Writes one batch. Events the dataset already has are skipped; the rows derived from them are
   * written all the same (they may come a batch before their event, and other rows point at their
   * process rows) and removed when the ingest ends (`dropRowsOfSkippedEvents`).
   */
  writeBatch(batch: WriteBatch): void {
    for (const block of batch.blocks) this.insertBlock.run(block.id, block.data, this.bound);
    for (const tuple of batch.events) {
      if (this.insertEvent.run(...tuple, this.bound).changes === 0) {
        this.eventsSkipped++;
        // Records that came late (even in one file) add to an event; only one adding nothing is a duplicate.
        const stored = this.findEvent.get(
          this.datasetId,
          tuple[EVENT_COLUMN.node],
          tuple[EVENT_COLUMN.timeMs],
          tuple[EVENT_COLUMN.serial],
        );
        if (stored) this.noteSkipped.run(tuple[EVENT_COLUMN.id], stored.id);
        const file = tuple[EVENT_COLUMN.fileId];
        if (stored?.file_id === file) this.repeatedPieces.set(file, (this.repeatedPieces.get(file) ?? 0) + 1);
        if (!stored || this.keepLateLines(tuple, batch, stored.id) === 0) this.duplicatesSkipped++;
      } else {
        this.eventsAdded++;
        this.recordsAdded += tuple[EVENT_COLUMN.recordCount];
        this.summary.add(tuple);
      }
    }
    for (const [auid, name] of batch.auidNames) this.summary.nameAuid(auid, name);
    for (const [id, text] of batch.search) this.insertSearch.run(id, text);
    for (const tuple of batch.processes) this.insertProcess.run(...tuple, this.bound);
    for (const learnt of batch.placeholderPpids) {
      if (learnt[0] <= this.lastStoredProcess) this.storedPlaceholderPpids.push(learnt);
      else this.setPlaceholderPpid.run(learnt[1], learnt[2], learnt[0]);
    }
    for (const tuple of batch.tty) this.insertTty.run(...tuple, this.bound);
    this.reports.write(batch.reports);
    for (const s of batch.sessions) this.insertSessionPart.run(...sessionValues(s), this.bound);
    this.writeMalformed(batch.malformed);
  }

  /** Gives placeholders stored before this ingest the parents it learnt; with its last rows, before any rebuild. */
  linkStoredPlaceholders(): void {
    for (const [id, ppid, parent] of this.storedPlaceholderPpids)
      this.setPlaceholderPpid.run(ppid, parent, id);
    this.storedPlaceholderPpids = [];
  }

  /**
   * Derives again the stored events that records reached late, from all their lines (see
   * EventRederiver); before `writeSessions`, which counts sessions from the stored events.
   */
  rederiveRegrown(): void {
    if (this.regrown.size === 0) return;
    const rederiver = new EventRederiver(this.db, this.datasetId, this.reports, this.summary, this.raw);
    // In id order, which is their blocks' order: each block is inflated once.
    for (const id of [...this.regrown].sort((a, b) => a - b)) this.recordsAdded += rederiver.rederive(id);
    this.regrown.clear();
    this.lateSessionParts.push(...rederiver.sessionParts());
  }

  /** Parts of sessions found when the ingest ends (login records bound late): merged by `writeSessions`. */
  addSessionParts(parts: SessionRow[]): void {
    this.lateSessionParts.push(...parts);
  }

  /** A note about a whole file (where its gzip data stopped): kept whatever the cap, as it is one per file. */
  writeFileNote(tuple: MalformedTuple): void {
    this.malformedKept++;
    this.insertMalformed.run(...tuple, this.bound);
  }

  /** Keeps malformed entries up to the dataset's cap (the true total is counted per file). */
  writeMalformed(entries: MalformedTuple[]): void {
    for (const tuple of entries) {
      if (this.malformedKept >= MALFORMED_KEPT) break;
      this.malformedKept++;
      this.insertMalformed.run(...tuple, this.bound);
    }
  }

  /**
   * Merges the sessions set aside during the ingest, then the last derived ones, into the dataset's.
   * They were counted from every parsed event; when some were duplicates the dataset already had,
   * their counts are taken again from the stored events, and a session none of them is in goes
   * (its only event was a stored one's late record, whose event is in another session or none).
   */
  writeSessions(sessions: SessionRow[]): void {
    this.mergeSessionParts.run(this.bound);
    this.dropSessionParts.run(this.bound);
    for (const s of [...sessions, ...this.lateSessionParts])
      this.upsertSession.run(...sessionValues(s), this.bound);
    this.lateSessionParts = [];
    if (this.eventsSkipped > 0) {
      this.recountSessions.run({ dataset: this.datasetId, execs: JSON.stringify([...EXEC_SYSCALLS]) });
      this.dropEmptySessions.run(this.bound);
    }
  }

  /**
   * An event the dataset already has: from an overlapping file (same lines, nothing to add), or
   * records that reached it late. Lines not stored yet are kept beside it, so nothing is lost;
   * returns how many.
   */
  private keepLateLines(tuple: EventTuple, batch: WriteBatch, existingId: number): number {
    const block = batch.blocks.find((b) => b.id === tuple[EVENT_COLUMN.rawBlockId]);
    if (!block) return 0;
    const offset = tuple[EVENT_COLUMN.rawOffset];
    const incoming = this.raw
      .block(block.id, block.data)
      .subarray(offset, offset + tuple[EVENT_COLUMN.rawLength]);
    const stored = this.raw.parts(existingId);
    // An overlapping file's copy of the event, byte for byte: nothing to add, nothing to split.
    if (stored?.own.equals(incoming)) return 0;
    // Lines stored from this piece's own file are other lines of it (a file is read once): two
    // records alike in one event (AVC_PATH) are both kept. Another file's may be a copy of these.
    const file = tuple[EVENT_COLUMN.fileId];
    const known = new Set(
      (stored?.pieces ?? [])
        .filter((piece) => piece.fileId !== file)
        .flatMap(({ lines }) => lines.toString("latin1").split("\n")),
    );
    const missing = incoming
      .toString("latin1")
      .split("\n")
      .filter((line) => !known.has(line));
    if (missing.length > 0) {
      this.insertExtra.run(existingId, tuple[EVENT_COLUMN.fileId], Buffer.from(missing.join("\n"), "latin1"));
      this.regrown.add(existingId);
      this.lateLinesKept = true;
    }
    return missing.length;
  }
}
