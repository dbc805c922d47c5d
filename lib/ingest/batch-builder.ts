import { deflateRawSync } from "node:zlib";
import { type EventFacts, eventFacts } from "../audit/event-facts";
import { summarize } from "../audit/summary";
import type { AuditEvent, Malformed } from "../audit/types";
import { DerivedTables, type ProcessRow, type SessionRow } from "../derive/derived-tables";
import { addReportRows } from "../reports/derive";
import { searchTextOf } from "./search-text";
import { type EventTuple, emptyBatch, type ProcessTuple, type WriteBatch } from "./write-batch";

const BLOCK_BYTES = 256 * 1024;
const bool = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

export interface BuilderStart {
  /** Ids already used in this dataset, so new rows continue after them. */
  nextEventId: number;
  nextProcessId: number;
  nextBlockId: number;
}

function processTuple(row: ProcessRow): ProcessTuple {
  return [
    row.id,
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
  private blockParts: Buffer[] = [];
  private blockBytes = 0;
  /** Events of the open block, waiting for its id to be final. */
  private blockEvents: EventTuple[] = [];

  constructor(start: BuilderStart) {
    this.nextEventId = start.nextEventId;
    this.nextBlockId = start.nextBlockId;
    this.derived = new DerivedTables({ firstProcessId: start.nextProcessId });
  }

  get pendingEvents(): number {
    return this.batch.events.length + this.blockEvents.length;
  }

  addEvent(event: AuditEvent, fileId: number): { timeMs: number; facts: EventFacts } {
    const facts = eventFacts(event);
    const summary = summarize(facts);
    const id = this.nextEventId++;
    const node = event.node ?? "";
    const timeMs = event.sec * 1000 + event.ms;
    const raw = Buffer.from(event.records.map((record) => record.raw).join("\n"), "latin1");
    if (this.blockBytes > 0) {
      this.blockParts.push(Buffer.from("\n"));
      this.blockBytes += 1;
    }
    const offset = this.blockBytes;
    this.blockParts.push(raw);
    this.blockBytes += raw.length;
    this.blockEvents.push([
      id,
      fileId,
      event.records[0]?.line ?? 0,
      node,
      timeMs,
      event.serial,
      facts.types.join(" "),
      event.records.length,
      facts.syscall,
      facts.arch,
      bool(facts.success),
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
      this.nextBlockId,
      offset,
      raw.length,
    ]);
    const search = searchTextOf(facts);
    if (search) this.batch.search.push([id, search]);
    const derived = this.derived.add({ eventId: id, node, timeMs, facts });
    for (const process of derived.processes) this.batch.processes.push(processTuple(process));
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
    return { timeMs, facts };
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

  sessions(): SessionRow[] {
    return this.derived.sessions();
  }

  private closeBlock(): void {
    if (this.blockEvents.length === 0) return;
    this.batch.blocks.push({
      id: this.nextBlockId++,
      data: deflateRawSync(Buffer.concat(this.blockParts, this.blockBytes), { level: 1 }),
    });
    for (const tuple of this.blockEvents) this.batch.events.push(tuple);
    this.blockParts = [];
    this.blockBytes = 0;
    this.blockEvents = [];
  }
}
