import type { EventFacts } from "../audit/event-facts";
import { isExec } from "./processes";
import type { DeriveInput, DetailSource, SessionKind, SessionRow } from "./types";

/** Program (exe basename, else comm) → the kind of session it opens. */
const KIND_BY_PROGRAM: ReadonlyMap<string, SessionKind> = new Map([
  ["sshd", "sshd"],
  ["sshd-session", "sshd"], // OpenSSH >= 9.8 runs the session in a separate binary
  ["cron", "cron"],
  ["crond", "cron"],
  ["login", "login"],
  ["su", "su"],
  ["sudo", "sudo"],
  ["sudoedit", "sudo"],
  ["systemd", "systemd"],
  ["(systemd)", "systemd"], // comm of the user manager while it runs PAM
]);

/**
 * su and sudo keep the caller's session (they do not set the login uid), so their records inside
 * a session say nothing about how it began: they only name a session nothing else explains.
 */
const BORROWED_KINDS: ReadonlySet<SessionKind> = new Set(["su", "sudo"]);

/**
 * User-space records about a login, ranked as evidence of how the session began: the kernel's
 * LOGIN first, then the PAM records in the order a login emits them.
 */
const LOGIN_RECORD_RANK: ReadonlyMap<string, number> = new Map([
  ["LOGIN", 0],
  ["USER_LOGIN", 1],
  ["USER_START", 2],
  ["CRED_ACQ", 3],
  ["USER_ACCT", 4],
  ["USER_AUTH", 4],
  ["CRED_REFR", 5],
  ["USER_END", 6],
  ["USER_LOGOUT", 6],
  ["CRED_DISP", 6],
]);
const START_TYPES: ReadonlySet<string> = new Set(["LOGIN", "USER_START", "USER_LOGIN"]);
const END_TYPES: ReadonlySet<string> = new Set(["USER_END", "USER_LOGOUT"]);
const TTY_TYPES: ReadonlySet<string> = new Set(["TTY", "USER_TTY"]);
/** What ENRICHED logs write for an id with no name (e.g. a container's shifted root): not a name. */
const UNNAMED_ID = /^unknown\(\d+\)$/;
/** Ranks are below this; a source's strength is added in multiples of it. */
const STRENGTH_STEP = 10;
/**
 * PAM records of logins not yet bound to a session, kept per pid: a login's LOGIN follows them
 * within seconds. Failed logins never bind, nor do sudo's outside any session (a busy host's log
 * has hundreds of thousands): the oldest go first.
 */
const MAX_PENDING = 16_384;
/** Of those, how many the state kept for a later file holds. */
const PENDING_KEPT = 1024;
/** Records kept of one login before its LOGIN (a login writes three or four). */
const PENDING_PER_LOGIN = 8;
/**
 * Sessions aggregated in memory at once. A host where cron opens a session a minute per
 * container has hundreds of thousands per GB of log; beyond this the least recently active half
 * is handed over as rows (`takeSetAside`) and the store adds up the parts of a session.
 */
export const MAX_OPEN_SESSIONS = 20_000;
const NO_ROWS: readonly SessionRow[] = [];

/**
 * A value, how good its source was (lower is better) and that source's time: of equal sources the
 * earliest wins, so a log's parts added in any order agree with the whole (the first in the log on a tie).
 */
interface Ranked<T> extends DetailSource {
  value: T;
}

/** Login details carried by one user-space record. */
export interface LoginEvidence {
  kind: SessionKind | null;
  acct: string | null;
  addr: string | null;
  hostname: string | null;
  terminal: string | null;
  rank: number;
  /** The record's place in the log: time, then serial. */
  timeMs: number;
  serial: number;
}

interface SessionAgg {
  node: string;
  ses: number;
  auid: number | null;
  auidFromLogin: boolean;
  /** Time of the record the auid came from: the latest LOGIN's, else the earliest event's that had one. */
  auidMs: number;
  /** ENRICHED name and the auid it names (the session's auid may be settled later). */
  auidName: { auid: number; name: string } | null;
  /** pid of the process whose LOGIN record opened the session. */
  loginPid: number | null;
  kind: Ranked<SessionKind> | null;
  acct: Ranked<string> | null;
  addr: Ranked<string> | null;
  hostname: Ranked<string> | null;
  terminal: Ranked<string> | null;
  startMs: number | null;
  endMs: number | null;
  firstMs: number;
  /** Latest time of any of its events: the least recently active are set aside first. */
  lastMs: number;
  events: number;
  execs: number;
  failures: number;
  hasTty: boolean;
}

function programKind(facts: EventFacts): SessionKind | null {
  const base = facts.exe?.slice(facts.exe.lastIndexOf("/") + 1);
  return (
    (base === undefined ? undefined : KIND_BY_PROGRAM.get(base)) ??
    (facts.comm === null ? undefined : KIND_BY_PROGRAM.get(facts.comm)) ??
    null
  );
}

/** /dev/pts/0 and pts/0 name the same terminal. */
function normalizeTerminal(terminal: string | null): string | null {
  return terminal?.startsWith("/dev/") ? terminal.slice(5) : terminal;
}

