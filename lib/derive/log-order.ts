import TinyQueue from "tinyqueue";

/** A place in a log: an event's time and serial. */
export interface LogPoint {
  timeMs: number;
  serial: number;
}

/** Is `a` before `b` in the log? */
export function isBeforePoint(a: LogPoint, b: LogPoint): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.serial < b.serial);
}

interface Held<T> {
  item: T;
  /** Arrival order: items at the same point leave in the order they came. */
  seq: number;
}

function compare<T extends LogPoint>(a: Held<T>, b: Held<T>): number {
  return a.item.timeMs - b.item.timeMs || a.item.serial - b.item.serial || a.seq - b.seq;
}

/**
 * Puts items back in log order (time, then serial) within a window of `capacity` items: auditd
 * writes an event when it completes, so a log can hold a later event before an earlier one. Each
 * item added beyond the capacity lets the earliest held one go; `drain` gives the rest at the end.
 * With capacity 0 items go through as they come.
 */
export class LogOrderWindow<T extends LogPoint> {
  private readonly held = new TinyQueue<Held<T>>([], compare);
  private seq = 0;

  constructor(private readonly capacity: number) {}

  /** Adds an item; returns the earliest held item if the window is over its capacity. */
  add(item: T): T | null {
    if (this.capacity === 0) return item;
    this.held.push({ item, seq: this.seq++ });
    return this.held.length > this.capacity ? this.take() : null;
  }

  /** The items held, earliest first; the window is empty after. */
  drain(): T[] {
    const out: T[] = [];
    while (this.held.length > 0) out.push(this.take());
    return out;
  }

  private take(): T {
    return (this.held.pop() as Held<T>).item;
  }
}
