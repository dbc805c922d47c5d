import { describe, expect, it } from "vitest";
import type { EventFacts } from "../audit/event-facts";
import { eventFacts } from "../audit/event-facts";
import { parseBuffer } from "../audit/parser";
import { corpusAvailable, manifestEntries, readCorpus } from "../testing/corpus";
import {
  DerivedTables,
  type ProcessRow,
  REORDER_WINDOW,
  type SessionRow,
  type TtyRow,
} from "./derived-tables";
import { ProcessTracker } from "./processes";
import { SessionTracker } from "./sessions";

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

const NO_FACTS: EventFacts = {
  types: [],
  syscall: null,
  arch: null,
  success: null,
  exit: null,
  pid: null,
  ppid: null,
  auid: null,
  uid: null,
  euid: null,
  gid: null,
  ses: null,
  tty: null,
  comm: null,
  exe: null,
  keys: [],
  argv: null,
  proctitle: null,
  cwd: null,
  paths: [],
  sockaddr: null,
  auidName: null,
  uidName: null,
  euidName: null,
  op: null,
  acct: null,
  hostname: null,
  addr: null,
  terminal: null,
  cmd: null,
  unit: null,
  ttyData: null,
};

interface Ids {
  pid: number;
  ppid: number;
  t: number;
  ses?: number | null;
  auid?: number | null;
  node?: string;
}

/** A synthetic feed: every call is one event, in order, with sequential event ids from 1. */
class Feed {
  readonly derived: DerivedTables;
  readonly processes: ProcessRow[] = [];
  readonly tty: TtyRow[] = [];
  private eventId = 0;

  constructor(options?: { firstProcessId?: number }) {
    this.derived = new DerivedTables(options);
  }

  event(timeMs: number, facts: Partial<EventFacts>, node = ""): { processes: ProcessRow[]; tty: TtyRow[] } {
    this.eventId++;
    const out = this.derived.add({
      eventId: this.eventId,
      node,
      timeMs,
      serial: this.eventId,
      facts: { ...NO_FACTS, ...facts },
    });
    this.processes.push(...out.processes);
    // As the store does: the placeholder's row takes what was learnt of its parent.
    for (const learnt of out.placeholderPpids) {
      const row = this.processes.find((p) => p.id === learnt.id);
      if (row) Object.assign(row, { ppid: learnt.ppid, parentId: learnt.parentId });
    }
    this.tty.push(...out.tty);
    return out;
  }

  exec(ids: Ids, argv: string[], extra: Partial<EventFacts> = {}): ProcessRow[] {
    return this.event(
      ids.t,
      {
        types: ["SYSCALL", "EXECVE", "CWD", "PATH"],
        syscall: "execve",
        success: true,
        exit: 0,
        pid: ids.pid,
        ppid: ids.ppid,
        ses: ids.ses ?? null,
        auid: ids.auid ?? null,
        uid: 0,
        euid: 0,
        comm: argv[0]?.split("/").pop() ?? null,
        exe: `/usr/bin/${argv[0]?.split("/").pop()}`,
        argv,
        cwd: "/root",
        ...extra,
      },
      ids.node,
    ).processes;
  }

  /** A clone() by (pid, ppid) that returned `child`. */
  fork(ids: Ids, child: number): void {
    this.event(
      ids.t,
      {
        types: ["SYSCALL"],
        syscall: "clone",
        success: true,
        exit: child,
        pid: ids.pid,
        ppid: ids.ppid,
        ses: ids.ses ?? null,
      },
      ids.node,
    );
  }

  /** Any other syscall by (pid, ppid): only its ppid is evidence. */
  syscall(ids: Ids): void {
    this.event(
      ids.t,
      {
        types: ["SYSCALL"],
        syscall: "openat",
        success: true,
        exit: 3,
        pid: ids.pid,
        ppid: ids.ppid,
        ses: ids.ses ?? null,
      },
      ids.node,
    );
  }

  byEvent(eventId: number): ProcessRow {
    const row = this.processes.find((p) => p.eventId === eventId);
    if (!row) throw new Error(`no process row for event ${eventId}`);
    return row;
  }
}

interface Derived {
  processes: ProcessRow[];
  tty: TtyRow[];
  sessions: SessionRow[];
}

/** Parses corpus files (concatenated in order) and derives everything; event ids count events from 1. */
function deriveCorpus(...files: string[]): Derived {
  const { events } = parseBuffer(Buffer.concat(files.map(readCorpus)));
  const derived = new DerivedTables({ reorderWindow: REORDER_WINDOW });
  const processes: ProcessRow[] = [];
  const tty: TtyRow[] = [];
  events.forEach((event, index) => {
    const out = derived.add({
      eventId: index + 1,
      node: event.node ?? "",
      timeMs: event.sec * 1000 + event.ms,
      serial: event.serial,
      facts: eventFacts(event),
    });
    processes.push(...out.processes);
    tty.push(...out.tty);
  });
  processes.push(...derived.endOfLog().processes);
  return { processes, tty, sessions: derived.sessions() };
}

