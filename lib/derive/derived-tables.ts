import { ProcessTracker, type ProcessTrackerState } from "./processes";
import { SessionTracker } from "./sessions";
import { ttyRow } from "./tty";
import type { DerivedRows, DeriveInput, SessionRow } from "./types";

export type {
  DerivedRows,
  DeriveInput,
  PlaceholderPpid,
  ProcessRow,
  SessionKind,
  SessionRow,
  TtyRow,
} from "./types";

export interface DerivedTablesOptions {
  /** Id of the first process row (ids are sequential); default 1. */
  firstProcessId?: number;
  /** Sessions aggregated in memory at once (MAX_OPEN_SESSIONS by default). */
  maxOpenSessions?: number;
}

/**
 * Turns parsed events, fed in log order, into rows of the derived tables. Pure: no I/O. Memory
 * holds per-(node, pid) process state and per-(node, ses) aggregates, each capped, never
 * per-event lists.
 */
export class DerivedTables {
  private readonly processes: ProcessTracker;
  private readonly sessionTracker: SessionTracker;

  constructor(options: DerivedTablesOptions = {}) {
    this.processes = new ProcessTracker(options.firstProcessId ?? 1);
    this.sessionTracker = new SessionTracker(options.maxOpenSessions);
  }

  /**
   * Feeds one event; returns rows ready to write now (process rows are final when emitted, the
   * session rows are parts of sessions set aside to bound memory).
   */
  add(input: DeriveInput): DerivedRows {
    this.sessionTracker.add(input);
    const tty = ttyRow(input);
    return {
      processes: this.processes.add(input),
      placeholderPpids: this.processes.takePlaceholderPpids(),
      tty: tty === null ? [] : [tty],
      sessions: this.sessionTracker.takeSetAside(),
    };
  }

  /** What the process tracker knows now (see ProcessTracker.resume). */
  processState(): ProcessTrackerState {
    return this.processes.snapshot();
  }

  /** Goes on from the process tracker's state where the log fed next begins. */
  resumeProcesses(state: ProcessTrackerState): void {
    this.processes.resume(state);
  }

  /** The sessions (or their last parts) not returned by `add`, once the whole input was added. */
  sessions(): SessionRow[] {
    return this.sessionTracker.rows();
  }
}
