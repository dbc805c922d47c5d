import { describe, expect, it } from "vitest";
import { corpusAvailable, readCorpus } from "../testing/corpus";
import { eventFacts } from "./event-facts";
import { interpretRecord } from "./interpret";
import { parseBuffer } from "./parser";
import { summarize } from "./summary";
import type { AuditEvent } from "./types";

const parseText = (text: string) => parseBuffer(Buffer.from(text, "latin1")).events;
const only = (events: AuditEvent[]) => {
  expect(events).toHaveLength(1);
  return events[0] as AuditEvent;
};

describe("field interpretation", () => {
  it("decodes hex proctitle with NULs as argument boundaries", () => {
    const e = only(
      parseText(
        "type=PROCTITLE msg=audit(1551485718.785:324): proctitle=69707461626C6573002D77002D74007365637572697479002D4C004F5554505554002D2D7A65726F004F5554505554002D6E7876\n",
      ),
    );
    expect(eventFacts(e).proctitle).toEqual([
      "iptables",
      "-w",
      "-t",
      "security",
      "-L",
      "OUTPUT",
      "--zero",
      "OUTPUT",
      "-nxv",
    ]);
    expect(interpretRecord(e.records[0] as never).proctitle?.value).toBe(
      "iptables -w -t security -L OUTPUT --zero OUTPUT -nxv",
    );
  });

  it("splits a hex key on 0x01 (go-libaudit/auparse/audit-ubuntu17.log)", () => {
    const e = only(
      parseText("type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 key=65786563013634626974\n"),
    );
    expect(eventFacts(e).keys).toEqual(["exec", "64bit"]);
  });

  it("reads (null) and quoted keys", () => {
    expect(
      eventFacts(only(parseText('type=SYSCALL msg=audit(1.000:1): syscall=0 key="filter-this"\n'))).keys,
    ).toEqual(["filter-this"]);
    expect(
      eventFacts(only(parseText("type=SYSCALL msg=audit(1.000:1): syscall=0 key=(null)\n"))).keys,
    ).toEqual([]);
  });

  it("names syscalls per arch, errnos for failed exits, and unset ids", () => {
    const e = only(
      parseText(
        "type=SYSCALL msg=audit(1.000:1): arch=c00000b7 syscall=221 success=no exit=-13 auid=4294967295 uid=0 euid=0 ses=4294967295 mode=0100755\n",
      ),
    );
    const fields = interpretRecord(e.records[0] as never);
    expect(fields.arch?.value).toBe("aarch64");
    expect(fields.syscall?.value).toBe("execve");
    expect(fields.exit?.value).toBe("EACCES(Permission denied)");
    expect(fields.auid?.value).toBe("unset");
    expect(fields.ses?.value).toBe("unset");
    const facts = eventFacts(e);
    expect(facts).toMatchObject({
      syscall: "execve",
      arch: "aarch64",
      success: false,
      exit: -13,
      auid: null,
      uid: 0,
      ses: null,
    });
  });

  it("interprets PATH modes", () => {
    const e = only(
      parseText('type=PATH msg=audit(1.000:1): item=0 name="/tmp/a.sh" mode=0104755 nametype=NORMAL\n'),
    );
    expect(interpretRecord(e.records[0] as never).mode?.value).toBe("file,suid,755");
  });

  it("shows invalid UTF-8 in a hex value as \\xNN instead of losing it", () => {
    const e = only(parseText("type=CWD msg=audit(1.000:1): cwd=2F746D702FFF41\n"));
    expect(eventFacts(e).cwd).toBe("/tmp/\\xffA");
  });

  it("decodes UTF-8 in hex values", () => {
    const e = only(
      parseText(
        `type=CWD msg=audit(1.000:1): cwd=${Buffer.from("/home/jürgen/данные").toString("hex").toUpperCase()}\n`,
      ),
    );
    expect(eventFacts(e).cwd).toBe("/home/jürgen/данные");
  });
});

