import { describe, expect, it } from "vitest";
import { corpusAvailable, readCorpus } from "../testing/corpus";
import { AuditParser, parseBuffer, splitGluedRecords } from "./parser";
import type { AuditEvent } from "./types";

const keyOf = (e: AuditEvent) => `${e.node ?? ""}|${e.sec}.${e.ms}:${e.serial}`;
const summary = (events: AuditEvent[]) =>
  events.map((e) => `${keyOf(e)} ${e.records.map((r) => `${r.type}@${r.line}`).join(",")}`).sort();

function parseInChunks(data: Buffer, chunkSize: number) {
  const parser = new AuditParser();
  const events: AuditEvent[] = [];
  for (let i = 0; i < data.length; i += chunkSize)
    events.push(...parser.push(data.subarray(i, i + chunkSize)).events);
  events.push(...parser.end().events);
  return { events, stats: parser.stats };
}

describe.skipIf(!corpusAvailable)("AuditParser on real logs", () => {
  it("gives the same events whatever the chunk boundaries (mid-line, mid-UTF-8)", () => {
    const data = readCorpus("vrl-devtest/audit.log").subarray(0, 200_000);
    const whole = summary(parseBuffer(data).events);
    for (const size of [1, 7, 4096, 65_537]) {
      expect(summary(parseInChunks(data, size).events)).toEqual(whole);
    }
  });

  it("assembles interleaved, out-of-order records (go-libaudit/testdata/out_of_order.log)", () => {
    const { events } = parseBuffer(readCorpus("go-libaudit/testdata/out_of_order.log"));
    const byType = Object.fromEntries(events.map((e) => [e.serial, e.records.map((r) => r.type).join(",")]));
    // Event 60's last PATH comes after records of event 61, seven seconds later: still one event.
    expect(byType[60]).toBe("SYSCALL,EXECVE,CWD,PATH,PATH");
    expect(events.filter((e) => e.serial === 60)).toHaveLength(1);
    expect(events.map((e) => e.serial).sort((a, b) => a - b)).toEqual([58, 59, 60, 61, 62]);
  });

  it("assembles node-prefixed interleaved events (audit-userspace/test3.log)", () => {
    const { events, stats } = parseBuffer(readCorpus("audit-userspace/test3.log"));
    expect(stats.malformed).toBe(0);
    const e = events.find((ev) => ev.serial === 194433);
    expect(e?.node).toBe("auditdtest.a1959.org");
    expect(e?.records.map((r) => r.type)).toEqual(["SYSCALL", "PROCTITLE"]);
  });

  it("keeps serials apart across a rollover (go-libaudit/testdata/rollover.log)", () => {
    const { events } = parseBuffer(readCorpus("go-libaudit/testdata/rollover.log"));
    expect(events.map((e) => e.serial)).toEqual([4294967294, 4294967295, 0, 1, 2]);
  });

  it("reads events that have no SYSCALL and no EOE (msticpy/auditd_log.txt)", () => {
    const { events, stats } = parseBuffer(readCorpus("msticpy/auditd_log.txt"));
    expect(stats).toMatchObject({ lines: 1708, records: 1708, malformed: 0 });
    const logins = events.filter((e) => e.records[0]?.type === "USER_LOGIN");
    expect(logins.length).toBeGreaterThan(100);
    expect(logins.every((e) => e.records.length === 1)).toBe(true);
  });
});

