import type { AuditEvent, AuditRecord, ParserLimits } from "./types";

interface OpenEvent {
  key: string;
  event: AuditEvent;
  /** Sequence number of the last record added to it. */
  lastSeq: number;
  /** Bytes of its records' raw lines. */
  bytes: number;
  /**
   * How many records it held when its file ended (its next ones may be in the next file); 0 when
   * it began in this file.
   */
  carried: number;
}

// An event is left open until at least this many records of other events have followed its last
// one, whatever their time: a straggler often comes right after a record seconds newer.
const MIN_RECORDS_BEHIND = 32;

function eventKey(record: AuditRecord): string {
  return `${record.node ?? ""}\u0000${record.sec}.${record.ms}:${record.serial}`;
}

/** Whether the record has the event's key (see eventKey), compared without building it. */
function belongsTo(record: AuditRecord, event: AuditEvent): boolean {
  return (
    record.serial === event.serial &&
    record.sec === event.sec &&
    record.ms === event.ms &&
    (record.node ?? "") === (event.node ?? "")
  );
}

/**
 * Whether the record repeats one the event held when its file ended. Only those: one event may
 * hold identical records (two AVC_PATH alike), and a rotation can fall between them.
 */
function carriedAgain(open: OpenEvent, record: AuditRecord): boolean {
  for (let i = 0; i < open.carried; i++) if (open.event.records[i]?.raw === record.raw) return true;
  return false;
}

/**
 * Groups records into events by (node, stamp, serial). Records of one event may interleave
 * with other events' and `EOE` may be missing, so an event is complete on its `EOE`, once
 * the log has moved `windowSeconds` away from it and some records on, when too many events are
 * open, or at the end.
 */
export class EventAssembler {
  private readonly open = new Map<string, OpenEvent>();
  /**
   * The event a record last went to, while it is open (complete() forgets it): usually the next
   * record's too, which then needs no key.
   */
  private last: OpenEvent | null = null;
  private lastSec = Number.NaN;
  private seq = 0;
  private bytesOpen = 0;

  constructor(
    private readonly limits: Pick<
      ParserLimits,
      "maxRecordsPerEvent" | "maxEventsInFlight" | "maxBytesInFlight" | "windowSeconds"
    >,
  ) {}

  /** Adds a record; returns the events it completed, and false in `accepted` if the event was full. */
  add(record: AuditRecord, done: AuditEvent[]): boolean {
    if (record.sec !== this.lastSec) {
      this.lastSec = record.sec;
      this.closeDistant(record.sec, done);
    }
    this.seq++;
    let open: OpenEvent | undefined;
    let key = "";
    if (this.last !== null && belongsTo(record, this.last.event)) {
      open = this.last;
    } else {
      key = eventKey(record);
      open = this.open.get(key);
    }
    if (open && open.carried > 0 && carriedAgain(open, record)) {
      // The file before ended in this event and this file holds it again: an overlapping copy, not
      // a rotation. The copy is an event of its own, which the store finds it already has.
      this.complete(open, done);
      key = open.key;
      open = undefined;
    }
    if (!open) {
      open = {
        key,
        event: { node: record.node, sec: record.sec, ms: record.ms, serial: record.serial, records: [] },
        lastSeq: this.seq,
        bytes: 0,
        carried: 0,
      };
      this.open.set(key, open);
      this.last = open;
      if (this.open.size > this.limits.maxEventsInFlight) this.closeOldest(done);
    } else if (open.event.records.length >= this.limits.maxRecordsPerEvent) {
      return false;
    } else {
      this.last = open;
    }
    open.event.records.push(record);
    open.lastSeq = this.seq;
    open.bytes += record.raw.length;
    this.bytesOpen += record.raw.length;
    if (record.type === "EOE") this.complete(open, done);
    // A record arriving after its event was completed this way starts it again; the store keeps
    // such late records beside the event, so nothing is lost.
    while (this.bytesOpen > this.limits.maxBytesInFlight) this.closeOldest(done);
    return true;
  }

  /** Completes every open event, oldest first. */
  flush(done: AuditEvent[]): void {
    for (const { event } of this.open.values()) done.push(event);
    this.open.clear();
    this.last = null;
    this.bytesOpen = 0;
  }

  /** The input ended and the next file's records follow: the open events may go on in them. */
  carryOver(): void {
    for (const open of this.open.values()) open.carried = open.event.records.length;
  }

  openEvents(): AuditEvent[] {
    return Array.from(this.open.values(), (open) => open.event);
  }

  get inFlight(): number {
    return this.open.size;
  }

  get bytesInFlight(): number {
    return this.bytesOpen;
  }

  private complete(open: OpenEvent, done: AuditEvent[]): void {
    this.bytesOpen -= open.bytes;
    this.open.delete(open.key);
    if (this.last === open) this.last = null;
    done.push(open.event);
  }

  private closeOldest(done: AuditEvent[]): void {
    const first = this.open.values().next();
    if (!first.done) this.complete(first.value, done);
  }

  // Open events are in arrival order, which is near time order: stop at the first one still close.
  private closeDistant(sec: number, done: AuditEvent[]): void {
    for (const open of this.open.values()) {
      const near = Math.abs(sec - open.event.sec) <= this.limits.windowSeconds;
      if (near || this.seq - open.lastSeq < MIN_RECORDS_BEHIND) break;
      this.complete(open, done);
    }
  }
}
