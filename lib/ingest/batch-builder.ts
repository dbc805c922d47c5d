import { serialize } from "node:v8";
import { deflateRawSync } from "node:zlib";
import { type EventFacts, eventFacts } from "../audit/event-facts";
import { type EventSummary, summarize } from "../audit/summary";
import type { AuditEvent, Malformed } from "../audit/types";
import { type DerivedRows, DerivedTables, REORDER_WINDOW, type SessionRow } from "../derive/derived-tables";
import { isBeforePoint, type LogPoint } from "../derive/log-order";
import { addReportRows } from "../reports/derive";
import { type ProcessEnd, type ProcessResumePoint, readTrackerState } from "./process-resume";
import { searchTextOf } from "./search-text";
import { type EventTuple, emptyBatch, processTuple, sqlBool, type WriteBatch } from "./write-batch";

const BLOCK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

export interface BuilderStart {
  /** Ids already used in this dataset, so new rows continue after them. */
  nextEventId: number;
  nextProcessId: number;
  nextBlockId: number;
  /** See DerivedTablesOptions. */
  maxOpenSessions?: number;
  /** The process tracker's state kept where the dataset's log ends: gone on from if this log begins after it. */
  resumeProcesses?: ProcessResumePoint | null;
}

export interface EventRowInput {
  id: number;
  fileId: number;
  event: AuditEvent;
  facts: EventFacts;
  summary: EventSummary;
  /** Where its raw lines are: block, offset and length in the block's inflated bytes. */
  blockId: number;
  offset: number;
  rawLength: number;
}

/** An event's row in the events table (the writer's insert order). */
export function eventRow(input: EventRowInput): EventTuple {
  const { event, facts, summary } = input;
  return [
    input.id,
    input.fileId,
    event.records[0]?.line ?? 0,
    event.node ?? "",
    event.sec * 1000 + event.ms,
    event.serial,
    facts.types.join(" "),
    event.records.length,
    facts.syscall,
    facts.arch,
    sqlBool(facts.success),
    facts.exit,
    facts.pid,
    facts.ppid,
    facts.auid,
    facts.uid,
    facts.euid,
    facts.gid,
    facts.ses,
    facts.tty,
    facts.comm,
    facts.exe,
    facts.keys.length > 0 ? facts.keys.join(",") : null,
    summary.actor,
    summary.action,
    summary.object,
    summary.result,
    input.blockId,
    input.offset,
    input.rawLength,
  ];
}

/**
 * Turns parsed events into write batches: numbers every row, reads each event's facts and
 * summary once, derives sessions/processes/TTY rows, and packs raw lines into deflated blocks.
 */
export class BatchBuilder {
  private nextEventId: number;
  private nextBlockId: number;
  private readonly derived: DerivedTables;
  private batch: WriteBatch = emptyBatch();
  /** The open block's raw lines, written in place (one buffer, reused for every block). */
  private block = Buffer.allocUnsafe(2 * BLOCK_BYTES);
  private blockBytes = 0;
  /** Events of the open block, waiting for its id to be final. */
  private blockEvents: EventTuple[] = [];
  private readonly namedAuids = new Set<number>();
  /** The state to go on from, until the first event says whether it comes after it. */
  private resumeAt: ProcessResumePoint | null;
  /** Where the state gone on from was taken; null when the tracker began afresh. */
  private resumedAt: LogPoint | null = null;
  private behind = false;
  private last: LogPoint | null = null;

  constructor(start: BuilderStart) {
    this.nextEventId = start.nextEventId;
    this.nextBlockId = start.nextBlockId;
    this.resumeAt = start.resumeProcesses ?? null;
    this.derived = new DerivedTables({
      firstProcessId: start.nextProcessId,
      maxOpenSessions: start.maxOpenSessions,
      reorderWindow: REORDER_WINDOW,
    });
  }

  get pendingEvents(): number {
    return this.batch.events.length + this.blockEvents.length;
  }