/** The process forest as indented text: `pid argv…`, placeholders as `pid N (not seen)`. */
function renderTree(rows: readonly ProcessRow[]): string {
  const children = new Map<number | null, ProcessRow[]>();
  for (const row of rows) children.set(row.parentId, [...(children.get(row.parentId) ?? []), row]);
  const lines: string[] = [];
  const walk = (row: ProcessRow, depth: number) => {
    const argv = row.argv === null ? [] : (JSON.parse(row.argv) as string[]);
    const label = row.placeholder ? `pid ${row.pid} (not seen)` : `${row.pid} ${argv.join(" ")}`;
    const chain = row.chainPrevId === null ? "" : ` [exec chain after ${row.chainPrevId}]`;
    lines.push(`${"  ".repeat(depth)}${label}${chain}`);
    for (const child of children.get(row.id) ?? []) walk(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) walk(root, 0);
  return lines.join("\n");
}

function session(sessions: readonly SessionRow[], ses: number, node = ""): SessionRow {
  const row = sessions.find((s) => s.ses === ses && s.node === node);
  if (!row) throw new Error(`no session ${node}/${ses}`);
  return row;
}

/** Every reference points to a row emitted earlier; ids are sequential. */
function expectWellFormed(rows: readonly ProcessRow[], firstId = 1): void {
  const seen = new Set<number>();
  rows.forEach((row, index) => {
    expect(row.id).toBe(firstId + index);
    if (row.parentId !== null) expect(seen.has(row.parentId)).toBe(true);
    if (row.chainPrevId !== null) expect(seen.has(row.chainPrevId)).toBe(true);
    seen.add(row.id);
  });
}

const b = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

// ---------------------------------------------------------------------------
// processes: synthetic, one rule each
// ---------------------------------------------------------------------------

describe("processes (synthetic)", () => {
  it("links an exec to the latest exec of its ppid and copies the exec's columns", () => {
    const feed = new Feed({ firstProcessId: 100 });
    feed.exec({ pid: 10, ppid: 1, t: 1000, ses: 5, auid: 1000 }, ["bash"]);
    const rows = feed.exec({ pid: 11, ppid: 10, t: 2000, ses: 5, auid: 1000 }, ["ls", "-la", "/tmp"], {
      uid: 1000,
      euid: 0,
      cwd: "/home/u",
    });
    expect(rows).toHaveLength(1);
    // pid 1 never exec'd: placeholder 100, bash 101, ls 102.
    expect(rows[0]).toEqual({
      id: 102,
      eventId: 2,
      parentId: 101,
      chainPrevId: null,
      node: "",
      pid: 11,
      ppid: 10,
      ses: 5,
      auid: 1000,
      uid: 1000,
      euid: 0,
      exe: "/usr/bin/ls",
      comm: "ls",
      argv: '["ls","-la","/tmp"]',
      cwd: "/home/u",
      timeMs: 2000,
      success: true,
      placeholder: false,
    });
  });

  it("takes argv from EXECVE, else from PROCTITLE, else null", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["a", "b c"]);
    feed.exec({ pid: 11, ppid: 1, t: 2 }, ["ignored"], { argv: null, proctitle: ["python3", "-c", "x"] });
    feed.exec({ pid: 12, ppid: 1, t: 3 }, ["ignored"], { argv: null, proctitle: null });
    expect(feed.processes.filter((p) => !p.placeholder).map((p) => p.argv)).toEqual([
      '["a","b c"]',
      '["python3","-c","x"]',
      null,
    ]);
  });

  it("creates one placeholder per (node, ppid), emitted before the row that uses it, until the pid execs", () => {
    const feed = new Feed();
    const first = feed.exec({ pid: 20, ppid: 7, t: 1, ses: 3, auid: 1000 }, ["sleep", "1"]);
    expect(first.map((p) => [p.id, p.placeholder, p.pid])).toEqual([
      [1, true, 7],
      [2, false, 20],
    ]);
    expect(first[0]).toEqual({
      id: 1,
      eventId: null,
      parentId: null,
      chainPrevId: null,
      node: "",
      pid: 7,
      ppid: null,
      ses: 3,
      auid: 1000,
      uid: null,
      euid: null,
      exe: null,
      comm: null,
      argv: null,
      cwd: null,
      timeMs: null,
      success: null,
      placeholder: true,
    });
    // A sibling reuses the placeholder.
    expect(
      feed.exec({ pid: 21, ppid: 7, t: 2, ses: 3 }, ["sleep", "2"]).map((p) => [p.id, p.parentId]),
    ).toEqual([[3, 1]]);
    // Same ppid on another node: its own placeholder.
    const other = feed.exec({ pid: 21, ppid: 7, t: 3, node: "web" }, ["true"]);
    expect(other.map((p) => [p.id, p.node, p.placeholder, p.parentId])).toEqual([
      [4, "web", true, null],
      [5, "web", false, 4],
    ]);
    // pid 7 execs for real (its parent unknown): later children link to it, not the placeholder.
    feed.exec({ pid: 7, ppid: 2, t: 4 }, ["sh"]);
    const later = feed.exec({ pid: 22, ppid: 7, t: 5 }, ["id"]);
    expect(later).toHaveLength(1);
    expect(later[0]?.parentId).toBe(feed.byEvent(4).id);
    expect(feed.byEvent(4).chainPrevId).toBeNull();
    expectWellFormed(feed.processes);
  });

  it("handles pid reuse: a later exec of the pid number replaces the earlier one for lookups", () => {
    const feed = new Feed();
    feed.exec({ pid: 1, ppid: 0, t: 1 }, ["init"]);
    feed.exec({ pid: 10, ppid: 1, t: 2 }, ["bash"]);
    feed.exec({ pid: 50, ppid: 1, t: 3 }, ["old-daemon"]);
    feed.exec({ pid: 60, ppid: 50, t: 4 }, ["old-child"]);
    // pid 50 comes back under another parent: a different process, not an exec chain.
    feed.exec({ pid: 50, ppid: 10, t: 100 }, ["vim"]);
    feed.exec({ pid: 51, ppid: 50, t: 101 }, ["new-child"]);
    expect(renderTree(feed.processes)).toBe(
      [
        "pid 0 (not seen)",
        "  1 init",
        "    10 bash",
        "      50 vim",
        "        51 new-child",
        "    50 old-daemon",
        "      60 old-child",
      ].join("\n"),
    );
    expect(feed.byEvent(5).chainPrevId).toBeNull();
  });

  it("chains a re-exec in the same pid with the same ppid, keeping the parent", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["bash"]);
    // sh -c 'exec sleep 5', then sleep
    feed.exec({ pid: 11, ppid: 10, t: 2 }, ["sh", "-c", "exec sleep 5"]);
    feed.exec({ pid: 11, ppid: 10, t: 3 }, ["sleep", "5"]);
    feed.exec({ pid: 12, ppid: 11, t: 4 }, ["child-of-sleep"]);
    const bash = feed.byEvent(1);
    const sh = feed.byEvent(2);
    const sleep = feed.byEvent(3);
    expect(sleep.chainPrevId).toBe(sh.id);
    expect(sleep.parentId).toBe(bash.id);
    expect(sh.parentId).toBe(bash.id);
    // The child links to the latest image of pid 11.
    expect(feed.byEvent(4).parentId).toBe(sleep.id);
  });

  it("counts execveat as an exec", () => {
    const feed = new Feed();
    const rows = feed.exec({ pid: 10, ppid: 1, t: 1, ses: 2 }, ["fexecve-user"], { syscall: "execveat" });
    expect(rows.filter((r) => !r.placeholder)).toHaveLength(1);
    expect(feed.derived.sessions()[0]?.execs).toBe(1);
  });

  it("keeps a failed exec as a row that does not replace the pid's image", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["bash"]);
    feed.exec({ pid: 11, ppid: 10, t: 2 }, ["python3", "app.py"]);
    // python3 tries to exec a missing binary, then forks a child.
    feed.exec({ pid: 11, ppid: 10, t: 3 }, ["/opt/missing"], { success: false, exit: -2 });
    feed.exec({ pid: 12, ppid: 11, t: 4 }, ["worker"]);
    // A forked shell child's PATH search: two failures, then the real one.
    feed.exec({ pid: 13, ppid: 10, t: 5 }, ["/usr/local/bin/tool"], { success: false, exit: -2 });
    feed.exec({ pid: 13, ppid: 10, t: 6 }, ["/usr/bin/tool"]);
    const python = feed.byEvent(2);
    const missing = feed.byEvent(3);
    expect(missing.success).toBe(false);
    expect(missing.chainPrevId).toBe(python.id);
    expect(missing.parentId).toBe(feed.byEvent(1).id);
    expect(feed.byEvent(4).parentId).toBe(python.id);
    expect(feed.byEvent(5).parentId).toBe(feed.byEvent(1).id);
    expect(feed.byEvent(5).chainPrevId).toBeNull();
    expect(feed.byEvent(6).parentId).toBe(feed.byEvent(1).id);
    expect(feed.byEvent(6).chainPrevId).toBeNull();
  });

  it("treats an exec with exit=0 as run even when success is not 'yes' (quoted success=\"yes\")", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["tcsh"], { success: false, exit: 0 });
    feed.exec({ pid: 11, ppid: 10, t: 2 }, ["id"]);
    expect(feed.byEvent(2).parentId).toBe(feed.byEvent(1).id);
    expect(feed.byEvent(1).success).toBe(false);
  });

  it("does not chain an exec in a pid that was forked again after its last exec", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["bash"]);
    feed.fork({ pid: 10, ppid: 1, t: 2 }, 50);
    feed.exec({ pid: 50, ppid: 10, t: 3 }, ["ls"]);
    // ls exits; bash gets pid 50 again for its next child.
    feed.fork({ pid: 10, ppid: 1, t: 4 }, 50);
    feed.exec({ pid: 50, ppid: 10, t: 5 }, ["cat"]);
    const cat = feed.byEvent(5);
    expect(cat.chainPrevId).toBeNull();
    expect(cat.parentId).toBe(feed.byEvent(1).id);
  });

  it("gives a fork-only process's placeholder its forker as parent", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["sh", "script"]);
    feed.fork({ pid: 10, ppid: 1, t: 2 }, 20);
    feed.fork({ pid: 20, ppid: 10, t: 3 }, 21);
    feed.exec({ pid: 21, ppid: 20, t: 4 }, ["echo", "hi"]);
    expect(renderTree(feed.processes)).toBe(
      ["pid 1 (not seen)", "  10 sh script", "    pid 20 (not seen)", "      21 echo hi"].join("\n"),
    );
    const placeholder = feed.processes.find((p) => p.pid === 20);
    expect(placeholder?.ppid).toBe(10);
    expect(placeholder?.timeMs).toBe(2);
  });

  it("links a reparented orphan (ppid 1) to the process it was seen under in the same session", () => {
    const feed = new Feed();
    feed.exec({ pid: 100, ppid: 99, t: 1, ses: 4 }, ["parent"]);
    feed.syscall({ pid: 101, ppid: 100, t: 2, ses: 4 });
    feed.exec({ pid: 101, ppid: 1, t: 3, ses: 4 }, ["orphan"]);
    const orphan = feed.byEvent(3);
    expect(orphan.ppid).toBe(1);
    expect(orphan.parentId).toBe(feed.byEvent(1).id);
    // Without a session the sighting is not trusted: pid 1 gets a placeholder.
    const loose = new Feed();
    loose.exec({ pid: 100, ppid: 99, t: 1 }, ["parent"]);
    loose.syscall({ pid: 101, ppid: 100, t: 2 });
    loose.exec({ pid: 101, ppid: 1, t: 3 }, ["service"]);
    expect(renderTree(loose.processes)).toBe(
      ["pid 99 (not seen)", "  100 parent", "pid 1 (not seen)", "  101 service"].join("\n"),
    );
  });

  it("puts a placeholder under its parent pid's process once a record of the pid shows it, unless init's", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1 }, ["sshd"]);
    feed.exec({ pid: 30, ppid: 20, t: 2 }, ["kid"]);
    feed.syscall({ pid: 20, ppid: 10, t: 3 });
    // pid 40's only later record says init: it may be an orphan, its parent is still unknown.
    feed.exec({ pid: 50, ppid: 40, t: 4 }, ["kid2"]);
    feed.syscall({ pid: 40, ppid: 1, t: 5 });
    expect(renderTree(feed.processes)).toBe(
      [
        "pid 1 (not seen)",
        "  10 sshd",
        "    pid 20 (not seen)",
        "      30 kid",
        "pid 40 (not seen)",
        "  50 kid2",
      ].join("\n"),
    );
    expect(feed.processes.find((p) => p.pid === 20)?.ppid).toBe(10);
  });

  it("never links across nodes", () => {
    const feed = new Feed();
    feed.exec({ pid: 10, ppid: 1, t: 1, node: "a" }, ["bash"]);
    feed.exec({ pid: 11, ppid: 10, t: 2, node: "b" }, ["ls"]);
    const ls = feed.byEvent(2);
    const parent = feed.processes.find((p) => p.id === ls.parentId);
    expect(parent?.placeholder).toBe(true);
    expect(parent?.node).toBe("b");
    expect(parent?.pid).toBe(10);
  });
});

