import { describe, expect, it } from "vitest";
import { parseLine } from "./parse-line";
import type { AuditRecord } from "./types";

function record(text: string): AuditRecord {
  const result = parseLine(text, 1, 0, 4096);
  if (result.kind !== "record") throw new Error(`expected a record, got ${JSON.stringify(result)}`);
  return result.record;
}

// Each line below is copied from a file of ../shared/corpus (named in the test).
describe("parseLine: formats", () => {
  it("reads a raw record (audit-userspace/test3.log without its node)", () => {
    const r = record(
      'type=SYSCALL msg=audit(1451781471.394:194435): arch=c000003e syscall=23 success=yes exit=1 a0=c items=0 ppid=1271 pid=1281 auid=1000 tty=(none) ses=1 comm="sshd" exe="/usr/sbin/sshd" key=(null)',
    );
    expect(r).toMatchObject({
      type: "SYSCALL",
      node: null,
      sec: 1451781471,
      ms: 394,
      serial: 194435,
      format: "raw",
    });
    expect(r.fields.get("comm")).toBe('"sshd"');
    expect(r.fields.get("tty")).toBe("(none)");
    expect(r.fields.get("key")).toBe("(null)");
  });

  it("reads the node= prefix (audit-userspace/test3.log)", () => {
    const r = record(
      'node=auditdtest.a1959.org type=PROCTITLE msg=audit(1451781471.394:194433): proctitle="bash"',
    );
    expect(r).toMatchObject({ type: "PROCTITLE", node: "auditdtest.a1959.org", serial: 194433 });
  });

  it("keeps ENRICHED fields apart (elastic-integrations/test-auditd-enriched.log style)", () => {
    const r = record(
      'type=SYSCALL msg=audit(1615225617.302:25836): arch=c000003e syscall=59 success=yes exit=0 auid=1000 uid=0 euid=0\x1dARCH=x86_64 SYSCALL=execve AUID="user" UID="root" EUID="root"',
    );
    expect(r.format).toBe("enriched");
    expect(r.fields.get("uid")).toBe("0");
    expect(r.enriched?.get("AUID")).toBe("user");
    expect(r.enriched?.get("SYSCALL")).toBe("execve");
    expect(r.fields.has("AUID")).toBe(false);
  });

  it("reads inner msg='…' fields of user-space records without overriding outer ones", () => {
    const r = record(
      '<134>Oct 28 08:48:43 centos6 audispd: node=centos6 type=USER_AUTH msg=audit(1446022123.627:80): user pid=1187 uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg=\'op=PAM:authentication acct="ekoz" exe="/usr/sbin/sshd" hostname=test12 addr=192.168.56.1 terminal=ssh res=success\'',
    );
    expect(r).toMatchObject({ type: "USER_AUTH", node: "centos6", format: "syslog", serial: 80 });
    expect(r.fields.get("acct")).toBe('"ekoz"');
    expect(r.fields.get("addr")).toBe("192.168.56.1");
    expect(r.fields.get("res")).toBe("success");
    expect(r.fields.get("pid")).toBe("1187");
  });

  it("reads kernel/dmesg lines with numeric types (apparmor/test_multi/testcase_dmesg_capability.in)", () => {
    const r = record(
      '[ 1612.746129] audit: type=1400 audit(1284061910.975:672): apparmor="DENIED" operation="capable" parent=2663 profile="/x" pid=7292 comm="syscall_setprio" capability=23  capname="sys_nice"',
    );
    expect(r).toMatchObject({ type: "AVC", format: "kernel", sec: 1284061910, ms: 975, serial: 672 });
    expect(r.fields.get("capname")).toBe('"sys_nice"');
  });

  it("reads grep-prefixed lines (apparmor/test_multi/status-filesystem-enabled.in)", () => {
    const r = record(
      'audit.log:type=AVC msg=audit(1630913351.586:4): apparmor="STATUS" info="AppArmor Filesystem Enabled" pid=1',
    );
    expect(r).toMatchObject({ type: "AVC", serial: 4, format: "syslog" });
  });

  it("reads ausearch -i output: interpreted stamp, ' : ' separator, proctitle with spaces", () => {
    const r = record("type=PROCTITLE msg=audit(12/07/16 02:16:32.414:385) : proctitle=ls -la /tmp ");
    expect(r).toMatchObject({
      format: "interpreted",
      serial: 385,
      ms: 414,
      sec: Date.UTC(2016, 11, 7, 2, 16, 32) / 1000,
    });
    expect(r.fields.get("proctitle")).toBe("ls -la /tmp ");
  });

  it("reads SELinux AVC words into seresult/seperms (selinux/audit2allow/test.log)", () => {
    const r = record(
      'type=AVC msg=audit(1216729188.853:241): avc:  denied  { read write } for pid=14066 comm="qemu-kvm" name="x" dev=tmpfs ino=333',
    );
    expect(r.fields.get("seresult")).toBe("denied");
    expect(r.fields.get("seperms")).toBe("read write");
    expect(r.fields.get("pid")).toBe("14066");
  });
});

