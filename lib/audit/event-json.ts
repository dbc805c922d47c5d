import { eventFacts } from "./event-facts";
import { type InterpretedField, interpretRecord } from "./interpret";
import type { Sockaddr } from "./sockaddr";
import { summarize } from "./summary";
import type { AuditEvent } from "./types";

/** The shape `auditscope parse` prints, one per event: a stable contract for jq users. */
export interface EventJson {
  node: string | null;
  time: string;
  serial: number;
  types: string[];
  syscall: string | null;
  arch: string | null;
  success: boolean | null;
  exit: number | null;
  pid: number | null;
  ppid: number | null;
  auid: number | null;
  uid: number | null;
  euid: number | null;
  ses: number | null;
  tty: string | null;
  comm: string | null;
  exe: string | null;
  key: string[];
  argv: string[];
  cwd: string | null;
  paths: { name: string; nametype: string | null }[];
  sockaddr: Sockaddr | null;
  summary: string;
  source: { path: string; line: number };
  records: { type: string; fields: Record<string, InterpretedField> }[];
}

export function eventTimeIso(event: Pick<AuditEvent, "sec" | "ms">): string {
  return new Date(event.sec * 1000 + event.ms).toISOString();
}

export function eventToJson(event: AuditEvent, sourcePath: string): EventJson {
  const facts = eventFacts(event);
  return {
    node: event.node,
    time: eventTimeIso(event),
    serial: event.serial,
    types: facts.types,
    syscall: facts.syscall,
    arch: facts.arch,
    success: facts.success,
    exit: facts.exit,
    pid: facts.pid,
    ppid: facts.ppid,
    auid: facts.auid,
    uid: facts.uid,
    euid: facts.euid,
    ses: facts.ses,
    tty: facts.tty,
    comm: facts.comm,
    exe: facts.exe,
    key: facts.keys,
    argv: facts.argv ?? facts.proctitle ?? [],
    cwd: facts.cwd,
    paths: facts.paths,
    sockaddr: facts.sockaddr,
    summary: summarize(facts).text,
    source: { path: sourcePath, line: event.records[0]?.line ?? 0 },
    records: event.records.map((record) => ({ type: record.type, fields: interpretRecord(record) })),
  };
}