describe("processes: memory stays bounded when pids do not repeat (pid_max 4194304)", () => {
  const execAt = (eventId: number, pid: number, ppid: number, timeMs: number) => ({
    eventId,
    node: "",
    timeMs,
    serial: eventId,
    facts: { ...NO_FACTS, syscall: "execve", success: true, exit: 0, pid, ppid, exe: `/bin/p${pid}` },
  });

  it("keeps at most the cap of pids; a busy parent stays linked, one idle since long is 'not seen'", () => {
    const tracker = new ProcessTracker(1, 100);
    const sshd = tracker.add(execAt(1, 2, 1, 0)).find((row) => row.pid === 2);
    tracker.add(execAt(2, 3, 1, 1));
    let most = 0;
    for (let k = 0; k < 1000; k++) {
      tracker.add(execAt(10 + k, 1000 + k, 2, 10 + k));
      most = Math.max(most, tracker.tracked);
    }
    expect(most).toBeLessThanOrEqual(100);
    const [child] = tracker.add(execAt(2000, 9000, 2, 5000));
    expect(child?.parentId).toBe(sshd?.id);
    const rows = tracker.add(execAt(2001, 9001, 3, 5001));
    expect(rows.map((row) => [row.pid, row.placeholder])).toEqual([
      [3, true],
      [9001, false],
    ]);
  });

  it("stays bounded when every event has the same time", () => {
    const tracker = new ProcessTracker(1, 100);
    let most = 0;
    for (let k = 0; k < 1000; k++) {
      tracker.add(execAt(k + 1, 1000 + k, 1, 0));
      most = Math.max(most, tracker.tracked);
    }
    expect(most).toBeLessThanOrEqual(100);
  });
});