describe("AuditParser edge cases", () => {
  const line = (serial: number, sec = 1000, type = "SYSCALL", extra = "") =>
    `type=${type} msg=audit(${sec}.000:${serial}): pid=1${extra}\n`;

  it("never merges events that share a serial but not a timestamp (auditd restarted)", () => {
    const { events } = parseBuffer(Buffer.from(line(5, 1000) + line(5, 2000)));
    expect(events).toHaveLength(2);
  });

  it("never groups by timestamp alone", () => {
    const { events } = parseBuffer(Buffer.from(line(5) + line(6) + line(5, 1000, "PATH")));
    expect(events.map((e) => [e.serial, e.records.length])).toEqual([
      [5, 2],
      [6, 1],
    ]);
  });

  it("completes an event on EOE, before the end of input", () => {
    const parser = new AuditParser();
    const out = parser.push(Buffer.from(line(1) + line(1, 1000, "PATH") + line(1, 1000, "EOE")));
    expect(out.events).toHaveLength(1);
    expect(out.events[0]?.records.map((r) => r.type)).toEqual(["SYSCALL", "PATH", "EOE"]);
  });

  it("continues an event in the next file of a rotated log, but not into a copy of it", () => {
    const first = new AuditParser();
    const done = first.push(Buffer.from(line(1) + line(2))).events;
    done.push(...first.endInput().events);
    expect(first.openEvents().map((e) => e.serial)).toEqual([1, 2]);
    const second = first.nextFile();
    // Event 1 goes on with its PATH; event 2's SYSCALL again is an overlapping copy: a new event.
    done.push(...second.push(Buffer.from(line(1, 1000, "PATH") + line(2) + line(1, 1000, "EOE"))).events);
    done.push(...second.endInput().events, ...second.flush().events);
    expect(done.map((e) => [e.serial, e.records.map((r) => `${r.type}@${r.line}`).join(",")])).toEqual([
      [2, "SYSCALL@2"],
      [1, "SYSCALL@1,PATH@1,EOE@3"],
      [2, "SYSCALL@2"],
    ]);
    expect(second.stats).toMatchObject({ lines: 3, records: 3 });
  });

  it("keeps records alike within one event when a rotation fell before them (two AVC_PATH alike)", () => {
    const first = new AuditParser();
    first.push(Buffer.from(line(1)));
    first.endInput();
    const second = first.nextFile();
    const out = second.push(Buffer.from(line(1, 1000, "AVC_PATH") + line(1, 1000, "AVC_PATH")));
    const events = [...out.events, ...second.endInput().events, ...second.flush().events];
    expect(events.map((e) => e.records.map((r) => r.type).join(","))).toEqual(["SYSCALL,AVC_PATH,AVC_PATH"]);
  });

  it("takes a record refused as too many for its event for a record, not for a line of another text", () => {
    const parser = new AuditParser({ maxRecordsPerEvent: 1 }, { maxLinesBeforeRecord: 1 });
    parser.push(Buffer.from(line(1) + line(1, 1000, "PATH")));
    const next = parser.nextFile();
    const out = next.push(Buffer.from(line(1, 1000, "CWD") + line(2)));
    expect(out.malformed.map((m) => m.code)).toEqual(["event-too-large"]);
    expect(next.stats).toMatchObject({ records: 1, sawRecord: true, malformedBeforeRecords: 0 });
  });

  it("gives up on an input with no record in its first lines, and keeps nothing after them", () => {
    const parser = new AuditParser({}, { maxLinesBeforeRecord: 3 });
    const out = parser.push(Buffer.from(`a\nb\nc\n${line(1)}`));
    expect(out.malformed).toHaveLength(3);
    expect([...out.events, ...parser.end().events]).toEqual([]);
    expect(parser.stats).toMatchObject({ records: 0, malformedBeforeRecords: 3 });
  });

  it("completes events without EOE once the log has moved on, with bounded memory", () => {
    const parser = new AuditParser({ maxEventsInFlight: 100 });
    let completed = 0;
    for (let i = 0; i < 5000; i++) completed += parser.push(Buffer.from(line(i, 1000 + i))).events.length;
    expect(completed).toBeGreaterThan(4800);
    expect(parser.end().events.length + completed).toBe(5000);
  });

  it("bounds the bytes held in open events: thousands of long records in one second", () => {
    const parser = new AuditParser({ maxBytesInFlight: 1024 * 1024 });
    const long = ` data=${"x".repeat(20_000)}`;
    let early = 0;
    let records = 0;
    for (let i = 0; i < 2000; i++) {
      const { events } = parser.push(Buffer.from(line(i, 1000, "SYSCALL", long)));
      early += events.length;
      records += events.reduce((n, e) => n + e.records.length, 0);
    }
    // 40 MB of one-record events, all in the same second: held 1 MB at most, none lost.
    expect(early).toBeGreaterThan(1900);
    const rest = parser.end().events;
    expect(early + rest.length).toBe(2000);
    expect(records + rest.reduce((n, e) => n + e.records.length, 0)).toBe(2000);
  });

  it("handles CRLF, blank lines and comments", () => {
    const { events, stats } = parseBuffer(Buffer.from(`# a comment\r\n\r\n${line(1).replace("\n", "\r\n")}`));
    expect(events).toHaveLength(1);
    expect(events[0]?.records[0]?.raw.endsWith("\r")).toBe(false);
    expect(stats).toMatchObject({ lines: 3, records: 1, malformed: 0 });
  });

  it("splits records glued onto one line", () => {
    const glued = `${line(1).trimEnd()} ${line(1, 1000, "PATH", " name=x").trimEnd()} ${line(2)}`;
    const { events, stats } = parseBuffer(Buffer.from(glued));
    expect(stats.records).toBe(3);
    expect(events.map((e) => e.records.length)).toEqual([2, 1]);
  });

  it("keeps a line too long as malformed without holding it, and goes on", () => {
    const huge = `type=SYSCALL msg=audit(1.000:1): a=${"x".repeat(3_000_000)}\n`;
    const parser = new AuditParser({ maxLineBytes: 1024 * 1024 });
    const out = [
      parser.push(Buffer.from(huge.slice(0, 1_500_000))),
      parser.push(Buffer.from(huge.slice(1_500_000) + line(2))),
    ];
    const end = parser.end();
    const malformed = [...out.flatMap((o) => o.malformed), ...end.malformed];
    expect(malformed).toEqual([expect.objectContaining({ code: "line-too-long", line: 1, offset: 0 })]);
    expect(malformed[0]?.excerpt.length).toBeLessThanOrEqual(200);
    const events = [...out.flatMap((o) => o.events), ...end.events];
    expect(events.map((e) => [e.serial, e.records[0]?.line, e.records[0]?.offset])).toEqual([
      [2, 2, huge.length],
    ]);
  });

  it("reports malformed lines with their line number and byte offset, and goes on", () => {
    const text = `${line(1)}garbage here\n${line(2)}`;
    const { events, malformed } = parseBuffer(Buffer.from(text));
    expect(events).toHaveLength(2);
    expect(malformed).toEqual([
      expect.objectContaining({
        code: "no-audit-record",
        line: 2,
        offset: line(1).length,
        excerpt: "garbage here",
      }),
    ]);
  });

  it("caps records per event", () => {
    const text = Array.from({ length: 10 }, () => line(1, 1000, "PATH")).join("");
    const { events, malformed } = parseBuffer(Buffer.from(text), { maxRecordsPerEvent: 4 });
    expect(events[0]?.records).toHaveLength(4);
    expect(malformed.filter((m) => m.code === "event-too-large")).toHaveLength(6);
  });

  it("survives hostile bytes without throwing", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const bytes = Buffer.alloc(200_000, 0).map(() => random() & 0xff);
    const mixed = Buffer.concat([bytes, Buffer.from(`\n${line(1)}`), bytes]);
    const { stats, events } = parseBuffer(mixed);
    expect(stats.malformed).toBeGreaterThan(0);
    expect(events.some((e) => e.serial === 1)).toBe(true);
  });
});

