import type Database from "better-sqlite3";
import { REPORT_KINDS, SPARSE_KINDS } from "./aureport/kinds";
import { dropCachedResults } from "./cache";
import { EVENT_AT, KIND_FLAG, type ReportEventTuple, type ReportRows } from "./rows";

const SPARSE = REPORT_KINDS.filter((kind) => kind.sparse);

/** report_kinds.flags of a row for the report `bit`. */
function kindFlags(tuple: ReportEventTuple, bit: number): number {
  return (
    (tuple[EVENT_AT.listed] & bit ? KIND_FLAG.listed : 0) |
    (tuple[EVENT_AT.ranked] & bit ? KIND_FLAG.ranked : 0) |
    (tuple[EVENT_AT.listedAlike] & bit ? KIND_FLAG.listedAlike : 0) |
    (tuple[EVENT_AT.rankedAlike] & bit ? KIND_FLAG.rankedAlike : 0)
  );
}

/**
 * Inserts the report rows of a batch (built in the parse worker by derive.ts) beside the events,
 * on the writer connection, inside the caller's transaction. A new ingest into a dataset drops
 * its cached report results.
 */
export class ReportWriter {
  private readonly insertEvent: Database.Statement;
  private readonly insertKind: Database.Statement;
  private readonly insertItem: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly datasetId: number,
  ) {
    this.insertEvent =
      db.prepare(`INSERT INTO report_events (dataset_id, event_id, sub, variant, time_ms, node,
      serial, head, success, pid, syscall, loginuid, uid, session, acct, hostname, terminal, exe, comm, file, key,
      files, keys, counts, listed, ranked, listed_alike, ranked_alike, blind)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertKind = db.prepare(
      `INSERT INTO report_kinds (dataset_id, kind, time_ms, row_id, flags) VALUES (?, ?, ?, ?, ?)`,
    );
    this.insertItem =
      db.prepare(`INSERT INTO report_items (dataset_id, event_id, sub, kind, time_ms, node, success,
      listed, listed_alike, ranked, ranked_alike, blind, value, n, cells)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    dropCachedResults(db, datasetId);
  }

  write(rows: ReportRows): void {
    for (const tuple of rows.events) {
      const rowId = Number(this.insertEvent.run(this.datasetId, ...tuple).lastInsertRowid);
      this.listSparse(tuple, rowId);
    }
    for (const tuple of rows.items) this.insertItem.run(this.datasetId, ...tuple);
  }

  /** The row's entries in report_kinds, for the sparse reports it is in. */
  private listSparse(tuple: ReportEventTuple, rowId: number): void {
    const any =
      tuple[EVENT_AT.listed] |
      tuple[EVENT_AT.ranked] |
      tuple[EVENT_AT.listedAlike] |
      tuple[EVENT_AT.rankedAlike];
    if ((any & SPARSE_KINDS) === 0) return;
    for (const kind of SPARSE) {
      const flags = kindFlags(tuple, 1 << kind.bit);
      if (flags !== 0) this.insertKind.run(this.datasetId, kind.bit, tuple[EVENT_AT.timeMs], rowId, flags);
    }
  }
}
