import { recordTypeName, recordTypeNumber } from "../../audit/tables/record-types";

/** libaudit 3.0.9's record type numbers and ranges that aureport's rules name. */
export const T = {
  USER: 1005,
  LOGIN: 1006,
  USER_AUTH: 1100,
  USER_ACCT: 1101,
  USER_MGMT: 1102,
  USER_END: 1106,
  USER_AVC: 1107,
  USER_CHAUTHTOK: 1108,
  USYS_CONFIG: 1111,
  USER_LOGIN: 1112,
  ADD_USER: 1114,
  DEL_GROUP: 1117,
  CHGRP_ID: 1119,
  USER_TTY: 1124,
  GRP_AUTH: 1126,
  GRP_MGMT: 1132,
  DAEMON_START: 1200,
  DAEMON_END: 1201,
  DAEMON_ABORT: 1202,
  DAEMON_CONFIG: 1203,
  DAEMON_ROTATE: 1205,
  DAEMON_RESUME: 1206,
  DAEMON_ACCEPT: 1207,
  DAEMON_CLOSE: 1208,
  SYSCALL: 1300,
  PATH: 1302,
  IPC: 1303,
  CONFIG_CHANGE: 1305,
  SOCKADDR: 1306,
  CWD: 1307,
  EXECVE: 1309,
  IPC_SET_PERM: 1311,
  MQ_OPEN: 1312,
  MQ_GETSETATTR: 1315,
  FD_PAIR: 1317,
  OBJ_PID: 1318,
  TTY: 1319,
  EOE: 1320,
  BPRM_FCAPS: 1321,
  MMAP: 1323,
  NETFILTER_PKT: 1324,
  NETFILTER_CFG: 1325,
  SECCOMP: 1326,
  PROCTITLE: 1327,
  FEATURE_CHANGE: 1328,
  REPLACE: 1329,
  BPF: 1334,
  EVENT_LISTENER: 1335,
  AVC: 1400,
  SELINUX_ERR: 1401,
  AVC_PATH: 1402,
  MAC_POLICY_LOAD: 1403,
  MAC_UNLBL_ALLOW: 1406,
  MAC_MAP_DEL: 1410,
  MAC_UNLBL_STCDEL: 1417,
  MAC_CALIPSO_DEL: 1419,
  ANOM_PROMISCUOUS: 1700,
  ANOM_ABEND: 1701,
  ANOM_LINK: 1702,
  INTEGRITY_DATA: 1800,
  INTEGRITY_RULE: 1805,
  KERNEL: 2000,
  FIRST_USER_MSG2: 2100,
  FIRST_ANOM_MSG: 2100,
  LAST_USER_MSG2: 2999,
  ROLE_ASSIGN: 2301,
  ROLE_REMOVE: 2302,
  USER_MAC_CONFIG_CHANGE: 2312,
  VIRT_RESOURCE: 2501,
  VIRT_MACHINE_ID: 2502,
} as const;

export type TypeRange = readonly [low: number, high: number];

export const RANGE = {
  kernelCrypto: [1600, 1699],
  userCrypto: [2400, 2499],
  kernelAnomaly: [1700, 1799],
  userAnomaly: [2100, 2199],
  anomalyResponse: [2200, 2299],
  userLspp: [2300, 2399],
  virt: [2500, 2599],
  integrity: [1800, 1899],
  macConfig: [T.MAC_POLICY_LOAD, T.MAC_UNLBL_STCDEL],
  macSummary: [T.MAC_POLICY_LOAD, T.MAC_MAP_DEL],
  accounts: [T.ADD_USER, T.DEL_GROUP],
  roles: [T.ROLE_ASSIGN, T.ROLE_REMOVE],
} as const satisfies Record<string, TypeRange>;

/** The configuration-change types, tested one by one in the config report and the summary alike. */
export const CONFIG_TYPES: readonly number[] = [
  T.CONFIG_CHANGE,
  T.DAEMON_CONFIG,
  T.USYS_CONFIG,
  T.NETFILTER_CFG,
  T.FEATURE_CHANGE,
  T.USER_MAC_CONFIG_CHANGE,
];

export const AVC_TYPES: readonly number[] = [T.AVC, T.USER_AVC];

const NUMBERS = new Map<string, number>();

/** aureport's type number for a record's type name; -1 (as audit_name_to_msg_type) when unknown. */
export function typeNumber(name: string): number {
  // The kernel's records of an exec, first: most of any log.
  if (name === "SYSCALL") return T.SYSCALL;
  if (name === "PATH") return T.PATH;
  if (name === "PROCTITLE") return T.PROCTITLE;
  if (name === "EXECVE") return T.EXECVE;
  if (name === "CWD") return T.CWD;
  let n = NUMBERS.get(name);
  if (n === undefined) {
    n = recordTypeNumber(name) ?? -1;
    if (NUMBERS.size < 4096) NUMBERS.set(name, n);
  }
  return n;
}

/**
 * Types some report or summary counter selects events by (every type rule of kinds.ts and
 * summary-counters.ts): an event with none of them is in none of those, which skips their checks.
 */
export function isNotable(type: number): boolean {
  return (
    type < T.SYSCALL ||
    type === T.CONFIG_CHANGE ||
    type === T.NETFILTER_CFG ||
    type === T.FEATURE_CHANGE ||
    type === T.SECCOMP ||
    type === T.TTY ||
    type >= T.AVC
  );
}

/** Types read by ausearch's parse_user() (user-space messages), the parser whose uid step moves on. */
export function isUserMessage(type: number): boolean {
  return (
    type === T.USER ||
    (type >= 1100 && type <= T.USER_END) ||
    type === T.USER_AVC ||
    (type >= T.USER_CHAUTHTOK && type <= 1199) ||
    (type >= T.FIRST_USER_MSG2 && type <= T.LAST_USER_MSG2)
  );
}

/** audit_msg_type_to_name(): NULL for unknown numbers, which printf shows as "(null)". */
export function typeName(type: number): string {
  return recordTypeName(type) ?? "(null)";
}

/**
 * ausearch-lol's check_events(): an event whose first record is one of these is complete as soon
 * as it is created, so later records with the same stamp start a second event (the LOGIN split).
 */
export function completesAtOnce(type: number): boolean {
  return (
    type === T.PROCTITLE ||
    type < T.SYSCALL ||
    type >= T.FIRST_ANOM_MSG ||
    type === T.KERNEL ||
    (type >= T.MAC_UNLBL_ALLOW && type <= T.MAC_CALIPSO_DEL)
  );
}
