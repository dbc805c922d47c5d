import { PidTable, type RowCodec } from "./pid-table";
import type { PlaceholderPpid, ProcessFacts, ProcessInput, ProcessRow } from "./types";

export const EXEC_SYSCALLS: ReadonlySet<string> = new Set(["execve", "execveat"]);
/** Syscalls whose successful return value is the pid of a new process. */
const FORK_SYSCALLS: ReadonlySet<string> = new Set(["clone", "clone3", "fork", "vfork"]);
const INIT_PID = 1;
/**
 * Pids whose state is kept, over all nodes. With pid_max at 4,194,304 (systemd's default) pids
 * rarely repeat, so "per pid" alone grows with the log: 100 MB of heap per GB of log. Beyond this
 * the least recently active half is forgotten; a parent referenced again after that is shown as
 * `pid N (not seen)`. Busy parents (sshd, cron, shells) are referenced all the time and stay.
 */
export const MAX_TRACKED_PIDS = 200_000;

export function isExec(facts: Pick<ProcessFacts, "syscall">): boolean {
  return facts.syscall !== null && EXEC_SYSCALLS.has(facts.syscall);
}

/** Can the event change the process tree (a pid with its parent, a fork or an exec)? */
export function movesProcesses(facts: ProcessFacts): boolean {
  return facts.pid !== null && (facts.ppid !== null || facts.syscall !== null);
}

/**
 * Did the exec replace the process image? The kernel's return value decides (0, or -errno);
 * `success` is the fallback when the exit value is missing or interpreted text.
 */
function execReplacedImage(facts: ProcessFacts): boolean {
  return facts.exit !== null ? facts.exit === 0 : facts.success !== false;
}

/** What a pid currently runs, as far as the log has shown: its latest exec, or a placeholder. */
interface Entry {
  id: number;
  /** ppid as reported by the exec (null for a placeholder whose parent is unknown). */
  ppid: number | null;
  /** The parent actually linked (differs from ppid when the exec reported a reparented process). */
  linkedPpid: number | null;
  parentId: number | null;
  /** Latest time this entry was created or referenced: older records about the pid are stale. */
  lastMs: number;
  placeholder: boolean;
}

/** Evidence about a pid seen after its entry was set: a fork that created it, or its ppid in some record. */
interface Lineage {
  parent: number;
  fromFork: boolean;
  ses: number | null;
  auid: number | null;
  timeMs: number;
}

interface NodeState {
  entries: PidTable<Entry>;
  lineage: PidTable<Lineage>;
}

/**
 * What the tracker knows at a point of the log, per node, kept to go on from there in a later
 * ingest: flat numbers (NaN for null), as it may hold MAX_TRACKED_PIDS pids.
 */
export type ProcessTrackerState = { node: string; entries: Float64Array; lineage: Float64Array }[];

const num = (value: number | null) => (value === null ? Number.NaN : value);
const orNull = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? null : value);

/** An Entry as numbers; ProcessTrackerState keeps them in this order after the pid. */
const ENTRY_CODEC: RowCodec<Entry> = {
  width: 6,
  write(e, data, at) {
    data[at] = e.id;
    data[at + 1] = num(e.ppid);
    data[at + 2] = num(e.linkedPpid);
    data[at + 3] = num(e.parentId);
    data[at + 4] = e.lastMs;
    data[at + 5] = e.placeholder ? 1 : 0;
  },
  read: (data, at) => ({
    id: data[at] ?? 0,
    ppid: orNull(data[at + 1]),
    linkedPpid: orNull(data[at + 2]),
    parentId: orNull(data[at + 3]),
    lastMs: data[at + 4] ?? 0,
    placeholder: data[at + 5] === 1,
  }),
};

const LINEAGE_CODEC: RowCodec<Lineage> = {
  width: 5,
  write(l, data, at) {
    data[at] = l.parent;
    data[at + 1] = l.fromFork ? 1 : 0;
    data[at + 2] = num(l.ses);
    data[at + 3] = num(l.auid);
    data[at + 4] = l.timeMs;
  },
  read: (data, at) => ({
    parent: data[at] ?? 0,
    fromFork: data[at + 1] === 1,
    ses: orNull(data[at + 2]),
    auid: orNull(data[at + 3]),
    timeMs: data[at + 4] ?? 0,
  }),
};

