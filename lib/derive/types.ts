import type { EventFacts } from "../audit/event-facts";

/** What the process tree is built from: an event's process fields (a stored event's columns hold them). */
export type ProcessFacts = Pick<
  EventFacts,
  | "syscall"
  | "success"
  | "exit"
  | "pid"
  | "ppid"
  | "auid"
  | "uid"
  | "euid"
  | "ses"
  | "comm"
  | "exe"
  | "argv"
  | "proctitle"
  | "cwd"
>;

/** One event, fed to the process tracker in log order. */
export interface ProcessInput {
  /** The stored event's id; copied onto the rows derived from it. */
  eventId: number;
  /** '' when the log has no node= prefix. */
  node: string;
  timeMs: number;
  /** The event's serial: with the time, its place in the log. */
  serial: number;
  facts: ProcessFacts;
}

/** One parsed event, fed to the derivation in log order. */
export interface DeriveInput extends ProcessInput {
  facts: EventFacts;
}

/** How a session began, from the program that opened it. */
export type SessionKind = "sshd" | "login" | "su" | "sudo" | "cron" | "systemd" | "unknown";

/** A row of `processes`: one exec (successful or failed), or a placeholder for a parent never seen exec'ing. */
export interface ProcessRow {
  /** Sequential, from `firstProcessId`; parentId/chainPrevId refer to these ids. */
  id: number;
  /** null for placeholders. */
  eventId: number | null;
  /** The process this one was forked from (its latest image), or null when unknown. */
  parentId: number | null;
  /** The earlier image of the same process when this exec replaced it (exec chain). */
  chainPrevId: number | null;
  node: string;
  pid: number;
  /** As reported by the exec record (a reparented process reports its new parent, often 1). */
  ppid: number | null;
  ses: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  exe: string | null;
  comm: string | null;
  /** JSON array of strings. */
  argv: string | null;
  cwd: string | null;
  timeMs: number | null;
  success: boolean | null;
  /** `pid N (not seen)`: a parent known only from its children. */
  placeholder: boolean;
}

/** A row of `tty_input`: the keystrokes of one TTY/USER_TTY event. */
export interface TtyRow {
  eventId: number;
  node: string;
  ses: number | null;
  auid: number | null;
  pid: number | null;
  timeMs: number;
  data: Uint8Array;
  /** aureport-style rendering (`"ls",<ret>`). */
  tokens: string;
  /** JSON array of {text, submitted, abandoned, eof, usedCompletion, usedHistory, unmodelledKeys, truncated}. */
  lines: string;
}

/** How good a login detail's source was (lower is better) and the source record's time. */
export interface DetailSource {
  score: number;
  ms: number;
}

/**
 * What a session row's login details rest on: each one's source (null when none was seen),
 * whether its auid came from a LOGIN record and that record's time, and its first event's time.
 * The store merges parts of a session (set aside, or from files added apart) by them, as the
 * tracker would have.
 */
export interface SessionEvidence {
  firstMs: number;
  kind: DetailSource | null;
  addr: DetailSource | null;
  hostname: DetailSource | null;
  terminal: DetailSource | null;
  auidFromLogin: boolean;
  auidMs: number;
}

/** A row of `sessions`: one per (node, ses). */
export interface SessionRow {
  node: string;
  ses: number;
  auid: number | null;
  userName: string | null;
  kind: SessionKind;
  addr: string | null;
  hostname: string | null;
  terminal: string | null;
  startMs: number;
  endMs: number | null;
  events: number;
  execs: number;
  failures: number;
  hasTty: boolean;
  evidence: SessionEvidence;
}

/** A placeholder's parent pid, learnt from a record of its pid after its row was emitted, and its parent row. */
export interface PlaceholderPpid {
  id: number;
  ppid: number;
  parentId: number | null;
}

export interface DerivedRows {
  processes: ProcessRow[];
  /** Parent pids (and rows) learnt for placeholders emitted earlier: their rows are updated. */
  placeholderPpids: PlaceholderPpid[];
  tty: TtyRow[];
  /** Parts of sessions set aside (see SessionTracker.takeSetAside); usually none. */
  sessions: readonly SessionRow[];
}
