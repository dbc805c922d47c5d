import { Flag, LOGINUID_UNSET, S_FAILED, S_SUCCESS } from "./items";
import type { ReportName } from "./kinds";
import { AVC_TYPES, CONFIG_TYPES, RANGE, T } from "./types";
import { countOf, has, hasAny, hasIn, type SubEventView } from "./view";

/** aureport-scan.c do_summary_total(): the counters of the summary report, per event. */

/** The parser steps the summary report switches on. */
export const SUMMARY_FLAGS =
  Flag.FILENAME | Flag.HOSTNAME | Flag.TERMINAL | Flag.EXE | Flag.COMM | Flag.KEY | Flag.LOGINUID;

const one = (yes: boolean) => (yes ? 1 : 0);
const ACCOUNT_TYPES = [T.USER_CHAUTHTOK, T.USER_MGMT, T.GRP_MGMT];

/** Which of USER_AUTH, USER_MGMT (failures only) and GRP_AUTH decides the authentication counters. */
function authOutcome(v: SubEventView): number | null {
  if (has(v, T.USER_AUTH) || (!has(v, T.USER_MGMT) && has(v, T.GRP_AUTH))) return v.items.success;
  if (has(v, T.USER_MGMT) && v.items.success === S_FAILED) return S_FAILED;
  return null;
}

/** Counters an event adds to; the label is aureport's, after "Number of ". */
export const COUNTERS: readonly (readonly [label: string, count: (v: SubEventView) => number])[] = [
  // Each config type present counts once, so one event can count more than once.
  ["changes in configuration", (v) => countOf(v, CONFIG_TYPES) + one(hasIn(v, RANGE.macConfig))],
  [
    "changes to accounts, groups, or roles",
    (v) => countOf(v, ACCOUNT_TYPES) + one(hasIn(v, RANGE.accounts)) + one(hasIn(v, RANGE.roles)),
  ],
  ["logins", (v) => one(has(v, T.USER_LOGIN) && v.items.success === S_SUCCESS)],
  ["failed logins", (v) => one(has(v, T.USER_LOGIN) && v.items.success === S_FAILED)],
  ["authentications", (v) => one(authOutcome(v) === S_SUCCESS)],
  ["failed authentications", (v) => one(authOutcome(v) === S_FAILED)],
  ["AVC's", (v) => one(hasAny(v, AVC_TYPES))],
  ["MAC events", (v) => one(hasIn(v, RANGE.macConfig)) + one(hasIn(v, RANGE.userLspp))],
  ["failed syscalls", (v) => one(v.items.success === S_FAILED && v.items.syscall > 0)],
  ["anomaly events", (v) => one(hasIn(v, RANGE.userAnomaly)) + one(hasIn(v, RANGE.kernelAnomaly))],
  ["responses to anomaly events", (v) => one(hasIn(v, RANGE.anomalyResponse))],
  ["crypto events", (v) => one(hasIn(v, RANGE.kernelCrypto)) + one(hasIn(v, RANGE.userCrypto))],
  ["integrity events", (v) => one(hasIn(v, RANGE.integrity))],
  ["virt events", (v) => one(hasIn(v, RANGE.virt))],
];

const COUNTER_BITS = 3;
const COUNTER_MAX = (1 << COUNTER_BITS) - 1;

const FAILED_SYSCALLS = COUNTERS.findIndex(([label]) => label === "failed syscalls");

/** An event's counters packed in one integer (each fits 3 bits: at most 7 config types). */
export function packCounters(view: SubEventView): number {
  // Without a notable record type, only the failed-syscall counter can count.
  if (!view.notable) {
    return view.items.success === S_FAILED && view.items.syscall > 0
      ? 2 ** (COUNTER_BITS * FAILED_SYSCALLS)
      : 0;
  }
  let packed = 0;
  // An indexed loop: `entries()` with destructuring made two arrays per counter per event.
  for (let i = 0; i < COUNTERS.length; i++) {
    const n = Math.min((COUNTERS[i] as (typeof COUNTERS)[number])[1](view), COUNTER_MAX);
    if (n > 0) packed += n * 2 ** (COUNTER_BITS * i);
  }
  return packed;
}

/** Where counter `i` sits in the packed integer (for SQL: (counts >> shift) & mask). */
export function counterField(i: number): { shift: number; mask: number } {
  return { shift: COUNTER_BITS * i, mask: COUNTER_MAX };
}

/** The summary's distinct-value counts, and where each one's values live. */
export const DISTINCT_COUNTS = [
  "users",
  "terminals",
  "host names",
  "executables",
  "commands",
  "files",
  "keys",
  "process IDs",
] as const;

export type DistinctCount = (typeof DISTINCT_COUNTS)[number];

/** The summary's lines in aureport's order. */
export const SUMMARY_LABELS = [
  "changes in configuration",
  "changes to accounts, groups, or roles",
  "logins",
  "failed logins",
  "authentications",
  "failed authentications",
  "users",
  "terminals",
  "host names",
  "executables",
  "commands",
  "files",
  "AVC's",
  "MAC events",
  "failed syscalls",
  "anomaly events",
  "responses to anomaly events",
  "crypto events",
  "integrity events",
  "virt events",
  "keys",
  "process IDs",
  "events",
] as const;

/** The report each summary line leads to (for links from the summary), with its filter. */
export const SUMMARY_LINKS: Readonly<
  Record<(typeof SUMMARY_LABELS)[number], { report: ReportName; success?: "failed" | "success" }>
> = {
  "changes in configuration": { report: "config" },
  "changes to accounts, groups, or roles": { report: "mods" },
  logins: { report: "login", success: "success" },
  "failed logins": { report: "login", success: "failed" },
  authentications: { report: "auth", success: "success" },
  "failed authentications": { report: "auth", success: "failed" },
  users: { report: "user" },
  terminals: { report: "terminal" },
  "host names": { report: "host" },
  executables: { report: "executable" },
  commands: { report: "comm" },
  files: { report: "file" },
  "AVC's": { report: "avc" },
  "MAC events": { report: "mac" },
  "failed syscalls": { report: "syscall", success: "failed" },
  "anomaly events": { report: "anomaly" },
  "responses to anomaly events": { report: "response" },
  "crypto events": { report: "crypto" },
  "integrity events": { report: "integrity" },
  "virt events": { report: "virt" },
  keys: { report: "key" },
  "process IDs": { report: "pid" },
  events: { report: "event" },
};

/** The JSON key of a label: lower case, apostrophes dropped, other runs of non-alphanumerics → `_`. */
export function counterKey(label: string): string {
  return label
    .toLowerCase()
    .replace(/'/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

/** users counts auid as read; -2 means the event had none. */
export const hasLoginuid = (loginuid: number) => loginuid !== LOGINUID_UNSET;
