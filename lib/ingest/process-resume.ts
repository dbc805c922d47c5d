/** A place in a dataset's log: an event's time and serial. */
export interface LogPoint {
  timeMs: number;
  serial: number;
}

/** Is `a` before `b` in the log? */
export function isBeforePoint(a: LogPoint, b: LogPoint): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.serial < b.serial);
}

/** The process tracker's state (serialized) where a dataset's log ends, for an ingest of what comes after. */
export interface ProcessResumePoint extends LogPoint {
  state: Uint8Array;
}

/** How an ingest's parse of the processes ended. */
export interface ProcessEnd {
  /** The tracker's state (serialized) after the ingest's last event. */
  state: Uint8Array;
  /** The ingest's latest event; null when it had none. */
  end: LogPoint | null;
  /** It went on from the state stored where the dataset's log ended (its first event came after it). */
  resumed: boolean;
  /** Some later event came before where that state was taken: the processes are rebuilt instead. */
  behind: boolean;
}
