import type { AuditEvent, AuditRecord, ParserLimits } from "./types";

interface OpenEvent {
  event: AuditEvent;
  /** Sequence number of the last record added to it. */
  lastSeq: number;
}

// An event is left open until at least this many records of other events have followed its last
// one, whatever their time: a straggler often comes right after a record seconds newer.
const MIN_RECORDS_BEHIND = 32;

/**
 * Groups records into events by (node, stamp, serial). Records of one event may interleave
 * with other events' and `EOE` may be missing, so an event is complete on its `EOE`, once
 * the log has moved `windowSeconds` away from it and some records on, when too many events are
 * open, or at the end.
 */
export class EventAssembler {
  private readonly open = new Map<string, OpenEvent>();
  private lastSec = Number.NaN;
  private seq = 0;

  constructor(
    private readonly limits: Pick<ParserLimits, "maxRecordsPerEvent" | "maxEventsInFlight" | "windowSeconds">,
  ) {}

  /** Adds a record; returns the events it completed, and false in `accepted` if the event was full. */
  add(record: AuditRecord, done: AuditEvent[]): boolean {
    if (record.sec !== this.lastSec) {
      this.lastSec = record.sec;
      this.closeDistant(record.sec, done);
    }
    this.seq++;
    const key = `${record.node ?? ""}\u0000${record.sec}.${record.ms}:${record.serial}`;
    let open = this.open.get(key);
    if (!open) {
      open = {
        event: { node: record.node, sec: record.sec, ms: record.ms, serial: record.serial, records: [] },
        lastSeq: this.seq,
      };
      this.open.set(key, open);
      if (this.open.size > this.limits.maxEventsInFlight) this.closeOldest(done);
    } else if (open.event.records.length >= this.limits.maxRecordsPerEvent) {
      return false;
    }
    open.event.records.push(record);
    open.lastSeq = this.seq;
    if (record.type === "EOE") {
      this.open.delete(key);
      done.push(open.event);
    }
    return true;
  }

  /** Completes every open event, oldest first. */
  flush(done: AuditEvent[]): void {
    for (const { event } of this.open.values()) done.push(event);
    this.open.clear();
  }

  get inFlight(): number {
    return this.open.size;
  }

  private closeOldest(done: AuditEvent[]): void {
    const first = this.open.entries().next();
    if (first.done) return;
    this.open.delete(first.value[0]);
    done.push(first.value[1].event);
  }

  // Open events are in arrival order, which is near time order: stop at the first one still close.
  private closeDistant(sec: number, done: AuditEvent[]): void {
    for (const [key, { event, lastSeq }] of this.open) {
      if (Math.abs(sec - event.sec) <= this.limits.windowSeconds || this.seq - lastSeq < MIN_RECORDS_BEHIND)
        break;
      this.open.delete(key);
      done.push(event);
    }
  }
}