function loginEvidence(facts: EventFacts, timeMs: number, serial: number): LoginEvidence | null {
  let rank: number | undefined;
  for (const type of facts.types) {
    const r = LOGIN_RECORD_RANK.get(type);
    if (r !== undefined && (rank === undefined || r < rank)) rank = r;
  }
  if (rank === undefined) return null;
  return {
    kind: programKind(facts),
    acct: facts.acct,
    addr: facts.addr,
    hostname: facts.hostname,
    terminal: normalizeTerminal(facts.terminal),
    rank,
    timeMs,
    serial,
  };
}

function offer<T>(current: Ranked<T> | null, value: T | null, score: number, ms: number): Ranked<T> | null {
  if (value === null) return current;
  const kept = current !== null && (current.score < score || (current.score === score && current.ms <= ms));
  return kept ? current : { value, score, ms };
}

/**
 * Login records waiting for a LOGIN, gathered from several logs: those a parse of them in log
 * order would still hold (the latest login's per node and pid), as many as a kept state holds.
 */
export function latestPendingLogins(entries: [string, LoginEvidence][]): [string, LoginEvidence][] {
  const tracker = new SessionTracker();
  tracker.resumePendingLogins(
    [...entries].sort(([, a], [, b]) => a.timeMs - b.timeMs || a.serial - b.serial),
  );
  return tracker.pendingLogins();
}

/** Per-(node, ses) aggregates; complete once the whole log has been added. */
export class SessionTracker {
  private readonly sessions = new Map<string, SessionAgg>();
  /**
   * Evidence from PAM records that precede LOGIN (their ses is still unset), by node and pid: one
   * login's records, each with its own rank, so their order of arrival does not matter.
   */
  private readonly pending = new Map<string, LoginEvidence[]>();
  /** Records in `pending`, all logins together. */
  private pendingCount = 0;
  private setAside: SessionRow[] = [];

  constructor(private readonly maxOpen = MAX_OPEN_SESSIONS) {}

  add(input: DeriveInput): void {
    const { facts, node, timeMs } = input;
    const evidence = loginEvidence(facts, timeMs, input.serial);
    if (facts.ses === null) {
      if (evidence !== null && facts.pid !== null) this.remember(`${node}\0${facts.pid}`, evidence);
      return;
    }
    const session = this.session(node, facts.ses, timeMs);
    session.firstMs = Math.min(session.firstMs, timeMs);
    session.lastMs = Math.max(session.lastMs, timeMs);
    session.events++;
    if (isExec(facts)) session.execs++;
    if (facts.success === false) session.failures++;
    if (facts.types.some((t) => TTY_TYPES.has(t))) session.hasTty = true;

    const isLogin = facts.types.includes("LOGIN");
    if (isLogin) {
      // LOGIN carries the new auid and ses; what came before belonged to the old ones.
      if (!session.auidFromLogin || timeMs >= session.auidMs) {
        session.auid = facts.auid;
        session.auidMs = timeMs;
      }
      session.auidFromLogin = true;
      session.loginPid = facts.pid;
      if (facts.pid !== null) {
        const key = `${node}\0${facts.pid}`;
        for (const before of this.pending.get(key) ?? []) this.apply(session, before, true);
        this.forget(key);
      }
    } else if (
      !session.auidFromLogin &&
      facts.auid !== null &&
      (session.auid === null || timeMs < session.auidMs)
    ) {
      session.auid = facts.auid;
      session.auidMs = timeMs;
    }
    const name = facts.auidName !== null && !UNNAMED_ID.test(facts.auidName) ? facts.auidName : null;
    if (name !== null && facts.auid !== null && (session.auidName === null || isLogin)) {
      session.auidName = { auid: facts.auid, name };
    }
    if (evidence === null) return;
    const own = this.apply(session, evidence, facts.pid !== null && facts.pid === session.loginPid);
    if (!own) return;
    const type = facts.types.find((t) => START_TYPES.has(t) || END_TYPES.has(t));
    if (type !== undefined && START_TYPES.has(type)) {
      session.startMs = session.startMs === null ? timeMs : Math.min(session.startMs, timeMs);
    } else if (type !== undefined) {
      session.endMs = session.endMs === null ? timeMs : Math.max(session.endMs, timeMs);
    }
  }

  /**
   * The latest login records not yet bound to a session (their LOGIN may come in a file added
   * later), by node and pid. Only the latest: a LOGIN follows its PAM records within seconds, and
   * failed logins (a brute force's thousands) never bind.
   */
  pendingLogins(): [string, LoginEvidence][] {
    return Array.from(this.pending)
      .slice(-PENDING_KEPT)
      .flatMap(([key, records]) => records.map((evidence): [string, LoginEvidence] => [key, evidence]));
  }

  /**
   * Folds login records that waited apart from their LOGIN (it is in another file) into the
   * session the LOGIN opened, at its time: their details, as a part of it that counts no events.
   */
  bindLogin(node: string, ses: number, loginMs: number, evidence: LoginEvidence): void {
    this.apply(this.session(node, ses, loginMs), evidence, true);
  }