// ---------------------------------------------------------------------------
// sessions: synthetic
// ---------------------------------------------------------------------------

const SSHD = "/usr/sbin/sshd";

/** An sshd login as Ubuntu logs it: PAM before LOGIN has ses unset. */
function sshLogin(feed: Feed, pid: number, ses: number, t: number, node = ""): void {
  const pam = {
    pid,
    uid: 0,
    exe: SSHD,
    acct: "alice",
    hostname: "10.0.0.9",
    addr: "10.0.0.9",
    terminal: "ssh",
  };
  feed.event(t, { ...pam, types: ["USER_AUTH"], success: true }, node);
  feed.event(t + 1, { ...pam, types: ["CRED_ACQ"], success: true }, node);
  feed.event(t + 2, { types: ["LOGIN"], pid, uid: 0, auid: 1001, ses, success: true }, node);
  feed.event(t + 3, { ...pam, types: ["USER_START"], auid: 1001, ses, success: true }, node);
  feed.event(
    t + 4,
    { ...pam, types: ["USER_LOGIN"], auid: 1001, ses, success: true, acct: null, terminal: "/dev/pts/3" },
    node,
  );
}

describe("sessions (synthetic)", () => {
  it("builds an sshd session from pre-LOGIN PAM records, LOGIN, activity and logout", () => {
    const feed = new Feed();
    sshLogin(feed, 500, 7, 10_000);
    feed.exec({ pid: 501, ppid: 500, t: 10_010, ses: 7, auid: 1001 }, ["bash"]);
    feed.exec({ pid: 502, ppid: 501, t: 10_020, ses: 7, auid: 1001 }, ["nope"], { success: false, exit: -2 });
    feed.event(10_030, { types: ["USER_TTY"], pid: 501, auid: 1001, ses: 7, ttyData: b("ls\r") });
    feed.event(10_040, {
      types: ["SYSCALL"],
      syscall: "openat",
      success: false,
      exit: -13,
      pid: 501,
      ses: 7,
      auid: 1001,
    });
    feed.event(10_050, {
      types: ["USER_END"],
      pid: 500,
      auid: 1001,
      ses: 7,
      exe: SSHD,
      acct: "alice",
      success: true,
    });
    feed.event(10_051, {
      types: ["CRED_DISP"],
      pid: 500,
      auid: 1001,
      ses: 7,
      exe: SSHD,
      acct: "alice",
      success: true,
    });
    expect(feed.derived.sessions()).toEqual([
      {
        node: "",
        ses: 7,
        auid: 1001,
        userName: "alice",
        kind: "sshd",
        addr: "10.0.0.9",
        hostname: "10.0.0.9",
        terminal: "pts/3",
        startMs: 10_002,
        endMs: 10_050,
        // LOGIN, USER_START, USER_LOGIN, 2 execs, USER_TTY, openat, USER_END, CRED_DISP
        events: 9,
        execs: 2,
        failures: 2,
        hasTty: true,
        evidence: expect.any(Object),
      },
    ]);
  });

  it("does not carry a failed login's PAM records over to a later login by a reused pid", () => {
    const feed = new Feed();
    feed.event(1, {
      types: ["USER_LOGIN"],
      pid: 700,
      exe: SSHD,
      acct: "root",
      addr: "6.6.6.6",
      success: false,
    });
    feed.event(900, {
      types: ["CRED_ACQ"],
      pid: 700,
      exe: "/usr/sbin/cron",
      acct: "root",
      terminal: "cron",
      success: true,
    });
    feed.event(901, { types: ["LOGIN"], pid: 700, auid: 0, ses: 12, success: true });
    expect(session(feed.derived.sessions(), 12)).toMatchObject({
      kind: "cron",
      addr: null,
      terminal: "cron",
      userName: "root",
      startMs: 901,
    });
  });

  it("ignores events whose ses is unset", () => {
    const feed = new Feed();
    feed.event(1, {
      types: ["USER_LOGIN"],
      pid: 9,
      exe: SSHD,
      acct: "root",
      addr: "1.2.3.4",
      success: false,
    });
    feed.exec({ pid: 10, ppid: 1, t: 2 }, ["systemd-udevd"]);
    expect(feed.derived.sessions()).toEqual([]);
  });

  it("does not let sudo inside a session change its kind, user, or end", () => {
    const feed = new Feed();
    sshLogin(feed, 500, 7, 1000);
    const sudo = {
      pid: 600,
      uid: 0,
      auid: 1001,
      ses: 7,
      exe: "/usr/bin/sudo",
      acct: "root",
      terminal: "/dev/pts/3",
    };
    feed.event(2000, { ...sudo, types: ["USER_START"], success: true });
    feed.event(2001, { ...sudo, types: ["USER_END"], success: true });
    const s = session(feed.derived.sessions(), 7);
    expect([s.kind, s.userName, s.endMs, s.startMs]).toEqual(["sshd", "alice", null, 1002]);
  });

  it("builds a session whose login is before the log from its events alone", () => {
    const feed = new Feed();
    feed.exec({ pid: 300, ppid: 299, t: 5000, ses: 42, auid: 1000 }, ["vim"], { auidName: "bob" });
    feed.event(6000, { types: ["SYSCALL"], syscall: "unlink", success: true, pid: 300, ses: 42, auid: 1000 });
    expect(feed.derived.sessions()).toEqual([
      {
        node: "",
        ses: 42,
        auid: 1000,
        userName: "bob",
        kind: "unknown",
        addr: null,
        hostname: null,
        terminal: null,
        startMs: 5000,
        endMs: null,
        events: 2,
        execs: 1,
        failures: 0,
        hasTty: false,
        evidence: expect.any(Object),
      },
    ]);
  });

  it("names the kind from the login program's exe (or comm)", () => {
    const cases: Array<[Partial<EventFacts>, string]> = [
      [{ exe: "/usr/sbin/sshd" }, "sshd"],
      [{ exe: "/usr/lib/openssh/sshd-session" }, "sshd"],
      [{ exe: "/usr/sbin/cron" }, "cron"],
      [{ exe: "/usr/sbin/crond" }, "cron"],
      [{ exe: "/bin/login" }, "login"],
      [{ exe: "/usr/bin/su" }, "su"],
      [{ exe: "/usr/bin/sudo" }, "sudo"],
      [{ exe: "/lib/systemd/systemd" }, "systemd"],
      [{ comm: "(systemd)" }, "systemd"],
      [{ comm: "cron" }, "cron"],
      [{ exe: "/usr/libexec/gdm-session-worker" }, "unknown"],
      [{}, "unknown"],
    ];
    for (const [program, kind] of cases) {
      const feed = new Feed();
      feed.event(1, { types: ["USER_START"], pid: 5, auid: 0, ses: 1, success: true, ...program });
      expect([program, feed.derived.sessions()[0]?.kind]).toEqual([program, kind]);
    }
  });

  it("takes kind from LOGIN's own exe, and a starter program over su/sudo seen earlier", () => {
    const feed = new Feed();
    // An older session's sudo record, then the login program's record.
    feed.event(1, { types: ["USER_START"], pid: 8, auid: 0, ses: 3, exe: "/usr/bin/sudo", success: true });
    feed.event(2, { types: ["CRED_REFR"], pid: 9, auid: 0, ses: 3, exe: "/usr/sbin/crond", success: true });
    // LOGIN with a SYSCALL record naming the program (kernel >= 4.x).
    feed.event(3, {
      types: ["LOGIN", "SYSCALL"],
      pid: 10,
      auid: 0,
      ses: 4,
      exe: "/usr/sbin/cron",
      success: true,
    });
    const sessions = feed.derived.sessions();
    expect(session(sessions, 3).kind).toBe("cron");
    expect(session(sessions, 4).kind).toBe("cron");
    expect(session(sessions, 4).startMs).toBe(3);
  });

  it("prefers the ENRICHED auid name, then the login's acct, else null", () => {
    const feed = new Feed();
    feed.event(1, { types: ["LOGIN"], pid: 10, auid: 1000, ses: 1, auidName: "carol", success: true });
    feed.event(2, {
      types: ["USER_START"],
      pid: 10,
      auid: 1000,
      ses: 1,
      exe: SSHD,
      acct: "ignored",
      success: true,
    });
    feed.event(3, { types: ["LOGIN"], pid: 11, auid: 1001, ses: 2, success: true });
    feed.event(4, {
      types: ["USER_START"],
      pid: 11,
      auid: 1001,
      ses: 2,
      exe: SSHD,
      acct: "dave",
      success: true,
    });
    feed.event(5, { types: ["LOGIN"], pid: 12, auid: 1002, ses: 3, success: true });
    // ENRICHED logs write unknown(N) for ids without a name.
    feed.event(6, {
      types: ["LOGIN"],
      pid: 13,
      auid: 1000000,
      ses: 4,
      auidName: "unknown(1000000)",
      success: true,
    });
    feed.event(7, {
      types: ["USER_START"],
      pid: 13,
      auid: 1000000,
      ses: 4,
      exe: "/usr/sbin/cron",
      acct: "root",
      success: true,
    });
    expect(feed.derived.sessions().map((s) => [s.ses, s.userName])).toEqual([
      [1, "carol"],
      [2, "dave"],
      [3, null],
      [4, "root"],
    ]);
  });

  it("keeps sessions apart per node", () => {
    const feed = new Feed();
    sshLogin(feed, 500, 7, 1000, "alpha");
    feed.exec({ pid: 10, ppid: 1, t: 3000, ses: 7, auid: 0, node: "beta" }, ["cron-job"]);
    const sessions = feed.derived.sessions();
    expect(sessions.map((s) => [s.node, s.ses, s.kind, s.events])).toEqual([
      ["alpha", 7, "sshd", 3],
      ["beta", 7, "unknown", 1],
    ]);
  });
});