describe("parseLine: bytes before the record", () => {
  const body = "type=USER msg=audit(1700000000.000:1): pid=1 uid=0 msg='op=x res=success'";

  it("reads a record after UTF-8's byte order mark, with its node, as a raw record", () => {
    expect(record(`\xef\xbb\xbfnode=h1 ${body}`)).toMatchObject({ type: "USER", node: "h1", format: "raw" });
    expect(record(`\xef\xbb\xbf${body}`)).toMatchObject({ type: "USER", node: null, format: "raw" });
  });

  it("reads a record, and its node, after the NULs of a block a crash zeroed", () => {
    expect(record(`\0\0\0node=h1 ${body}`)).toMatchObject({ type: "USER", node: "h1", format: "raw" });
    expect(record(`\0\0${body}`)).toMatchObject({ type: "USER", node: null, format: "raw" });
  });
});

describe("parseLine: what is not a record", () => {
  it("skips blank, comment, separator and time-> lines", () => {
    for (const line of ["", "   ", "# comment", "----", "time->Sat Feb  1 04:39:34 2023"]) {
      expect(parseLine(line, 1, 0, 100).kind).toBe("skip");
    }
  });

  it("calls other lines malformed, with a code and never a throw", () => {
    const cases: [string, string][] = [
      ["hello world", "no-audit-record"],
      ["type=SYSCALL", "bad-timestamp"],
      ["type=SYSCALL msg=audit(abc): x=1", "bad-timestamp"],
      ["type=AVC msg=audit(12799========================8288.415:39): apparmor=x", "bad-timestamp"],
      ["type=SYS<CALL msg=audit(1.2:3): x=1", "bad-type"],
      ["type=SYSCALL msg=audit(1.000:3: x=1", "bad-timestamp"],
      // A time no date can show, serials a double cannot keep apart.
      ["type=SYSCALL msg=audit(9000000000000.000:4): x=1", "bad-timestamp"],
      ["type=SYSCALL msg=audit(1600000000.000:9007199254740993): x=1", "bad-timestamp"],
      ["type=SYSCALL msg=audit(1600000000.000:18446744073709551617): x=1", "bad-timestamp"],
      // ausearch -i stamps of no date or time: not rolled over into another one.
      ["type=SYSCALL msg=audit(13/45/2023 99:99:99.000:5) : x=1", "bad-timestamp"],
      ["type=SYSCALL msg=audit(00/00/00 00:00:00.000:5) : x=1", "bad-timestamp"],
      ["type=SYSCALL msg=audit(02/30/2024 10:00:00.000:5) : x=1", "bad-timestamp"],
      ["type=SYSCALL msg=audit(02/28/2024 24:00:00.000:5) : x=1", "bad-timestamp"],
    ];
    for (const [line, code] of cases) {
      const result = parseLine(line, 7, 99, 100);
      expect(result.kind).toBe("malformed");
      if (result.kind === "malformed") expect(result.code).toBe(code);
    }
  });

  it("reads the last second of year 9999 and the largest exact serial", () => {
    const last = record("type=SYSCALL msg=audit(253402300799.999:9007199254740991): x=1");
    expect([last.sec, last.ms, last.serial]).toEqual([253402300799, 999, 9007199254740991]);
  });

  it("refuses records with more fields than the limit", () => {
    const line = `type=SYSCALL msg=audit(1.000:1): ${Array.from({ length: 50 }, (_, i) => `f${i}=1`).join(" ")}`;
    const result = parseLine(line, 1, 0, 10);
    expect(result.kind === "malformed" && result.code).toBe("too-many-fields");
  });

  it("maps unknown numeric types to UNKNOWN[n], as auparse does", () => {
    expect(record("audit: type=1999 audit(1.000:1): x=1").type).toBe("UNKNOWN[1999]");
  });

  it("reads the old LOGIN form `old auid=… new auid=…` (elastic-beats/filebeat audit-rhel6.log)", () => {
    const r = record(
      "type=LOGIN msg=audit(1.000:1): login pid=26125 uid=0 old auid=4294967295 new auid=0 old ses=6793 new ses=12286",
    );
    expect(r.fields.get("ses")).toBe("12286");
    expect(r.fields.get("auid")).toBe("0");
    expect(r.fields.get("old-ses")).toBe("6793");
    expect(r.fields.get("old-auid")).toBe("4294967295");
  });
});
