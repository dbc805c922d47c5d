import type Database from "better-sqlite3";
import { eventFacts } from "../audit/event-facts";
import { parseBuffer } from "../audit/parser";
import { summarize } from "../audit/summary";
import type { AuditEvent, AuditRecord } from "../audit/types";
import { argvJson } from "../derive/processes";
import { SessionTracker } from "../derive/sessions";
import type { SessionRow } from "../derive/types";
import { eventRow } from "../ingest/batch-builder";
import type { SummaryCounter } from "../ingest/dataset-summary";
import { searchTextOf } from "../ingest/search-text";
import { EVENT_COLUMN, type EventTuple } from "../ingest/write-batch";
import { REPORT_KINDS } from "../reports/aureport/kinds";
import { addReportRows } from "../reports/derive";
import type { ReportWriter } from "../reports/report-writer";
import { emptyReportRows } from "../reports/rows";
import type { RawLineReader } from "./raw-lines";

/** The events columns an EventTuple holds, in its order. */
const TUPLE_COLUMNS = `id, file_id, line, node, time_ms, serial, types, record_count, syscall, arch, success, exit,
  pid, ppid, auid, uid, euid, gid, ses, tty, comm, exe, keys, actor, action, object, result, raw_block_id,
  raw_offset, raw_length`;

const KIND_BITS = JSON.stringify(REPORT_KINDS.map((kind) => kind.bit));

/**
 * The records but those whose line is the start of another's: a log copied while a line was
 * being written ends in that line cut short, and the copy made later holds it whole.
 */
function withoutCutLines(records: AuditRecord[]): AuditRecord[] {
  return records.filter(
    (cut) => !records.some((whole) => whole.raw.length > cut.raw.length && whole.raw.startsWith(cut.raw)),
  );
}

/**
 * Derives again the rows of stored events that records reached after they were written (the rest
 * of an event in a file added later, a log copied again after it grew): their fields, search text,
 * report rows, exec row and the overview's counts, as if all their lines had come at once.
 * Inside the caller's transaction. Process links are kept: the exec row is updated in place.
 */
export class EventRederiver {
  /** The login details the events' whole records show, as parts of their sessions. */
  private readonly sessions = new SessionTracker();
  private readonly row: Database.Statement<[number], unknown[]>;
  private readonly update: Database.Statement;
  private readonly dropSearch: Database.Statement<[number]>;
  private readonly insertSearch: Database.Statement<[number, string]>;
  private readonly dropKinds: Database.Statement;
  private readonly dropReportEvents: Database.Statement;
  private readonly dropReportItems: Database.Statement;
  private readonly updateExec: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly datasetId: number,
    private readonly reports: ReportWriter,
    private readonly summary: SummaryCounter,
    private readonly raw: RawLineReader,
  ) {
    this.row = db.prepare<[number], unknown[]>(`SELECT ${TUPLE_COLUMNS} FROM events WHERE id = ?`).raw();
    this.update =
      db.prepare(`UPDATE events SET types = ?, record_count = ?, syscall = ?, arch = ?, success = ?,
      exit = ?, pid = ?, ppid = ?, auid = ?, uid = ?, euid = ?, gid = ?, ses = ?, tty = ?, comm = ?, exe = ?, keys = ?,
      actor = ?, action = ?, object = ?, result = ? WHERE id = ?`);
    this.dropSearch = db.prepare(`DELETE FROM events_fts WHERE rowid = ?`);
    this.insertSearch = db.prepare(`INSERT INTO events_fts (rowid, text) VALUES (?, ?)`);
    // By the indexes that lead with the dataset, the kind and the time (the event's).
    const at = `dataset_id = @dataset AND time_ms = @time`;
    this.dropKinds = db.prepare(`DELETE FROM report_kinds WHERE ${at}
      AND kind IN (SELECT value FROM json_each(@kinds))
      AND row_id IN (SELECT id FROM report_events WHERE ${at} AND event_id = @event)`);
    this.dropReportEvents = db.prepare(`DELETE FROM report_events WHERE ${at} AND event_id = @event`);
    this.dropReportItems = db.prepare(`DELETE FROM report_items WHERE ${at}
      AND kind IN (SELECT value FROM json_each(@kinds)) AND event_id = @event`);
    this.updateExec = db.prepare(`UPDATE processes SET exe = ?, comm = ?, argv = ?, cwd = ?
      WHERE dataset_id = ? AND event_id = ? AND placeholder = 0`);
  }

  /**
   * Returns how many records the event gained: fewer than the lines that came late when one of
   * them is the whole of a line cut short, which it replaces.
   */
  rederive(eventId: number): number {
    const before = this.row.get(eventId) as EventTuple | undefined;
    const raw = this.raw.read(eventId);
    if (!before || !raw) return 0;
    const [
      id,
      fileId,
      ,
      node,
      timeMs,
      serial,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      ,
      blockId,
      offset,
      rawLength,
    ] = before;
    // All its lines, stored and late, as one event (the parser may cut them on an EOE).
    const event: AuditEvent = {
      node: node === "" ? null : node,
      sec: Math.floor(timeMs / 1000),
      ms: timeMs % 1000,
      serial,
      records: withoutCutLines(parseBuffer(raw).events.flatMap((parsed) => parsed.records)),
    };
    const facts = eventFacts(event);
    const after = eventRow({
      id,
      fileId,
      event,
      facts,
      summary: summarize(facts),
      blockId,
      offset,
      rawLength,
    });
    this.update.run(...after.slice(6, 27), id);
    this.summary.add(before, -1);
    this.summary.add(after, 1);
    this.dropSearch.run(id);
    const search = searchTextOf(facts);
    if (search) this.insertSearch.run(id, search);
    const where = { dataset: this.datasetId, time: timeMs, event: id, kinds: KIND_BITS };
    this.dropKinds.run(where);
    this.dropReportEvents.run(where);
    this.dropReportItems.run(where);
    const rows = emptyReportRows();
    addReportRows({ event, eventId: id, timeMs, node }, rows);
    this.reports.write(rows);
    this.updateExec.run(facts.exe, facts.comm, argvJson(facts), facts.cwd, this.datasetId, id);
    this.sessions.add({ eventId: id, node, timeMs, serial, facts });
    return after[EVENT_COLUMN.recordCount] - before[EVENT_COLUMN.recordCount];
  }

  /**
   * Parts of the sessions of the events derived again, to merge into the dataset's: what their
   * whole records show of how a session began (a LOGIN whose SYSCALL came late names its
   * program). Their counts are taken again from the stored events.
   */
  sessionParts(): SessionRow[] {
    return [...this.sessions.takeSetAside(), ...this.sessions.rows()];
  }
}