// ---------------------------------------------------------------------------
// tty: synthetic
// ---------------------------------------------------------------------------

describe("sessions: memory stays bounded on a host with a session a minute", () => {
  it("holds at most the cap in memory and hands the idlest over as rows, each session once", () => {
    const tracker = new SessionTracker(100);
    const setAside: SessionRow[] = [];
    let most = 0;
    for (let ses = 1; ses <= 1000; ses++) {
      const t = ses * 60_000;
      for (const [dt, types] of [
        [0, ["LOGIN"]],
        [1, ["USER_START"]],
        [2, ["USER_END"]],
      ] as const) {
        tracker.add({
          eventId: ses * 3 + dt,
          node: "",
          timeMs: t + dt,
          serial: ses * 3 + dt,
          facts: {
            ...NO_FACTS,
            types: [...types],
            pid: 5000 + ses,
            auid: 0,
            ses,
            success: true,
            exe: "/usr/sbin/cron",
          },
        });
      }
      setAside.push(...tracker.takeSetAside());
      most = Math.max(most, tracker.rows().length);
    }
    expect(most).toBeLessThanOrEqual(100);
    const all = [...setAside, ...tracker.rows()];
    expect(all.map((s) => s.ses).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    expect(all.every((s) => s.kind === "cron" && s.events === 3 && s.endMs === s.startMs + 2)).toBe(true);
  });
});

describe("tty rows (synthetic)", () => {
  it("renders tokens and edited lines (text + flags, no bytes)", () => {
    const feed = new Feed();
    const data = b("sdo\x7f\x7fudo id\rls\t\x03");
    const { tty } = feed.event(1234, { types: ["TTY"], pid: 77, auid: 1000, ses: 9, ttyData: data }, "n1");
    expect(tty).toEqual([
      {
        eventId: 1,
        node: "n1",
        ses: 9,
        auid: 1000,
        pid: 77,
        timeMs: 1234,
        data,
        tokens: '"sdo",<backspace>,<backspace>,"udo id",<ret>,"ls",<tab>,<^C>',
        lines: JSON.stringify([
          {
            text: "sudo id",
            submitted: true,
            abandoned: false,
            eof: false,
            usedCompletion: false,
            usedHistory: false,
            unmodelledKeys: false,
            truncated: false,
          },
          {
            text: "ls",
            submitted: false,
            abandoned: true,
            eof: false,
            usedCompletion: true,
            usedHistory: false,
            unmodelledKeys: false,
            truncated: false,
          },
        ]),
      },
    ]);
    expect(feed.event(1235, { types: ["SYSCALL"], pid: 77, ses: 9 }).tty).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// corpus
// ---------------------------------------------------------------------------

const corpusTitle = (title: string) =>
  corpusAvailable ? title : `${title} (skipped: ../shared/corpus is absent)`;

describe.skipIf(!corpusAvailable)(corpusTitle("process trees from real traces"), () => {
  it("laurel/shell-proc-trace.txt: the pipeline's subshell hangs under the script", () => {
    const { processes } = deriveCorpus("laurel/shell-proc-trace.txt");
    expectWellFormed(processes);
    // `( echo foo | sed ) | grep`: 71506 is a forked subshell that never execs.
    expect(renderTree(processes)).toBe(
      [
        "pid 71432 (not seen)",
        "  71505 /bin/sh ./src/testdata/double-fork/test-script.sh",
        "    71507 grep baz",
        "    pid 71506 (not seen)",
        "      71508 /bin/echo foo",
        "      71509 /bin/sed -e s/foo/bar/",
      ].join("\n"),
    );
    const script = processes.find((p) => p.pid === 71505);
    expect(script).toMatchObject({
      exe: "/usr/bin/dash",
      comm: "test-script.sh",
      cwd: "/home/user/src/laurel",
      ses: 3,
      auid: 1000,
    });
    // The bash that started it is known from its clone() record.
    expect(processes.find((p) => p.pid === 71432)).toMatchObject({ placeholder: true, ppid: 3505, ses: 3 });
  });

  it("laurel/shell-proc-trace-reordered.txt: reversed input gives the in-order trace's tree", () => {
    const { processes } = deriveCorpus("laurel/shell-proc-trace-reordered.txt");
    expectWellFormed(processes);
    // The events are put back in log order (a window of REORDER_WINDOW events) before the tree sees them.
    expect(renderTree(processes)).toBe(renderTree(deriveCorpus("laurel/shell-proc-trace.txt").processes));
    const grep = processes.find((p) => p.pid === 71507);
    expect(processes.find((p) => p.id === grep?.parentId)).toMatchObject({ pid: 71505, placeholder: false });
  });

  it("laurel/shell-proc-trace-confusion.txt: a re-forked pid is not mistaken for its old exec", () => {
    const { processes } = deriveCorpus("laurel/shell-proc-trace-confusion.txt");
    expectWellFormed(processes);
    // 2655 ran rm long before; tcsh then forked a new 2655 whose child ran `id`.
    expect(renderTree(processes)).toBe(
      [
        "pid 2643 (not seen)",
        "  2655 rm -f /tmp/2643A1 /tmp/2643A2 /tmp/2643XX",
        "pid 2532 (not seen)",
        "  2542 -csh -c /tmp/REDACTED.csh",
        "    2643 hostname",
        "    pid 2655 (not seen)",
        "      2656 id",
        "    2655 awk -F) {print $1} [exec chain after 6]",
      ].join("\n"),
    );
  });

  it("laurel/tree/00..16.txt concatenated: apt-get update's 16 children hang under apt-get", () => {
    const files = Array.from({ length: 17 }, (_, i) => `laurel/tree/${String(i).padStart(2, "0")}.txt`);
    const { processes } = deriveCorpus(...files);
    expectWellFormed(processes);
    expect(renderTree(processes)).toBe(
      [
        "pid 722675 (not seen)",
        "  722676 apt-get update",
        "    722677 /usr/bin/dpkg --print-foreign-architectures",
        "    722678 /usr/lib/apt/methods/http",
        "    722679 /usr/lib/apt/methods/https",
        "    722680 /usr/lib/apt/methods/https",
        "    722681 /usr/lib/apt/methods/https",
        "    722682 /usr/lib/apt/methods/http",
        "    722689 /usr/lib/apt/methods/gpgv",
        "    722691 /usr/lib/apt/methods/gpgv",
        "    723173 /usr/lib/apt/methods/rred",
        "    723175 /usr/lib/apt/methods/rred",
        "    723188 /usr/lib/apt/methods/rred",
        "    723190 /usr/lib/apt/methods/rred",
        "    723197 /usr/lib/apt/methods/store",
        "    723198 /usr/lib/apt/methods/store",
        "    723219 /usr/bin/dpkg --print-foreign-architectures",
        "    723222 /usr/bin/dpkg --print-foreign-architectures",
      ].join("\n"),
    );
    const aptGet = processes.find((p) => p.pid === 722676);
    expect(aptGet).toMatchObject({
      uid: 0,
      auid: 1000,
      ses: 3,
      exe: "/usr/bin/apt-get",
      timeMs: 1654180383030,
    });
    // https is the http method binary under another name.
    expect(processes.find((p) => p.pid === 722679)?.exe).toBe("/usr/lib/apt/methods/http");
  });

  it("laurel/fork-sleep-exec.txt: the orphan (ppid=1) links to the parent it was forked from", () => {
    const { processes } = deriveCorpus("laurel/fork-sleep-exec.txt");
    expect(renderTree(processes)).toBe(
      ["pid 3822680 (not seen)", "  1578539 /home/user/bin/uncaring-parent", "    1578540 "].join("\n"),
    );
    const orphan = processes.find((p) => p.pid === 1578540);
    expect(orphan).toMatchObject({ ppid: 1, exe: "/usr/bin/true", argv: '[""]', ses: 2 });
  });

  it("laurel/proc-trace-dpkg-l.txt: dpkg execs dpkg-query in place (exec chain)", () => {
    const { processes } = deriveCorpus("laurel/proc-trace-dpkg-l.txt");
    expectWellFormed(processes);
    expect(renderTree(processes)).toBe(
      [
        "pid 1140452 (not seen)",
        "  1140453 -bash",
        "    1140454 /usr/bin/locale-check C.UTF-8",
        "    1140455 locale",
        "    1140457 /bin/sh /usr/bin/lesspipe",
        "      1140458 basename /usr/bin/lesspipe",
        "      pid 1140459 (not seen)",
        "        1140460 dirname /usr/bin/lesspipe",
        "    1140461 dircolors -b",
        "    1140462 dpkg -l",
        "    1140462 dpkg-query --list -- [exec chain after 10]",
        "      1140463 sh -c -- pager",
        "        1140464 pager",
      ].join("\n"),
    );
  });
});

describe.skipIf(!corpusAvailable)(corpusTitle("sessions from real logs"), () => {
  it("msticpy/auditd_log.txt: 49 cron sessions, one older session seen only through sudo, no SSH", () => {
    const { sessions } = deriveCorpus("msticpy/auditd_log.txt");
    expect(sessions).toHaveLength(50);
    expect(sessions.filter((s) => s.kind === "cron")).toHaveLength(49);
    // 191 failed SSH logins never got a session.
    expect(sessions.some((s) => s.kind === "sshd")).toBe(false);
    // grep 'ses=237 ': 104 events, 9 of them execve; its login is before the log and only
    // sudo's PAM records name it, so the user (auid 1000) has no name and sudo's acct=root is not used.
    expect(session(sessions, 237)).toEqual({
      node: "",
      ses: 237,
      auid: 1000,
      userName: null,
      kind: "sudo",
      addr: null,
      hostname: null,
      terminal: "pts/0",
      startMs: 1551485410555,
      endMs: null,
      events: 104,
      execs: 9,
      failures: 0,
      hasTty: false,
      evidence: expect.any(Object),
    });
    // LOGIN 1551485701.348 … USER_END 1551485719.085, from /usr/sbin/cron for omsagent.
    expect(session(sessions, 249)).toEqual({
      node: "",
      ses: 249,
      auid: 998,
      userName: "omsagent",
      kind: "cron",
      addr: null,
      hostname: null,
      terminal: "cron",
      startMs: 1551485701348,
      endMs: 1551485719085,
      events: 4,
      execs: 0,
      failures: 0,
      hasTty: false,
      evidence: expect.any(Object),
    });
    // Still open when the log ends: LOGIN, USER_START and 5 execs.
    expect(session(sessions, 287)).toMatchObject({ kind: "cron", events: 7, execs: 5, endMs: null });
  });

  it("ait-lds: sshd sessions with addresses and logout, systemd user managers, cron", () => {
    const { sessions } = deriveCorpus("ait-lds/russelmitchell_intranet_server_audit.log");
    // 304 LOGIN records, plus session 29 whose login predates the log.
    expect(sessions).toHaveLength(305);
    const kinds = new Map<string, number>();
    for (const s of sessions) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({ cron: 298, sshd: 4, systemd: 3 });
    // CRED_ACQ (ses unset, exe sshd) → LOGIN 1642761573.424 → USER_START → USER_LOGIN on /dev/pts/0 → USER_END.
    expect(session(sessions, 100)).toEqual({
      node: "",
      ses: 100,
      auid: 1002,
      userName: "jhall",
      kind: "sshd",
      addr: "172.19.131.174",
      hostname: "172.19.131.174",
      terminal: "pts/0",
      startMs: 1642761573424,
      endMs: 1642761593920,
      events: 6,
      execs: 0,
      failures: 0,
      hasTty: false,
      evidence: expect.any(Object),
    });
    // The user manager started for that login: its own session, kind from LOGIN's pending CRED_ACQ.
    expect(session(sessions, 101)).toMatchObject({
      kind: "systemd",
      auid: 1002,
      userName: "jhall",
      addr: null,
      terminal: null,
      startMs: 1642761573460,
      endMs: null,
      events: 2,
    });
    // Logged in before the log began; only its USER_END and CRED_DISP are seen.
    expect(session(sessions, 29)).toMatchObject({
      kind: "sshd",
      userName: "jhall",
      addr: "172.19.131.174",
      startMs: 1642752320510,
      endMs: 1642752320510,
      events: 2,
    });
    // A two-day session.
    expect(session(sessions, 111)).toMatchObject({ startMs: 1642774000743, endMs: 1642954984332 });
    expect(session(sessions, 65)).toEqual({
      node: "",
      ses: 65,
      auid: 0,
      userName: "root",
      kind: "cron",
      addr: null,
      hostname: null,
      terminal: "cron",
      startMs: 1642723741076,
      endMs: 1642723741084,
      events: 4,
      execs: 0,
      failures: 0,
      hasTty: false,
      evidence: expect.any(Object),
    });
  });
});

describe.skipIf(!corpusAvailable)(corpusTitle("TTY input from a real log"), () => {
  it("go-libaudit/auparse/audit-rhel7.log: one TTY and two USER_TTY rows with edited lines", () => {
    const { tty, sessions } = deriveCorpus("go-libaudit/auparse/audit-rhel7.log");
    expect(tty.map((t) => [t.pid, t.ses, t.auid, t.timeMs])).toEqual([
      [27930, 762, 1000, 1491924063550],
      [28202, 762, 1000, 1491922671974],
      [28058, 762, 1000, 1491922681082],
    ]);
    const lines = (row: TtyRow | undefined) =>
      (JSON.parse(row?.lines ?? "[]") as Array<{ text: string; submitted: boolean }>).map((l) => l.text);
    expect(lines(tty[2])).toEqual(["su - andrew_kroh"]);
    expect(tty[2]?.tokens).toBe('"su - andrew_kroh"');
    expect(lines(tty[1])).toEqual(["exit"]);
    // The kernel TTY record: bash line editing replayed (^A sudo ^E, backspaces, history).
    expect(lines(tty[0])).toEqual([
      "echo test",
      "vim /etc/pam.d/password-auth-ac",
      "man pam_tty_audit",
      "man pam.d",
      "sudo vim /etc/pam.d/sy-a-a",
      "man pam",
      "grep /var/log/mes | grep pam_tty",
      "grep pam_tty /var/log/mes",
      "sudo ",
      "sudo su",
    ]);
    expect(tty[0]?.tokens.startsWith('"eh",<backspace>,<backspace>,"echo test",<ret>')).toBe(true);
    expect(tty[0]?.lines).not.toContain("bytes");
    expect(session(sessions, 762)).toMatchObject({ hasTty: true, events: 3, kind: "unknown" });
    // Same log: an RHEL 7 sshd login with hostname and USER_LOGOUT.
    expect(session(sessions, 1)).toEqual({
      node: "",
      ses: 1,
      auid: 1000,
      userName: "andrew_kroh",
      kind: "sshd",
      addr: "96.241.146.97",
      hostname: "pool-96-241-146-97.washdc.fios.verizon.net",
      terminal: "pts/0",
      startMs: 1481077043057,
      endMs: 1481077049033,
      events: 7,
      execs: 0,
      failures: 0,
      hasTty: false,
      evidence: expect.any(Object),
    });
  });
});

describe.skipIf(!corpusAvailable)(corpusTitle("every log in the corpus"), () => {
  it("gives one row per exec, references only earlier rows, and never throws", () => {
    let execs = 0;
    let sessions = 0;
    for (const entry of manifestEntries().filter((e) => e.kind.startsWith("log"))) {
      const { events } = parseBuffer(readCorpus(entry.path));
      const expected = events.filter((e) =>
        ["execve", "execveat"].includes(eventFacts(e).syscall ?? ""),
      ).length;
      const derived = deriveCorpus(entry.path);
      expectWellFormed(derived.processes);
      expect([entry.path, derived.processes.filter((p) => !p.placeholder).length]).toEqual([
        entry.path,
        expected,
      ]);
      for (const s of derived.sessions) expect(s.startMs).toBeLessThanOrEqual(s.endMs ?? s.startMs);
      execs += expected;
      sessions += derived.sessions.length;
    }
    expect(execs).toBe(595);
    expect(sessions).toBe(1265);
  });
});
