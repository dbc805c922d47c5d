import type { EventFacts } from "../audit/event-facts";
import type { EventSummary } from "../audit/summary";
import type { AuditEvent } from "../audit/types";
import type { EventRow } from "../store/event-writer";

/** Command lines, paths, proctitle and keys: what the full-text search looks through. */
export function searchTextOf(facts: EventFacts): string {
  const parts: string[] = [];
  if (facts.argv) parts.push(facts.argv.join(" "));
  if (facts.proctitle && !facts.argv) parts.push(facts.proctitle.join(" "));
  if (facts.cmd) parts.push(facts.cmd);
  for (const path of facts.paths) parts.push(path.name);
  parts.push(...facts.keys);
  return parts.join("\n");
}

/** The event's raw lines, byte for byte as read (records keep their latin1 line text). */
export function rawLinesOf(event: AuditEvent): Buffer {
  return Buffer.from(event.records.map((record) => record.raw).join("\n"), "latin1");
}

export function eventRow(
  event: AuditEvent,
  fileId: number,
  facts: EventFacts,
  summary: EventSummary,
): EventRow {
  return {
    fileId,
    line: event.records[0]?.line ?? 0,
    node: event.node ?? "",
    timeMs: event.sec * 1000 + event.ms,
    serial: event.serial,
    types: facts.types.join(" "),
    recordCount: event.records.length,
    syscall: facts.syscall,
    arch: facts.arch,
    success: facts.success,
    exit: facts.exit,
    pid: facts.pid,
    ppid: facts.ppid,
    auid: facts.auid,
    uid: facts.uid,
    euid: facts.euid,
    gid: facts.gid,
    ses: facts.ses,
    tty: facts.tty,
    comm: facts.comm,
    exe: facts.exe,
    keys: facts.keys.length > 0 ? facts.keys.join(",") : null,
    actor: summary.actor,
    action: summary.action,
    object: summary.object,
    result: summary.result,
    summary: summary.text,
    raw: rawLinesOf(event),
    searchText: searchTextOf(facts),
  };
}
