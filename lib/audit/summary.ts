import type { EventFacts } from "./event-facts";
import { formatSockaddr } from "./format-sockaddr";
import { editTtyLines } from "./tty";

/** Who did what to what, with what result: one line an analyst can read in a table. */
export interface EventSummary {
  actor: string | null;
  action: string;
  object: string | null;
  result: "success" | "failed" | null;
  text: string;
}

type Describer = (facts: EventFacts) => { action: string; object?: string | null };

const basename = (path: string | null) => (path ? (path.split("/").pop() ?? path) : null);
const firstPath = (facts: EventFacts) =>
  facts.paths.find((p) => p.nametype !== "PARENT")?.name ?? facts.paths[0]?.name ?? null;
const pathsText = (facts: EventFacts) =>
  facts.paths
    .filter((p) => p.nametype !== "PARENT")
    .map((p) => p.name)
    .join(" → ") || firstPath(facts);
const peer = (facts: EventFacts) => (facts.sockaddr ? formatSockaddr(facts.sockaddr) : null);
const origin = (facts: EventFacts) => {
  const from = facts.addr && facts.addr !== "?" ? facts.addr : facts.hostname;
  const via = basename(facts.exe);
  return [from ? `from ${from}` : null, via ? `via ${via}` : null].filter(Boolean).join(" ");
};
const typedText = (facts: EventFacts) =>
  facts.ttyData
    ? editTtyLines(facts.ttyData)
        .map((line) => line.text)
        .filter((text) => text !== "")
        .join(" ⏎ ") || null
    : null;
const withCwd = (text: string | null, facts: EventFacts) =>
  text && facts.cwd ? `${text} (cwd ${facts.cwd})` : text;

function onPath(action: string): Describer {
  return (facts) => ({ action, object: pathsText(facts) });
}

function accountAction(success: string, failure: string, withOrigin = false): Describer {
  return (facts) => ({
    action: facts.success === false ? failure : success,
    object:
      [facts.acct ? `for ${facts.acct}` : null, withOrigin ? origin(facts) : null]
        .filter(Boolean)
        .join(" ") || null,
  });
}

// What each syscall means to an investigator; syscalls not listed read "called <name>".
// Maps, not objects: the keys come from the log, and `syscall=constructor` must not find a function.
const SYSCALLS = new Map<string, Describer>(
  Object.entries<Describer>({
    execve: (f) => ({
      action: "executed",
      object: withCwd((f.argv ?? f.proctitle ?? [f.exe ?? "?"]).join(" "), f),
    }),
    open: onPath("opened"),
    openat: onPath("opened"),
    openat2: onPath("opened"),
    creat: onPath("created"),
    unlink: onPath("deleted"),
    unlinkat: onPath("deleted"),
    rmdir: onPath("removed directory"),
    rename: onPath("renamed"),
    renameat: onPath("renamed"),
    renameat2: onPath("renamed"),
    mkdir: onPath("created directory"),
    mkdirat: onPath("created directory"),
    chmod: onPath("changed the mode of"),
    fchmod: onPath("changed the mode of"),
    fchmodat: onPath("changed the mode of"),
    chown: onPath("changed the owner of"),
    fchown: onPath("changed the owner of"),
    lchown: onPath("changed the owner of"),
    fchownat: onPath("changed the owner of"),
    link: onPath("linked"),
    linkat: onPath("linked"),
    symlink: onPath("symlinked"),
    symlinkat: onPath("symlinked"),
    truncate: onPath("truncated"),
    ftruncate: onPath("truncated"),
    setxattr: onPath("changed attributes of"),
    lsetxattr: onPath("changed attributes of"),
    fsetxattr: onPath("changed attributes of"),
    removexattr: onPath("removed attributes of"),
    mount: onPath("mounted"),
    umount2: onPath("unmounted"),
    connect: (f) => ({ action: "connected to", object: peer(f) }),
    bind: (f) => ({ action: "bound a socket to", object: peer(f) }),
    accept: (f) => ({ action: "accepted a connection from", object: peer(f) }),
    accept4: (f) => ({ action: "accepted a connection from", object: peer(f) }),
    sendto: (f) => ({ action: "sent data to", object: peer(f) }),
    sendmsg: (f) => ({ action: "sent data to", object: peer(f) }),
    init_module: () => ({ action: "loaded a kernel module" }),
    finit_module: () => ({ action: "loaded a kernel module" }),
    delete_module: () => ({ action: "unloaded a kernel module" }),
    ptrace: () => ({ action: "traced a process" }),
    kill: () => ({ action: "sent a signal" }),
    tkill: () => ({ action: "sent a signal" }),
    tgkill: () => ({ action: "sent a signal" }),
    setuid: () => ({ action: "changed its user id" }),
    setreuid: () => ({ action: "changed its user id" }),
    setresuid: () => ({ action: "changed its user id" }),
    setgid: () => ({ action: "changed its group id" }),
    setresgid: () => ({ action: "changed its group id" }),
  }),
);
SYSCALLS.set("execveat", SYSCALLS.get("execve") as Describer);

