/**
 * What aureport's parser (ausearch-parse.c) reads out of one event: its `search_items`. Values are
 * kept as C would hold them (uid_t and unsigned session ids as unsigned 32-bit numbers).
 */

/**
 * The parser steps aureport switches on per report (aureport-options.c sets `event_exe = dummy` and
 * so on). A step that is switched on and fails makes aureport skip the whole event
 * ("Malformed event skipped"); pid and success are always on, so their failures skip it everywhere.
 */
export const Flag = {
  ALWAYS: 1,
  LOGINUID: 2,
  UID: 4,
  EXE: 8,
  COMM: 16,
  HOSTNAME: 32,
  TERMINAL: 64,
  FILENAME: 128,
  KEY: 256,
  SUBJECT: 512,
  OBJECT: 1024,
  SESSION: 2048,
} as const;

/**
 * Why aureport 3.0.9 itself would not count an event, beside failed steps (these bits share the
 * `failed` mask with Flag): deliberate differences of ours (docs/aureport-parity.md).
 */
export const Blind = {
  /** An AppArmor AVC: aureport wants SELinux's tclass= and skips the event. */
  APPARMOR: 1 << 12,
  /** aureport reads no event here: its lines are in another framing, or only a stray EOE. */
  UNREAD: 1 << 13,
  /** A TTY record that does not begin its event: aureport's TTY report misses it. */
  TTY_INSIDE: 1 << 14,
} as const;

/** Always excluded when only what aureport itself counts is wanted. */
export const BLIND_ALWAYS = Flag.ALWAYS | Blind.APPARMOR | Blind.UNREAD | Blind.TTY_INSIDE;

export const S_UNSET = -1;
export const S_FAILED = 0;
export const S_SUCCESS = 1;
export type Success = typeof S_UNSET | typeof S_FAILED | typeof S_SUCCESS;

export const AVC_UNSET = 0;
export const AVC_DENIED = 1;
export const AVC_GRANTED = 2;

export const UID_UNSET = 0xffffffff; // (uid_t)-1
export const LOGINUID_UNSET = 0xfffffffe; // (uid_t)-2, aureport's "not read"
export const SESSION_UNSET = 0xfffffffe;

export interface AvcNode {
  scontext: string | null;
  tcontext: string | null;
  avcClass: string | null;
  avcPerm: string | null;
  result: number;
}

export interface FileName {
  name: string;
  /** The text after `type=` (nametype/objtype) to the end of the record, as ausearch keeps it. */
  key: string | null;
}

export interface SearchItems {
  /** pid_t, -1 when not read. */
  pid: number;
  success: Success;
  uid: number;
  loginuid: number;
  session: number;
  /** (int) syscall number, 0 when not read. */
  syscall: number;
  acct: string | null;
  hostname: string | null;
  terminal: string | null;
  exe: string | null;
  comm: string | null;
  cwd: string | null;
  filenames: FileName[] | null;
  keys: string[] | null;
  avc: AvcNode[] | null;
}

export function emptyItems(): SearchItems {
  return {
    pid: -1,
    success: S_UNSET,
    uid: UID_UNSET,
    loginuid: LOGINUID_UNSET,
    session: SESSION_UNSET,
    syscall: 0,
    acct: null,
    hostname: null,
    terminal: null,
    exe: null,
    comm: null,
    cwd: null,
    filenames: null,
    keys: null,
    avc: null,
  };
}