describe.skipIf(!corpusAvailable)("event facts and summaries on real events", () => {
  it("re-assembles a long EXECVE argument split as a1[0], a1[1]… (laurel/record-execve-long.txt)", () => {
    const e = only(parseBuffer(readCorpus("laurel/record-execve-long.txt")).events);
    const argv = eventFacts(e).argv ?? [];
    expect(argv[0]).toBe("/bin/echo");
    // a1_len counts hex digits: 16384 of them are 8192 bytes.
    expect(argv[1]).toHaveLength(8192);
    // The test data marks each piece's edges (b…c, d…e, f…g): all present, in order, nothing lost.
    expect(argv[1]?.replace(/a+/g, "-")).toBe("b-cd-ef-g");
  });

  it("uses ENRICHED names for the actor (laurel/record-execve.txt)", () => {
    const e = parseBuffer(readCorpus("laurel/record-execve.txt")).events.find(
      (ev) => ev.serial === 15558,
    ) as AuditEvent;
    const facts = eventFacts(e);
    expect(facts).toMatchObject({
      auidName: "user",
      uidName: "root",
      argv: ["whoami"],
      cwd: "/home/user/tmp",
    });
    expect(summarize(facts).text).toBe("user as root executed whoami (cwd /home/user/tmp)");
  });

  it("summarises a failed ssh login (msticpy/auditd_log.txt)", () => {
    const e = parseBuffer(readCorpus("msticpy/auditd_log.txt")).events.find(
      (ev) => ev.serial === 23,
    ) as AuditEvent;
    expect(summarize(eventFacts(e))).toMatchObject({
      actor: null,
      result: "failed",
      text: "failed login for root from 36.156.24.99 via sshd",
    });
  });

  it("decodes sudo's hex cmd (msticpy/auditd_log.txt)", () => {
    const e = parseBuffer(readCorpus("msticpy/auditd_log.txt")).events.find(
      (ev) => ev.serial === 557,
    ) as AuditEvent;
    const summary = summarize(eventFacts(e));
    expect(summary.text).toBe(
      "uid 1000 ran wget https://raw.githubusercontent.com/Microsoft/OMS-Agent-for-Linux/master/installer/scripts/onboard_agent.sh (cwd /home/linuxserveradmin)",
    );
  });

  it("decodes a connect's sockaddr into the summary (laurel/record-connect.txt)", () => {
    const events = parseBuffer(readCorpus("laurel/record-connect.txt")).events;
    const e = events.find((ev) => ev.serial === 2482681) as AuditEvent;
    const facts = eventFacts(e);
    expect(facts.sockaddr).toMatchObject({ kind: "inet", address: "127.0.0.1", port: 11211 });
    expect(summarize(facts).action).toBe("connected to");
    expect(summarize(facts).object).toBe("127.0.0.1:11211");
  });

  it("treats the ENRICHED name 'unset' as no name (vrl-devtest/audit.log)", () => {
    const e = parseBuffer(readCorpus("vrl-devtest/audit.log").subarray(0, 20_000)).events.find(
      (ev) => ev.serial === 834,
    ) as AuditEvent;
    const facts = eventFacts(e);
    expect(facts.auidName).toBeNull();
    expect(facts.uidName).toBe("root");
    expect(summarize(facts).actor).toBe("root");
  });

  it("summarises TTY keystrokes as the edited command lines (go-libaudit/auparse/audit-rhel7.log)", () => {
    const events = parseBuffer(readCorpus("go-libaudit/auparse/audit-rhel7.log")).events;
    const typed = events.map((e) => summarize(eventFacts(e)).text).filter((text) => text.includes(" typed "));
    expect(typed).toContain("uid 1000 as uid 0 typed su - andrew_kroh");
    expect(typed.some((text) => text.includes("typed echo test ⏎ vim /etc/pam.d/password-auth-ac"))).toBe(
      true,
    );
  });
});
