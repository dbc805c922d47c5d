import type Database from "better-sqlite3";

/** One event as stored: the columns investigations filter on, its raw lines and its search text. */
export interface EventRow {
  fileId: number;
  line: number;
  node: string;
  timeMs: number;
  serial: number;
  types: string;
  recordCount: number;
  syscall: string | null;
  arch: string | null;
  success: boolean | null;
  exit: number | null;
  pid: number | null;
  ppid: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  gid: number | null;
  ses: number | null;
  tty: string | null;
  comm: string | null;
  exe: string | null;
  keys: string | null;
  actor: string | null;
  action: string;
  object: string | null;
  result: string | null;
  summary: string;
  raw: Buffer;
  searchText: string;
}

export interface MalformedRow {
  fileId: number;
  line: number;
  offset: number;
  code: string;
  message: string;
  excerpt: Buffer;
}

export interface ProcessRow {
  id: number;
  eventId: number | null;
  parentId: number | null;
  chainPrevId: number | null;
  node: string;
  pid: number;
  ppid: number | null;
  ses: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  exe: string | null;
  comm: string | null;
  argv: string | null;
  cwd: string | null;
  timeMs: number | null;
  success: boolean | null;
  placeholder: boolean;
}

export interface TtyRow {
  eventId: number;
  node: string;
  ses: number | null;
  auid: number | null;
  pid: number | null;
  timeMs: number;
  data: Uint8Array;
  tokens: string;
  lines: string;
}

export interface SessionRow {
  node: string;
  ses: number;
  auid: number | null;
  userName: string | null;
  kind: string;
  addr: string | null;
  hostname: string | null;
  terminal: string | null;
  startMs: number;
  endMs: number | null;
  events: number;
  execs: number;
  failures: number;
  hasTty: boolean;
}

const bool = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/**
 * Prepared statements for the bulk-insert hot path, on the writer connection. The caller
 * wraps calls in transactions; every statement is bound to one dataset.
 */
