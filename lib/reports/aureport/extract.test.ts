import { describe, expect, it } from "vitest";
import { AuditParser, parseBuffer } from "../../audit/parser";
import { strtoul, unescapeHex } from "./c-text";
import { extractItems, type RecordMessage } from "./extract";
import { displayFile, fieldsOf } from "./fields";
import { Blind, Flag } from "./items";
import { reportKind } from "./kinds";
import { aureportSubEvents } from "./sub-events";
import { typeNumber } from "./types";
import { viewOf } from "./view";

// aureport 3.0.9's parser quirks that the port keeps (the parity test checks them on real logs;
// these pin them down on one line each). See docs/aureport-parity.md.

const records = (...lines: string[]): RecordMessage[] =>
  lines.map((raw) => ({ type: typeNumber(/type=(\S+)/.exec(raw)?.[1] ?? ""), raw }));

const view = (lines: string[], uidReports = false) => {
  const recs = records(...lines);
  const { items, failed } = extractItems(recs, uidReports);
  return viewOf(recs, items, failed);
};

describe("C helpers", () => {
  it("strtoul wraps negative numbers and keeps 32 bits, as uid_t does", () => {
    expect(strtoul("-1 ", 0, 2)).toBe(4294967295);
    expect(strtoul("4294967296", 0, 10)).toBe(0);
    expect(strtoul("99999999999999999999", 0, 20)).toBeNaN();
  });

  it("unescape decodes hex up to a NUL byte and keeps (null)", () => {
    expect(unescapeHex("2F62696E002F78", 0)).toBe("/bin");
    expect(unescapeHex("(null) rest", 0)).toBe("(null)");
    expect(unescapeHex("A", 0)).toBeNull();
  });
});

describe("aureport's reading of events", () => {
  it("cuts an event after a single-record first record, and drops a stray EOE", () => {
    const { events } = parseBuffer(
      Buffer.from(
        [
          "type=LOGIN msg=audit(1.100:7): pid=5 uid=0 old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=2 res=1",
          'type=SYSCALL msg=audit(1.100:7): arch=c000003e syscall=1 success=yes exit=1 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=5 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=2 comm="sshd" exe="/usr/sbin/sshd" key=(null)',
          "type=EOE msg=audit(2.100:8): ",
        ].join("\n"),
      ),
    );
    const bySerial = new Map(
      events.map((e) => [e.serial, aureportSubEvents(e.records).map((s) => s.length)]),
    );
    expect(bySerial).toEqual(
      new Map([
        [7, [1, 1]],
        [8, []],
      ]),
    );
  });

  it("keeps records glued onto one line as that line's record, and a rotated file's first line apart", () => {
    const syscall =
      'type=SYSCALL msg=audit(1.100:7): arch=c000003e syscall=2 success=yes exit=3 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=5 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=2 comm="cat" exe="/bin/cat" key=(null)';
    const path = 'type=PATH msg=audit(1.100:7): item=0 name="/etc/shadow" nametype=NORMAL';
    const glued = parseBuffer(Buffer.from(`${syscall} ${path}\n`)).events[0];
    expect(aureportSubEvents(glued?.records ?? []).map((s) => s.length)).toEqual([1]);
    // The same two records at line 1, offset 0 of two files of one rotated log: two lines.
    const first = new AuditParser();
    first.push(Buffer.from(`${syscall}\n`));
    first.endInput();
    const second = first.nextFile();
    second.push(Buffer.from(`${path}\n`));
    second.endInput();
    const rotated = second.flush().events[0];
    expect(aureportSubEvents(rotated?.records ?? []).map((s) => s.length)).toEqual([2]);
  });

  it("reads several keys from a hex list and counts `(null)` as no key", () => {
    const v = view([
      'type=SYSCALL msg=audit(1.1:1): arch=c000003e syscall=2 success=no exit=-13 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="x" exe="/x" key=61016263',
    ]);
    expect(v.items.keys).toEqual(["a", "bc"]);
    const none = view([
      'type=SYSCALL msg=audit(1.1:1): arch=c000003e syscall=2 success=no exit=-13 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="x" exe="/x" key=(null)',
    ]);
    expect(reportKind("key").listed(none)).toBe(false);
  });

  it("keeps the rest of a PATH record as its name type, so a PARENT is skipped only when nametype is last", () => {
    const path = (name: string, tail: string) =>
      `type=PATH msg=audit(1.1:1): item=0 name="${name}" inode=1 dev=00:00 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=${tail}`;
    const old = view([path("/tmp", "PARENT"), path("/tmp/x", "CREATE")]);
    expect(displayFile(old.items.filenames)).toBe("/tmp/x");
    const modern = view([path("/tmp", "PARENT cap_fp=0"), path("/tmp/x", "CREATE cap_fp=0")]);
    expect(displayFile(modern.items.filenames)).toBe("/tmp");
  });

  it("takes IPv4 and IPv6 SOCKADDRs as host names and unix sockets as files", () => {
    const sockaddr = (hex: string) => view([`type=SOCKADDR msg=audit(1.1:1): saddr=${hex}`]).items;
    expect(sockaddr("02000050C0A800010000000000000000").hostname).toBe("192.168.0.1");
    expect(sockaddr("0A000050000000002001000000000000000000000000000100000000").hostname).toBe("2001::1");
    const unix = sockaddr("01002F72756E2F782E736F636B00");
    expect(unix.hostname).toBeNull();
    expect(unix.filenames?.map((f) => f.name)).toEqual(["/run/x.sock"]);
  });

  it("in the uid-reading reports, reads old user records differently (the uid step moves on)", () => {
    const line =
      "type=USER_AVC msg=audit(1.1:1): user pid=1 uid=81 auid=4294967295 msg='avc:  denied  { send_msg } for scontext=a tcontext=b tclass=dbus : exe=\"/bin/dbus-daemon\" (sauid=81, hostname=?, addr=?, terminal=?)'";
    expect(view([line]).items.exe).toBe("/bin/dbus-daemon");
    expect(view([line], true).items.exe).toBeNull();
  });

  it("marks what aureport cannot read: AppArmor AVCs, and a missing pid everywhere", () => {
    const apparmor = view([
      'type=AVC msg=audit(1.1:1): apparmor="DENIED" operation="open" profile="/usr/bin/x" name="/etc/shadow" pid=9 comm="x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0',
    ]);
    expect(apparmor.failed & Blind.APPARMOR).toBeTruthy();
    expect(apparmor.items.avc?.[0]).toMatchObject({
      scontext: "/usr/bin/x",
      tcontext: "/etc/shadow",
      avcPerm: "r",
    });
    const netfilter = view(["type=NETFILTER_CFG msg=audit(1.1:1): table=filter family=2 entries=0"]);
    expect(netfilter.failed & Flag.ALWAYS).toBeTruthy();
  });

  it("counts each configuration type of an event once, so one event can count twice", () => {
    const v = view([
      "type=CONFIG_CHANGE msg=audit(1.1:1): auid=0 ses=1 op=add_rule key=(null) list=4 res=1",
      "type=DAEMON_CONFIG msg=audit(1.1:1): auditd auid=0 pid=1 res=success",
    ]);
    expect(fieldsOf(v.head, v.items).head).toBe(typeNumber("CONFIG_CHANGE"));
    expect(reportKind("config").listed(v)).toBe(true);
  });
});