/** Numbers per pid in ProcessTrackerState's entries: the pid, then an Entry's. */
const ENTRY_WIDTH = ENTRY_CODEC.width + 1;

/** The process rows a state refers to. */
export function stateRowIds(state: ProcessTrackerState): number[] {
  const ids: number[] = [];
  for (const { entries } of state) {
    for (let i = 0; i < entries.length; i += ENTRY_WIDTH) {
      ids.push(entries[i + 1] ?? 0);
      const parent = entries[i + 4] ?? Number.NaN;
      if (!Number.isNaN(parent)) ids.push(parent);
    }
  }
  return ids;
}

/**
 * The state with the rows it refers to replaced as `replaced` says: another row's id, or null for
 * a row that is gone (its pid is forgotten; a parent link to it is dropped). Others stay.
 */
export function replaceStateRows(
  state: ProcessTrackerState,
  replaced: Map<number, number | null>,
): ProcessTrackerState {
  return state.map(({ node, entries, lineage }) => {
    const kept: number[] = [];
    for (let i = 0; i < entries.length; i += ENTRY_WIDTH) {
      const entry = Array.from(entries.subarray(i, i + ENTRY_WIDTH));
      const [, id = 0, , , parent = Number.NaN] = entry;
      const to = replaced.has(id) ? replaced.get(id) : id;
      if (to === null || to === undefined) continue;
      entry[1] = to;
      if (replaced.has(parent)) entry[4] = replaced.get(parent) ?? Number.NaN;
      kept.push(...entry);
    }
    return { node, entries: Float64Array.from(kept), lineage };
  });
}

/**
 * The process tree, built one event at a time. Only per-(node, pid) state is kept — the pid's
 * current entry and any newer lineage evidence — for at most MAX_TRACKED_PIDS pids.
 */
export class ProcessTracker {
  private nextId: number;
  private readonly nodes = new Map<string, NodeState>();
  private learnt: PlaceholderPpid[] = [];

  constructor(
    firstProcessId = 1,
    private readonly maxTracked = MAX_TRACKED_PIDS,
  ) {
    this.nextId = firstProcessId;
  }

  /** How many (node, pid) states are kept now. */
  get tracked(): number {
    let n = 0;
    for (const state of this.nodes.values()) n += state.entries.size + state.lineage.size;
    return n;
  }

  /** Rows for this event: placeholders first, then the exec's row. */
  add(input: ProcessInput): ProcessRow[] {
    const { facts, timeMs } = input;
    const state = this.state(input.node);
    const rows: ProcessRow[] = [];
    const exec = isExec(facts);
    if (facts.pid !== null && facts.ppid !== null && !exec) {
      this.observe(state, facts.pid, facts.ppid, facts, timeMs, false);
    }
    if (facts.syscall !== null && FORK_SYSCALLS.has(facts.syscall) && facts.pid !== null) {
      const child = facts.exit;
      if (facts.success !== false && child !== null && child > 0) {
        this.observe(state, child, facts.pid, facts, timeMs, true);
      }
    }
    if (exec && facts.pid !== null) this.exec(state, input, facts.pid, rows);
    if (this.tracked > this.maxTracked) this.forgetIdlest();
    return rows;
  }

  /** What it knows now (see `resume`). */
  snapshot(): ProcessTrackerState {
    return [...this.nodes].map(([node, state]) => ({
      node,
      entries: state.entries.pack(),
      lineage: state.lineage.pack(),
    }));
  }

  /**
   * Goes on from a snapshot taken where the log it is fed now begins (a file added after the
   * dataset's others): the rows it makes link to the processes those ingests stored.
   */
  resume(snapshot: ProcessTrackerState): void {
    this.nodes.clear();
    for (const { node, entries, lineage } of snapshot) {
      this.nodes.set(node, {
        entries: PidTable.unpack(ENTRY_CODEC, entries),
        lineage: PidTable.unpack(LINEAGE_CODEC, lineage),
      });
    }
  }