// Events with no syscall, by their first record's type.
const TYPES = new Map<string, Describer>(
  Object.entries<Describer>({
    USER_LOGIN: accountAction("logged in", "failed login", true),
    USER_LOGOUT: accountAction("logged out", "failed logout"),
    USER_AUTH: accountAction("authenticated", "failed authentication", true),
    USER_ACCT: accountAction("was authorized", "was refused authorization", true),
    USER_START: accountAction("started a session", "failed to start a session", true),
    USER_END: accountAction("ended a session", "failed to end a session"),
    CRED_ACQ: accountAction("acquired credentials", "failed to acquire credentials"),
    CRED_DISP: accountAction("disposed of credentials", "failed to dispose of credentials"),
    CRED_REFR: accountAction("refreshed credentials", "failed to refresh credentials"),
    USER_CHAUTHTOK: accountAction("changed the password", "failed to change the password"),
    ADD_USER: accountAction("added a user", "failed to add a user"),
    DEL_USER: accountAction("deleted a user", "failed to delete a user"),
    ADD_GROUP: accountAction("added a group", "failed to add a group"),
    DEL_GROUP: accountAction("deleted a group", "failed to delete a group"),
    USER_MGMT: accountAction("changed an account", "failed to change an account"),
    GRP_MGMT: accountAction("changed a group", "failed to change a group"),
    ACCT_LOCK: accountAction("locked an account", "failed to lock an account"),
    ACCT_UNLOCK: accountAction("unlocked an account", "failed to unlock an account"),
    USER_CMD: (f) => ({ action: f.success === false ? "failed to run" : "ran", object: withCwd(f.cmd, f) }),
    LOGIN: () => ({ action: "began a login session" }),
    USER_TTY: (f) => ({ action: "typed", object: typedText(f) }),
    TTY: (f) => ({ action: "typed", object: typedText(f) }),
    SERVICE_START: (f) => ({ action: "started service", object: f.unit }),
    SERVICE_STOP: (f) => ({ action: "stopped service", object: f.unit }),
    SYSTEM_BOOT: () => ({ action: "booted the system" }),
    SYSTEM_SHUTDOWN: () => ({ action: "shut the system down" }),
    SYSTEM_RUNLEVEL: () => ({ action: "changed the runlevel" }),
    DAEMON_START: () => ({ action: "started the audit daemon" }),
    DAEMON_END: () => ({ action: "stopped the audit daemon" }),
    DAEMON_ABORT: () => ({ action: "aborted the audit daemon" }),
    CONFIG_CHANGE: (f) => ({ action: "changed the audit configuration", object: f.op }),
    AVC: (f) => ({
      action: f.success === false ? "was denied" : "was allowed",
      object: firstPath(f) ?? f.comm,
    }),
    USER_AVC: (f) => ({
      action: f.success === false ? "was denied (user space)" : "was allowed (user space)",
    }),
    ANOM_PROMISCUOUS: () => ({ action: "switched a network device to promiscuous mode" }),
    ANOM_ABEND: (f) => ({ action: "crashed", object: f.exe ?? f.comm }),
    KERN_MODULE: () => ({ action: "loaded a kernel module" }),
    NETFILTER_CFG: () => ({ action: "changed firewall rules" }),
    MAC_POLICY_LOAD: () => ({ action: "loaded a security policy" }),
    SOFTWARE_UPDATE: () => ({ action: "updated software" }),
    BPF: () => ({ action: "used a BPF program" }),
    USER_ERR: accountAction("reported a user error", "reported a user error"),
  }),
);

function actorOf(facts: EventFacts): string | null {
  const effective = facts.euid ?? facts.uid;
  const asName = facts.euidName ?? facts.uidName ?? (effective !== null ? `uid ${effective}` : null);
  const who = facts.auidName ?? (facts.auid !== null ? `uid ${facts.auid}` : null);
  // Before a login sets the auid, the account acted upon (acct=) is the subject, not the daemon.
  if (who === null) return facts.acct !== null ? null : asName;
  if (asName === null || asName === who || facts.auid === effective) return who;
  return `${who} as ${asName}`;
}

function fallback(facts: EventFacts): { action: string; object?: string | null } {
  if (facts.syscall) return { action: `called ${facts.syscall}`, object: firstPath(facts) };
  const type = facts.types[0] ?? "event";
  return { action: type.toLowerCase().replaceAll("_", " ") };
}

export function summarize(facts: EventFacts): EventSummary {
  const describer =
    (facts.syscall && SYSCALLS.get(facts.syscall)) ||
    (facts.types[0] && TYPES.get(facts.types[0])) ||
    fallback;
  const { action, object = null } = describer(facts);
  const actor = actorOf(facts);
  const result: EventSummary["result"] = facts.success === null ? null : facts.success ? "success" : "failed";
  const parts = { actor, action, object: object || null, result };
  return { ...parts, text: summaryText(parts) };
}

/** The one-line text of a summary; the store keeps only the parts and rebuilds it with this. */
export function summaryText(parts: Omit<EventSummary, "text">): string {
  const failed = parts.result === "failed" && !/^fail|refused|denied/.test(parts.action);
  return (
    [parts.actor, parts.action, parts.object].filter((part) => part !== null && part !== "").join(" ") +
    (failed ? " (failed)" : "")
  );
}
