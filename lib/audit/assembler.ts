import type { AuditEvent, AuditRecord, ParserLimits } from "./types";

/**
 * Groups records into events by (node, stamp, serial). Records of one event may interleave
 * with other events' and `EOE` may be missing, so an event is complete on its `EOE`, once
 * the log has moved `windowSeconds` away from it, when too many events are open, or at the end.
 */
export class EventAssembler {
  private readonly open = new Map<string, AuditEvent>();
  private lastSec = Number.NaN;

  constructor(
    private readonly limits: Pick<ParserLimits, "maxRecordsPerEvent" | "maxEventsInFlight" | "windowSeconds">,
  ) {}

  /** Adds a record; returns the events it completed, and false in `accepted` if the event was full. */
  add(record: AuditRecord, done: AuditEvent[]): boolean {
    if (record.sec !== this.lastSec) {
      this.lastSec = record.sec;
      this.closeDistant(record.sec, done);
    }
    const key = `${record.node ?? ""}\u0000${record.sec}.${record.ms}:${record.serial}`;
    let event = this.open.get(key);
    if (!event) {
      event = { node: record.node, sec: record.sec, ms: record.ms, serial: record.serial, records: [] };
      this.open.set(key, event);
      if (this.open.size > this.limits.maxEventsInFlight) this.closeOldest(done);
    } else if (event.records.length >= this.limits.maxRecordsPerEvent) {
      return false;
    }
    event.records.push(record);
    if (record.type === "EOE") {
      this.open.delete(key);
      done.push(event);
    }
    return true;
  }

  /** Completes every open event, oldest first. */
  flush(done: AuditEvent[]): void {
    for (const event of this.open.values()) done.push(event);
    this.open.clear();
  }

  get inFlight(): number {
    return this.open.size;
  }

  private closeOldest(done: AuditEvent[]): void {
    const first = this.open.entries().next();
    if (first.done) return;
    this.open.delete(first.value[0]);
    done.push(first.value[1]);
  }

  // Open events are in arrival order, which is near time order: stop at the first one still close.
  private closeDistant(sec: number, done: AuditEvent[]): void {
    for (const [key, event] of this.open) {
      if (Math.abs(sec - event.sec) <= this.limits.windowSeconds) break;
      this.open.delete(key);
      done.push(event);
    }
  }
}
