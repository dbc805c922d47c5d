import { isBeforePoint, LogOrderWindow, type LogPoint } from "./log-order";
import { movesProcesses, ProcessTracker, type ProcessTrackerState } from "./processes";
import { type LoginEvidence, SessionTracker } from "./sessions";
import { ttyRow } from "./tty";
import type {
  DerivedRows,
  DeriveInput,
  PlaceholderPpid,
  ProcessInput,
  ProcessRow,
  SessionRow,
} from "./types";

/** The event's fields the process tree reads, alone: held in the reorder window, the rest can go. */
function processInput({ eventId, node, timeMs, serial, facts }: DeriveInput): ProcessInput {
  const { syscall, success, exit, pid, ppid, auid, uid, euid, ses, comm, exe, argv, proctitle, cwd } = facts;
  return {
    eventId,
    node,
    timeMs,
    serial,
    facts: { syscall, success, exit, pid, ppid, auid, uid, euid, ses, comm, exe, argv, proctitle, cwd },
  };
}

export type {
  DerivedRows,
  DeriveInput,
  PlaceholderPpid,
  ProcessRow,
  SessionKind,
  SessionRow,
  TtyRow,
} from "./types";

/**
 * What the trackers know where a log ends, kept to go on from there in a later ingest: the
 * process tracker's state, and login records waiting for their LOGIN.
 */
export interface TrackerState {
  processes: ProcessTrackerState;
  pendingLogins: [string, LoginEvidence][];
}

/**
 * Events an ingest holds to put them back in log order for the process tree: auditd writes an
 * event when it completes, a little out of order under load.
 */
export const REORDER_WINDOW = 1024;

export interface DerivedTablesOptions {
  /** Id of the first process row (ids are sequential); default 1. */
  firstProcessId?: number;
  /** Sessions aggregated in memory at once (MAX_OPEN_SESSIONS by default). */
  maxOpenSessions?: number;
  /**
   * Events held to feed the process tree in log order (LogOrderWindow); 0 (the default) feeds
   * each as it comes. Held events' rows come with a later event's, or from `endOfLog`.
   */
  reorderWindow?: number;
}

/**
 * Turns parsed events, fed in log order, into rows of the derived tables. Pure: no I/O. Memory
 * holds per-(node, pid) process state and per-(node, ses) aggregates, each capped, never
 * per-event lists.
 */
export class DerivedTables {
  private readonly processes: ProcessTracker;
  private readonly sessionTracker: SessionTracker;
  private readonly inLogOrder: LogOrderWindow<ProcessInput>;
  /** The last event fed to the process tracker, per node. */
  private readonly lastFed = new Map<string, LogPoint>();
  private disordered = false;

  constructor(options: DerivedTablesOptions = {}) {
    this.processes = new ProcessTracker(options.firstProcessId ?? 1);
    this.sessionTracker = new SessionTracker(options.maxOpenSessions);
    this.inLogOrder = new LogOrderWindow(options.reorderWindow ?? 0);
  }

  /**
   * Feeds one event; returns rows ready to write now (process rows are final when emitted, the
   * session rows are parts of sessions set aside to bound memory).
   */
  add(input: DeriveInput): DerivedRows {
    this.sessionTracker.add(input);
    const tty = ttyRow(input);
    const inOrder = movesProcesses(input.facts) ? this.inLogOrder.add(processInput(input)) : null;
    return {
      ...this.processRows(inOrder === null ? [] : [inOrder]),
      tty: tty === null ? [] : [tty],
      sessions: this.sessionTracker.takeSetAside(),
    };
  }

  /** Did an event reach the process tree after a later one of its node (out of order beyond the window)? */
  get processesDisordered(): boolean {
    return this.disordered;
  }

  /** The process rows of the events still held for log order, once the whole input was added. */
  endOfLog(): { processes: ProcessRow[]; placeholderPpids: PlaceholderPpid[] } {
    return this.processRows(this.inLogOrder.drain());
  }

  private processRows(inputs: ProcessInput[]): {
    processes: ProcessRow[];
    placeholderPpids: PlaceholderPpid[];
  } {
    const processes: ProcessRow[] = [];
    for (const input of inputs) {
      const last = this.lastFed.get(input.node);
      if (last === undefined) this.lastFed.set(input.node, { timeMs: input.timeMs, serial: input.serial });
      else if (isBeforePoint(input, last)) this.disordered = true;
      else {
        last.timeMs = input.timeMs;
        last.serial = input.serial;
      }
      processes.push(...this.processes.add(input));
    }
    return { processes, placeholderPpids: this.processes.takePlaceholderPpids() };
  }

  /** What the trackers know now that a later file needs (see TrackerState); after `endOfLog`. */
  trackerState(): TrackerState {
    return { processes: this.processes.snapshot(), pendingLogins: this.sessionTracker.pendingLogins() };
  }

  /** Goes on from the trackers' state where the log fed next begins. */
  resume(state: TrackerState): void {
    this.processes.resume(state.processes);
    this.sessionTracker.resumePendingLogins(state.pendingLogins);
  }

  /** The sessions (or their last parts) not returned by `add`, once the whole input was added. */
  sessions(): SessionRow[] {
    return this.sessionTracker.rows();
  }
}