  /** Adds the event's rows; returns its time. */
  addEvent(event: AuditEvent, fileId: number): number {
    const facts = eventFacts(event);
    const summary = summarize(facts);
    const id = this.nextEventId++;
    const node = event.node ?? "";
    const timeMs = event.sec * 1000 + event.ms;
    const offset = this.blockBytes > 0 ? this.blockBytes + 1 : 0;
    const rawLength = this.appendRaw(event);
    this.blockEvents.push(
      eventRow({ id, fileId, event, facts, summary, blockId: this.nextBlockId, offset, rawLength }),
    );
    if (facts.auid !== null && facts.auidName && !this.namedAuids.has(facts.auid)) {
      this.namedAuids.add(facts.auid);
      this.batch.auidNames.push([facts.auid, facts.auidName]);
    }
    const search = searchTextOf(facts);
    if (search) this.batch.search.push([id, search]);
    this.notePoint({ timeMs, serial: event.serial });
    const derived = this.derived.add({ eventId: id, node, timeMs, serial: event.serial, facts });
    this.addProcessRows(derived);
    for (const session of derived.sessions) this.batch.sessions.push(session);
    for (const tty of derived.tty) {
      this.batch.tty.push([
        tty.eventId,
        tty.node,
        tty.ses,
        tty.auid,
        tty.pid,
        tty.timeMs,
        tty.data,
        tty.tokens,
        tty.lines,
      ]);
    }
    addReportRows({ event, eventId: id, timeMs, node }, this.batch.reports);
    if (this.blockBytes >= BLOCK_BYTES) this.closeBlock();
    return timeMs;
  }

  addMalformed(entry: Malformed, fileId: number): void {
    this.batch.malformed.push([
      fileId,
      entry.line,
      entry.offset,
      entry.code,
      entry.message,
      Buffer.from(entry.excerpt, "latin1"),
    ]);
  }

  /** Everything built so far; `closeBlock` first when a file or the ingest ends. */
  take(closeBlock: boolean): WriteBatch {
    if (closeBlock) this.closeBlock();
    const batch = this.batch;
    this.batch = emptyBatch();
    return batch;
  }

  /** Ends the log: the last rows (those of events held for log order too), the sessions, and how the parse of the processes ended. */
  finish(): { batch: WriteBatch; sessions: SessionRow[]; processes: ProcessEnd } {
    this.addProcessRows(this.derived.endOfLog());
    const state = this.derived.trackerState();
    return {
      batch: this.take(true),
      sessions: this.derived.sessions(),
      processes: {
        state: serialize(state),
        pendingLogins: state.pendingLogins,
        end: this.last,
        resumed: this.resumedAt !== null,
        behind: this.behind,
        disordered: this.derived.processesDisordered,
      },
    };
  }

  private addProcessRows(rows: Pick<DerivedRows, "processes" | "placeholderPpids">): void {
    for (const process of rows.processes) this.batch.processes.push(processTuple(process));
    for (const learnt of rows.placeholderPpids)
      this.batch.placeholderPpids.push([learnt.id, learnt.ppid, learnt.parentId]);
  }

  /**
   * Goes on from the kept process state if the first event comes after where it was taken (a
   * later file: events as one ingest of all the files would have linked them); notes any event
   * before that place, and the latest event.
   */
  private notePoint(at: LogPoint): void {
    if (this.resumeAt !== null) {
      const from = this.resumeAt;
      this.resumeAt = null;
      const state = isBeforePoint(at, from) ? null : readTrackerState(from.state);
      if (state !== null) {
        this.derived.resume(state);
        this.resumedAt = { timeMs: from.timeMs, serial: from.serial };
      }
    } else if (this.resumedAt !== null && isBeforePoint(at, this.resumedAt)) this.behind = true;
    if (this.last === null || isBeforePoint(this.last, at)) this.last = at;
  }

  /** Appends the event's lines (newline-separated, after a newline if the block is not empty); returns their length. */
  private appendRaw(event: AuditEvent): number {
    // Raw lines are latin1 strings: one character per byte.
    let length = event.records.length - 1;
    for (const record of event.records) length += record.raw.length;
    const end = this.blockBytes + (this.blockBytes > 0 ? 1 : 0) + length;
    if (end > this.block.length) {
      const grown = Buffer.allocUnsafe(Math.max(end, 2 * this.block.length));
      this.block.copy(grown, 0, 0, this.blockBytes);
      this.block = grown;
    }
    let at = this.blockBytes;
    if (at > 0) this.block[at++] = NEWLINE;
    event.records.forEach((record, i) => {
      if (i > 0) this.block[at++] = NEWLINE;
      at += this.block.write(record.raw, at, "latin1");
    });
    this.blockBytes = at;
    return length;
  }

  private closeBlock(): void {
    if (this.blockEvents.length === 0) return;
    // Deflated here: a fifth of the bytes cross to the writer and wait in memory there.
    this.batch.blocks.push({
      id: this.nextBlockId++,
      data: deflateRawSync(this.block.subarray(0, this.blockBytes), { level: 1 }),
    });
    for (const tuple of this.blockEvents) this.batch.events.push(tuple);
    this.blockBytes = 0;
    this.blockEvents = [];
  }
}