export class EventWriter {
  private readonly insertEventStmt: Database.Statement;
  private readonly insertRawStmt: Database.Statement;
  private readonly insertSearchStmt: Database.Statement;
  private readonly findEventStmt: Database.Statement<[number, string, number, number], { id: number }>;
  private readonly readRawStmt: Database.Statement<[number], { lines: Buffer }>;
  private readonly appendRawStmt: Database.Statement;
  private readonly insertMalformedStmt: Database.Statement;
  private readonly insertProcessStmt: Database.Statement;
  private readonly insertTtyStmt: Database.Statement;
  private readonly upsertSessionStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly datasetId: number,
  ) {
    this.insertEventStmt =
      db.prepare(`INSERT OR IGNORE INTO events (dataset_id, file_id, line, node, time_ms, serial, types,
      record_count, syscall, arch, success, exit, pid, ppid, auid, uid, euid, gid, ses, tty, comm, exe, keys, actor, action,
      object, result, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertRawStmt = db.prepare(`INSERT INTO event_raw (event_id, lines) VALUES (?, ?)`);
    this.insertSearchStmt = db.prepare(`INSERT INTO events_fts (rowid, text) VALUES (?, ?)`);
    this.findEventStmt = db.prepare(
      `SELECT id FROM events WHERE dataset_id = ? AND node = ? AND time_ms = ? AND serial = ?`,
    );
    this.readRawStmt = db.prepare(`SELECT lines FROM event_raw WHERE event_id = ?`);
    this.appendRawStmt = db.prepare(`UPDATE event_raw SET lines = lines || ? WHERE event_id = ?`);
    this.insertMalformedStmt =
      db.prepare(`INSERT INTO malformed_lines (dataset_id, file_id, line, offset, code, message,
      excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.insertProcessStmt =
      db.prepare(`INSERT INTO processes (dataset_id, event_id, parent_id, chain_prev_id, node,
      pid, ppid, ses, auid, uid, euid, exe, comm, argv, cwd, time_ms, success, placeholder)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertTtyStmt =
      db.prepare(`INSERT INTO tty_input (dataset_id, event_id, node, ses, auid, pid, time_ms, data,
      tokens, lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Adding files to a dataset merges their sessions with the ones already there.
    this.upsertSessionStmt =
      db.prepare(`INSERT INTO sessions (dataset_id, node, ses, auid, user_name, kind, addr, hostname,
      terminal, start_ms, end_ms, events, execs, failures, has_tty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (dataset_id, node, ses) DO UPDATE SET
        auid = coalesce(sessions.auid, excluded.auid),
        user_name = coalesce(sessions.user_name, excluded.user_name),
        kind = CASE WHEN sessions.kind = 'unknown' THEN excluded.kind ELSE sessions.kind END,
        addr = coalesce(sessions.addr, excluded.addr),
        hostname = coalesce(sessions.hostname, excluded.hostname),
        terminal = coalesce(sessions.terminal, excluded.terminal),
        start_ms = min(sessions.start_ms, excluded.start_ms),
        end_ms = CASE WHEN sessions.end_ms IS NULL THEN excluded.end_ms WHEN excluded.end_ms IS NULL THEN sessions.end_ms
                      ELSE max(sessions.end_ms, excluded.end_ms) END,
        events = sessions.events + excluded.events,
        execs = sessions.execs + excluded.execs,
        failures = sessions.failures + excluded.failures,
        has_tty = sessions.has_tty OR excluded.has_tty`);
  }

  /**
   * Inserts an event; returns its id, or null when the dataset already has an event with this
   * (node, time, serial). A record of such an event that is not stored yet (a straggler that
   * arrived after its event was completed) is appended to the stored raw lines, so nothing is lost.
   */
  insertEvent(row: EventRow): number | null {
    const info = this.insertEventStmt.run(
      this.datasetId,
      row.fileId,
      row.line,
      row.node,
      row.timeMs,
      row.serial,
      row.types,
      row.recordCount,
      row.syscall,
      row.arch,
      bool(row.success),
      row.exit,
      row.pid,
      row.ppid,
      row.auid,
      row.uid,
      row.euid,
      row.gid,
      row.ses,
      row.tty,
      row.comm,
      row.exe,
      row.keys,
      row.actor,
      row.action,
      row.object,
      row.result,
      row.summary,
    );
    if (info.changes === 0) {
      this.mergeRaw(row);
      return null;
    }
    const id = Number(info.lastInsertRowid);
    this.insertRawStmt.run(id, row.raw);
    if (row.searchText) this.insertSearchStmt.run(id, row.searchText);
    return id;
  }

  private mergeRaw(row: EventRow): void {
    const existing = this.findEventStmt.get(this.datasetId, row.node, row.timeMs, row.serial);
    if (!existing) return;
    const stored = this.readRawStmt.get(existing.id)?.lines ?? Buffer.alloc(0);
    const storedLines = new Set(stored.toString("latin1").split("\n"));
    const missing = row.raw
      .toString("latin1")
      .split("\n")
      .filter((line) => !storedLines.has(line));
    if (missing.length > 0)
      this.appendRawStmt.run(Buffer.from(`\n${missing.join("\n")}`, "latin1"), existing.id);
  }

  insertMalformed(row: MalformedRow): void {
    this.insertMalformedStmt.run(
      this.datasetId,
      row.fileId,
      row.line,
      row.offset,
      row.code,
      row.message,
      row.excerpt,
    );
  }

  /** Inserts a process; `parentId`/`chainPrevId` must already be store ids. Returns its store id. */
  insertProcess(row: Omit<ProcessRow, "id">): number {
    const info = this.insertProcessStmt.run(
      this.datasetId,
      row.eventId,
      row.parentId,
      row.chainPrevId,
      row.node,
      row.pid,
      row.ppid,
      row.ses,
      row.auid,
      row.uid,
      row.euid,
      row.exe,
      row.comm,
      row.argv,
      row.cwd,
      row.timeMs,
      bool(row.success),
      row.placeholder ? 1 : 0,
    );
    return Number(info.lastInsertRowid);
  }

  insertTty(row: TtyRow): void {
    this.insertTtyStmt.run(
      this.datasetId,
      row.eventId,
      row.node,
      row.ses,
      row.auid,
      row.pid,
      row.timeMs,
      Buffer.from(row.data),
      row.tokens,
      row.lines,
    );
  }

  upsertSession(row: SessionRow): void {
    this.upsertSessionStmt.run(
      this.datasetId,
      row.node,
      row.ses,
      row.auid,
      row.userName,
      row.kind,
      row.addr,
      row.hostname,
      row.terminal,
      row.startMs,
      row.endMs,
      row.events,
      row.execs,
      row.failures,
      row.hasTty ? 1 : 0,
    );
  }
}