  /**
   * Parent pids learnt since the last call for placeholders already emitted (their rows are
   * written with the pid unknown, then updated).
   */
  takePlaceholderPpids(): PlaceholderPpid[] {
    const learnt = this.learnt;
    this.learnt = [];
    return learnt;
  }

  /** Forgets the states last active longest ago, down to half the cap. */
  private forgetIdlest(): void {
    const times = new Float64Array(this.tracked);
    let i = 0;
    for (const state of this.nodes.values()) {
      for (const [, entry] of state.entries) times[i++] = entry.lastMs;
      for (const [, lineage] of state.lineage) times[i++] = lineage.timeMs;
    }
    times.sort();
    const keep = this.maxTracked >> 1;
    const cutoff = times[times.length - keep] ?? 0;
    let left = times.length;
    for (const state of this.nodes.values()) {
      for (const [pid, entry] of state.entries) {
        if (entry.lastMs < cutoff) {
          state.entries.delete(pid);
          left--;
        }
      }
      for (const [pid, lineage] of state.lineage) {
        if (lineage.timeMs < cutoff) {
          state.lineage.delete(pid);
          left--;
        }
      }
    }
    // Ties at the cutoff (a log whose clock barely moves): the earliest inserted go too.
    for (const state of this.nodes.values()) {
      for (const table of [state.entries, state.lineage] as PidTable<unknown>[]) {
        for (const [pid] of table) {
          if (left <= keep) return;
          table.delete(pid);
          left--;
        }
      }
    }
  }

  private state(node: string): NodeState {
    let state = this.nodes.get(node);
    if (state === undefined) {
      state = { entries: new PidTable(ENTRY_CODEC), lineage: new PidTable(LINEAGE_CODEC) };
      this.nodes.set(node, state);
    }
    return state;
  }

  /** Records that `pid` had parent `parent` at `timeMs` (born by fork, or reported as ppid). */
  private observe(
    state: NodeState,
    pid: number,
    parent: number,
    facts: ProcessFacts,
    timeMs: number,
    fromFork: boolean,
  ): void {
    const entry = state.entries.get(pid);
    // Not newer than what we know: a late record about the current image (reordered logs).
    if (entry !== undefined && timeMs <= entry.lastMs) return;
    if (!fromFork && entry !== undefined) {
      if (entry.placeholder && entry.ppid === null) {
        // Learnt the placeholder's parent: later execs of the pid can chain from it. Unless init's
        // (an orphan's: its parent is still unknown), the row gets it, under that pid's current
        // process if older than it (a newer one may descend from it).
        state.entries.set(pid, { ...entry, ppid: parent, linkedPpid: parent });
        if (parent !== INIT_PID) {
          const current = this.current(state, parent, timeMs);
          const parentId = current !== null && current < entry.id ? current : entry.parentId;
          if (parentId !== entry.parentId) {
            state.entries.set(pid, { ...entry, ppid: parent, linkedPpid: parent, parentId });
          }
          this.learnt.push({ id: entry.id, ppid: parent, parentId });
        }
        return;
      }
      if (parent === entry.ppid || parent === entry.linkedPpid) return;
    }
    const known = state.lineage.get(pid);
    // A fork is a birth and always wins. A changed ppid other than init means a different process
    // (pid reuse); a change to init is reparenting, so the original parent is kept.
    if (fromFork || known === undefined || (known.parent !== parent && parent !== INIT_PID)) {
      state.lineage.set(pid, { parent, fromFork, ses: facts.ses, auid: facts.auid, timeMs });
    }
  }