  /** Goes on with the pending logins where the log fed next begins. */
  resumePendingLogins(entries: [string, LoginEvidence][]): void {
    this.pending.clear();
    this.pendingCount = 0;
    for (const [key, evidence] of entries) this.remember(key, evidence);
  }

  /** The sessions still in memory, in order of first appearance. */
  rows(): SessionRow[] {
    return Array.from(this.sessions.values(), sessionRow);
  }

  /**
   * Rows of sessions set aside since the last call: each is part of its session (the events
   * seen so far); a later part of the same session adds to it (EventWriter merges them).
   */
  takeSetAside(): readonly SessionRow[] {
    if (this.setAside.length === 0) return NO_ROWS;
    const rows = this.setAside;
    this.setAside = [];
    return rows;
  }

  private setAsideIdlest(): void {
    const times = Float64Array.from(this.sessions.values(), (s) => s.lastMs).sort();
    const keep = this.maxOpen >> 1;
    const cutoff = times[times.length - keep] ?? 0;
    let left = this.sessions.size;
    for (const [key, session] of this.sessions) {
      if (session.lastMs < cutoff) {
        this.setAside.push(sessionRow(session));
        this.sessions.delete(key);
        left--;
      }
    }
    // Ties at the cutoff: the earliest opened go too.
    for (const [key, session] of this.sessions) {
      if (left <= keep) return;
      this.setAside.push(sessionRow(session));
      this.sessions.delete(key);
      left--;
    }
  }

  /**
   * Folds one record's login details into the session. Returns whether the record belongs to
   * the login itself (its process, or a login program) rather than to su/sudo run inside it.
   */
  private apply(session: SessionAgg, evidence: LoginEvidence, byLoginProcess: boolean): boolean {
    const borrowed = evidence.kind !== null && BORROWED_KINDS.has(evidence.kind);
    const own = !borrowed && (evidence.kind !== null || byLoginProcess);
    const strength = own ? (evidence.kind !== null ? 0 : 1) : 2;
    const score = strength * STRENGTH_STEP + evidence.rank;
    const ms = evidence.timeMs;
    session.kind = offer(session.kind, evidence.kind, score, ms);
    // The user's terminal is the same whoever reports it; acct and addr of su/sudo name the target.
    session.terminal = offer(session.terminal, evidence.terminal, score, ms);
    if (own) {
      session.acct = offer(session.acct, evidence.acct, score, ms);
      session.addr = offer(session.addr, evidence.addr, score, ms);
      session.hostname = offer(session.hostname, evidence.hostname, score, ms);
    }
    return own;
  }

  private remember(key: string, evidence: LoginEvidence): void {
    const before = this.pending.get(key);
    // One login's records name one program; another program means the pid was reused.
    const same = before !== undefined && before[0]?.kind === evidence.kind;
    if (before !== undefined && !same) this.forget(key);
    const records = same ? before : [];
    records.push(evidence);
    this.pendingCount++;
    if (records.length > PENDING_PER_LOGIN) {
      records.shift();
      this.pendingCount--;
    }
    this.pending.delete(key);
    this.pending.set(key, records);
    while (this.pendingCount > MAX_PENDING) {
      const oldest = this.pending.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
  }

  private forget(key: string): void {
    this.pendingCount -= this.pending.get(key)?.length ?? 0;
    this.pending.delete(key);
  }

  private session(node: string, ses: number, timeMs: number): SessionAgg {
    const key = `${node}\0${ses}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = {
        node,
        ses,
        auid: null,
        auidFromLogin: false,
        auidMs: timeMs,
        auidName: null,
        loginPid: null,
        kind: null,
        acct: null,
        addr: null,
        hostname: null,
        terminal: null,
        startMs: null,
        endMs: null,
        firstMs: timeMs,
        lastMs: timeMs,
        events: 0,
        execs: 0,
        failures: 0,
        hasTty: false,
      };
      if (this.sessions.size >= this.maxOpen) this.setAsideIdlest();
      this.sessions.set(key, session);
    }
    return session;
  }
}

function detailSource(ranked: Ranked<unknown> | null): DetailSource | null {
  return ranked === null ? null : { score: ranked.score, ms: ranked.ms };
}

function sessionRow(s: SessionAgg): SessionRow {
  return {
    node: s.node,
    ses: s.ses,
    auid: s.auid,
    userName: (s.auidName?.auid === s.auid ? s.auidName?.name : null) ?? s.acct?.value ?? null,
    kind: s.kind?.value ?? "unknown",
    addr: s.addr?.value ?? null,
    hostname: s.hostname?.value ?? null,
    terminal: s.terminal?.value ?? null,
    startMs: s.startMs ?? s.firstMs,
    endMs: s.endMs,
    events: s.events,
    execs: s.execs,
    failures: s.failures,
    hasTty: s.hasTty,
    evidence: {
      firstMs: s.firstMs,
      kind: detailSource(s.kind),
      addr: detailSource(s.addr),
      hostname: detailSource(s.hostname),
      terminal: detailSource(s.terminal),
      auidFromLogin: s.auidFromLogin,
      auidMs: s.auidMs,
    },
  };
}