describe("splitGluedRecords", () => {
  it("keeps a glued record's node= with it, whatever joined it (space, tab, CR)", () => {
    const records = [
      "node=h1 type=SYSCALL msg=audit(1700000000.000:1): arch=c000003e syscall=59 success=yes exit=0 pid=1",
      "node=h1 type=PROCTITLE msg=audit(1700000000.000:1): proctitle=6C73",
    ];
    for (const joint of [" ", "\t", "\r", "  "]) {
      expect(splitGluedRecords(records.join(joint))).toEqual([
        joint === "  " ? `${records[0]} ` : records[0],
        records[1],
      ]);
      const { events } = parseBuffer(Buffer.from(`${records.join(joint)}\n`));
      expect(events.map((e) => [e.node, e.records.map((r) => r.type)])).toEqual([
        ["h1", ["SYSCALL", "PROCTITLE"]],
      ]);
    }
  });

  it("does not take a record's start inside a quoted value for a record (a user-space message's text)", () => {
    // Any program with CAP_AUDIT_WRITE chooses msg='…': here one that forges a failed login.
    const forged =
      'type=USER msg=audit(1700000000.000:5): pid=1 uid=0 auid=1000 ses=1 msg=\'text x type=USER_LOGIN msg=audit(1577836800.000:9): pid=2 uid=0 auid=1000 ses=2 msg="op=login acct=root res=failed"\' exe="/bin/x" key="a type=SYSCALL msg=audit(1.000:1): x"';
    expect(splitGluedRecords(forged)).toEqual([forged]);
    const { events } = parseBuffer(Buffer.from(`${forged}\n`));
    expect(events.map((e) => [e.serial, e.records.length])).toEqual([[5, 1]]);
  });

  it("keeps a prefix with the first record and splits the rest (selinux/audit2allow/test.log line 29)", () => {
    const line =
      "host=dhcppc2 type=AVC msg=audit(1216729188.853:241): avc:  denied  { read } for pid=14066 type=SYSCALL msg=audit(1216729188.853:241): arch=c000003e syscall=2";
    expect(splitGluedRecords(line)).toEqual([
      "host=dhcppc2 type=AVC msg=audit(1216729188.853:241): avc:  denied  { read } for pid=14066",
      "type=SYSCALL msg=audit(1216729188.853:241): arch=c000003e syscall=2",
    ]);
  });
});