  private exec(state: NodeState, input: ProcessInput, pid: number, rows: ProcessRow[]): void {
    const { facts, timeMs } = input;
    const reported = facts.ppid === pid ? null : facts.ppid;
    const entry = state.entries.get(pid);
    const lineage = state.lineage.get(pid);
    const parentPid = reported === null ? null : linkedParent(reported, lineage, facts);
    const sameProcess = entry !== undefined && !supersedes(lineage, entry);
    const chained =
      sameProcess &&
      entry.ppid !== null &&
      (reported === entry.ppid ||
        reported === entry.linkedPpid ||
        parentPid === entry.ppid ||
        parentPid === entry.linkedPpid);
    const parentId = chained
      ? entry.parentId
      : parentPid === null
        ? null
        : this.resolve(state, parentPid, input, rows);
    const row: ProcessRow = {
      id: this.nextId++,
      eventId: input.eventId,
      parentId,
      chainPrevId: chained ? entry.id : null,
      node: input.node,
      pid,
      ppid: facts.ppid,
      ses: facts.ses,
      auid: facts.auid,
      uid: facts.uid,
      euid: facts.euid,
      exe: facts.exe,
      comm: facts.comm,
      argv: argvJson(facts),
      cwd: facts.cwd,
      timeMs,
      success: facts.success,
      placeholder: false,
    };
    rows.push(row);
    // A failed exec leaves the old image running: it stays the target of lookups.
    if (!execReplacedImage(facts)) return;
    state.entries.set(pid, {
      id: row.id,
      ppid: reported,
      linkedPpid: parentPid,
      parentId,
      lastMs: timeMs,
      placeholder: false,
    });
    state.lineage.delete(pid);
  }

  /** The id that `pid` stands for now, creating (and emitting) a placeholder when it has none. */
  private resolve(state: NodeState, pid: number, child: ProcessInput, rows: ProcessRow[]): number {
    const current = this.current(state, pid, child.timeMs);
    if (current !== null) return current;
    const lineage = state.lineage.get(pid);
    const placeholder: ProcessRow = {
      id: this.nextId++,
      eventId: null,
      // Only an already known parent is linked: no chains of placeholders up the tree.
      parentId: lineage === undefined ? null : this.current(state, lineage.parent, child.timeMs),
      chainPrevId: null,
      node: child.node,
      pid,
      ppid: lineage?.parent ?? null,
      // Without better knowledge the child's session, so the session's tree shows its root.
      ses: lineage === undefined ? child.facts.ses : lineage.ses,
      auid: lineage === undefined ? child.facts.auid : lineage.auid,
      uid: null,
      euid: null,
      exe: null,
      comm: null,
      argv: null,
      cwd: null,
      timeMs: lineage?.fromFork ? lineage.timeMs : null,
      success: null,
      placeholder: true,
    };
    rows.push(placeholder);
    state.entries.set(pid, {
      id: placeholder.id,
      ppid: placeholder.ppid,
      linkedPpid: placeholder.ppid,
      parentId: placeholder.parentId,
      lastMs: child.timeMs,
      placeholder: true,
    });
    state.lineage.delete(pid);
    return placeholder.id;
  }

  /** The id of pid's current entry, unless newer lineage shows it is another process now. */
  private current(state: NodeState, pid: number, timeMs: number): number | null {
    const entry = state.entries.get(pid);
    if (entry === undefined || supersedes(state.lineage.get(pid), entry)) return null;
    if (timeMs > entry.lastMs) state.entries.set(pid, { ...entry, lastMs: timeMs });
    return entry.id;
  }
}

/** Does lineage recorded after `entry` describe a different process with the same pid? */
function supersedes(lineage: Lineage | undefined, entry: Entry): boolean {
  if (lineage === undefined) return false;
  if (lineage.fromFork) return true;
  return lineage.parent !== INIT_PID && lineage.parent !== entry.ppid && lineage.parent !== entry.linkedPpid;
}

/**
 * The parent to link an exec to. An orphan reports its new parent (init) rather than the one
 * that forked it; lineage from the same session recovers the original. A fork record is trusted
 * for any reported parent, a mere ppid sighting only against init.
 */
function linkedParent(reported: number, lineage: Lineage | undefined, facts: ProcessFacts): number {
  if (lineage === undefined || lineage.parent === reported || lineage.ses !== facts.ses) return reported;
  if (lineage.fromFork) return lineage.parent;
  return reported === INIT_PID && facts.ses !== null ? lineage.parent : reported;
}

/** An exec's arguments as its row keeps them (JSON), from EXECVE or else PROCTITLE. */
export function argvJson(facts: ProcessFacts): string | null {
  const argv = facts.argv ?? facts.proctitle;
  return argv === null ? null : JSON.stringify(argv);
}
