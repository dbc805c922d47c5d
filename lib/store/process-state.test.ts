import { writeFileSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { freshDatabases } from "../testing/fresh-databases";
import { deleteDataset } from "./datasets";
import { loadProcessState } from "./process-state";

const fresh = freshDatabases("auditscope-state-");

/** A log of USER_CMD events by pid `pid` at the given seconds (serial = second). */
function log(name: string, seconds: number[], pid = 7): string {
  const file = path.join(fresh.dir, name);
  const line = (s: number) =>
    `type=USER_CMD msg=audit(${1_700_000_000 + s}.000:${s}): pid=${pid} uid=0 auid=1000 ses=1 msg='cmd=6C73 res=success'`;
  writeFileSync(file, `${seconds.map(line).join("\n")}\n`);
  return file;
}

const kept = (dataset: number) =>
  fresh.db
    .prepare<[number], { end_ms: number; end_serial: number }>(
      `SELECT end_ms, end_serial FROM process_states WHERE dataset_id = ?`,
    )
    .get(dataset);

describe("the process state kept where a dataset's log ends", () => {
  it("is kept by a new dataset and by files added after its end; after an older file, rebuilt to the log's end", async () => {
    const dataset = (await ingest(expandSources([log("a.log", [1, 2])]), { db: fresh.db })).dataset as number;
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_002_000, end_serial: 2 });
    await ingest(expandSources([log("b.log", [3, 4])]), { db: fresh.db, dataset });
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_004_000, end_serial: 4 });
    // An older file: the processes are derived again from every stored event, to the log's end.
    await ingest(expandSources([log("c.log", [0])]), { db: fresh.db, dataset });
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_004_000, end_serial: 4 });
    await ingest(expandSources([log("d.log", [5])]), { db: fresh.db, dataset });
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_005_000, end_serial: 5 });
  });

  it("shows how far the processes are linked again after an older file", async () => {
    const dataset = (await ingest(expandSources([log("p.log", [3, 4])]), { db: fresh.db })).dataset as number;
    const linking: unknown[] = [];
    await ingest(expandSources([log("q.log", [1, 2])]), {
      db: fresh.db,
      dataset,
      onProgress: (p) => {
        if (p.linking) linking.push(p.linking);
      },
    });
    expect(linking[0]).toEqual({ events: 0, of: 4 });
    expect(linking.at(-1)).toEqual({ events: 4, of: 4 });
  });

  it("is rebuilt when it cannot be read (kept by another version)", async () => {
    const dataset = (await ingest(expandSources([log("g.log", [1, 2])]), { db: fresh.db })).dataset as number;
    fresh.db.prepare(`UPDATE process_states SET state = x'00ff'`).run();
    const added = await ingest(expandSources([log("h.log", [3])]), { db: fresh.db, dataset });
    expect(added.status).toBe("ready");
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_003_000, end_serial: 3 });
    const state = loadProcessState(fresh.db, dataset)?.state;
    expect(deserialize(state ?? new Uint8Array())).toEqual({
      processes: [{ node: "", entries: expect.any(Float64Array), lineage: expect.any(Float64Array) }],
      pendingLogins: [],
    });
  });

  // cron's PAM records come before its LOGIN: they have no session yet, and the LOGIN may be in another file.
  const at = (s: number, serial = s) => `msg=audit(${1_700_000_000 + s}.000:${serial}):`;
  const pam = `type=USER_ACCT ${at(10)} pid=500 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting grantors=pam_permit acct="root" exe="/usr/sbin/cron" hostname=? addr=? terminal=cron res=success'`;
  const login = `type=LOGIN ${at(12)} pid=500 uid=0 old-auid=4294967295 auid=0 tty=(none) old-ses=4294967295 ses=7 res=1`;
  const other = (s: number) =>
    `type=USER_CMD ${at(s)} pid=${s} uid=0 auid=1000 ses=1 msg='cmd=6C73 res=success'`;
  let n = 0;
  const write = (lines: string[]) => {
    const file = path.join(fresh.dir, `cron${++n}.log`);
    writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
  };
  const session = (dataset: number) =>
    fresh.db
      .prepare<[number], { kind: string; terminal: string | null; user_name: string | null }>(
        `SELECT kind, terminal, user_name FROM sessions WHERE dataset_id = ? AND ses = 7`,
      )
      .get(dataset);
  const ingestFiles = async (files: string[][], dataset?: number) =>
    (await ingest(expandSources(files.map(write)), { db: fresh.db, dataset })).dataset as number;

  it("keeps login records waiting for their LOGIN: files in any order bind them to its session", async () => {
    const whole = await ingestFiles([[pam, login]]);
    expect(session(whole)).toEqual({ kind: "cron", terminal: "cron", user_name: "root" });
    for (const files of [
      [[pam], [login]],
      // The older file second: the LOGIN is stored already.
      [[login], [pam]],
      // A file before both between them (the processes are rebuilt).
      [[pam], [other(1)], [login]],
      // A rotation where the lines were slightly out of time order: the next file begins before the kept state.
      [
        [pam, other(13)],
        [other(11), login],
      ],
    ]) {
      const dataset = await ingestFiles(files.slice(0, 1));
      for (const lines of files.slice(1)) await ingestFiles([lines], dataset);
      expect(session(dataset), JSON.stringify(files)).toEqual(session(whole));
    }
    // A failed login a day before, by the pid cron reused, is another login's: not bound to it.
    const failed = `type=USER_AUTH msg=audit(${1_700_000_012 - 86_400}.000:3): pid=500 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="bob" exe="/usr/sbin/sshd" hostname=203.0.113.9 addr=203.0.113.9 terminal=ssh res=failed'`;
    const dataset = await ingestFiles([[pam, login]]);
    await ingestFiles([[failed]], dataset);
    expect(session(dataset)).toEqual(session(whole));
  });

  it("binds them when one ingest is given the LOGIN's file before theirs", async () => {
    const whole = await ingestFiles([[pam, login]]);
    for (const files of [
      [[login], [pam]],
      // After a stored log: the parse goes on from its kept state.
      [[other(1)], [login], [pam]],
    ]) {
      const stored = files.length > 2 ? await ingestFiles(files.slice(0, 1)) : undefined;
      const dataset = await ingestFiles(files.slice(-2), stored);
      expect(session(dataset), JSON.stringify(files)).toEqual(session(whole));
    }
  });

  it("keeps what a later copy shows of one whose line an earlier copy cut short, for the LOGIN after", async () => {
    const whole = await ingestFiles([[other(1), pam], [login]]);
    const early = write([other(1)]);
    writeFileSync(early, `${other(1)}\n${pam.slice(0, pam.indexOf(" exe="))}`);
    const dataset = (await ingest(expandSources([early]), { db: fresh.db })).dataset as number;
    await ingestFiles([[other(1), pam]], dataset);
    await ingestFiles([[login]], dataset);
    expect(session(dataset)).toEqual(session(whole));
  });

  it("binds those kept by the version before the serial was noted", async () => {
    const whole = await ingestFiles([[other(1), pam], [login]]);
    const dataset = await ingestFiles([[other(1), pam]]);
    const state = deserialize(loadProcessState(fresh.db, dataset)?.state ?? new Uint8Array()) as {
      pendingLogins: [string, { serial?: number }][];
    };
    expect(state.pendingLogins).toHaveLength(1);
    for (const [, login] of state.pendingLogins) delete login.serial;
    fresh.db
      .prepare(`UPDATE process_states SET state = ? WHERE dataset_id = ?`)
      .run(serialize(state), dataset);
    await ingestFiles([[login]], dataset);
    expect(session(dataset)).toEqual(session(whole));
  });

  it("binds only those logged before the LOGIN, not one of the same program logged after it", async () => {
    // bob's record is another login's (the pid reused); one ingest reads the LOGIN's line first.
    const bob = pam.replace(at(10), at(14)).replace('acct="root"', 'acct="bob"');
    const whole = await ingestFiles([[pam, login, bob]]);
    expect(session(whole)).toEqual({ kind: "cron", terminal: "cron", user_name: "root" });
    for (const records of [
      [pam, bob],
      [bob, pam],
    ]) {
      const dataset = await ingestFiles([[login], records]);
      expect(session(dataset), JSON.stringify(records)).toEqual(session(whole));
    }
  });

  it("takes each detail from the best of a login's records, whatever order they were read in", async () => {
    // sshd's records before its LOGIN name the client differently; CRED_ACQ ranks above USER_AUTH.
    const sshd = (type: string, s: number, addr: string) =>
      `type=${type} ${at(s)} pid=600 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:x grantors=pam_unix acct="alice" exe="/usr/sbin/sshd" hostname=${addr} addr=${addr} terminal=ssh res=success'`;
    const auth = sshd("USER_AUTH", 20, "192.0.2.1");
    const cred = sshd("CRED_ACQ", 21, "192.0.2.2");
    const opened = `type=LOGIN ${at(22)} pid=600 uid=0 old-auid=4294967295 auid=1000 tty=(none) old-ses=4294967295 ses=8 res=1`;
    const client = (dataset: number) =>
      fresh.db
        .prepare<[number], { kind: string; addr: string | null }>(
          `SELECT kind, addr FROM sessions WHERE dataset_id = ? AND ses = 8`,
        )
        .get(dataset);
    const whole = await ingestFiles([[auth, cred, opened]]);
    expect(client(whole)).toEqual({ kind: "sshd", addr: "192.0.2.2" });
    for (const files of [
      [[opened], [cred], [auth]],
      [[cred], [auth], [opened]],
    ]) {
      expect(client(await ingestFiles(files)), JSON.stringify(files)).toEqual(client(whole));
    }
  });

  it("does not bind them to a LOGIN logged before them in the same millisecond", async () => {
    // The LOGIN came first (lower serial): the record after it is another login's, whatever the files.
    const late = pam.replace(at(10), at(12, 13));
    const whole = await ingestFiles([[login, late]]);
    expect(session(whole)).toEqual({ kind: "unknown", terminal: null, user_name: null });
    const dataset = await ingestFiles([[login, late]]);
    // A file before it: the processes are rebuilt, and the records waiting bound where they can be.
    await ingestFiles([[other(1)]], dataset);
    expect(session(dataset)).toEqual(session(whole));
  });

  it("keeps only the latest 1024 login records waiting for a LOGIN (a brute force's never come)", async () => {
    const failed = (n: number) =>
      `type=USER_AUTH msg=audit(${1_700_000_000 + n}.000:${n}): pid=${10_000 + n} uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct="root" exe="/usr/sbin/sshd" hostname=203.0.113.9 addr=203.0.113.9 terminal=ssh res=failed'`;
    const file = path.join(fresh.dir, "brute.log");
    writeFileSync(file, `${Array.from({ length: 3000 }, (_, i) => failed(i + 1)).join("\n")}\n`);
    const dataset = (await ingest(expandSources([file]), { db: fresh.db })).dataset as number;
    const { pendingLogins } = deserialize(loadProcessState(fresh.db, dataset)?.state ?? new Uint8Array()) as {
      pendingLogins: [string, unknown][];
    };
    expect(pendingLogins.length).toBe(1024);
    expect(pendingLogins.at(-1)?.[0]).toBe(`\u0000${10_000 + 3000}`);
  });

  it("is not changed by an append that is cancelled, and goes with its dataset", async () => {
    const dataset = (await ingest(expandSources([log("e.log", [1, 2])]), { db: fresh.db })).dataset as number;
    const controller = new AbortController();
    controller.abort();
    await ingest(expandSources([log("f.log", [3])]), { db: fresh.db, dataset, signal: controller.signal });
    expect(kept(dataset)).toEqual({ end_ms: 1_700_000_002_000, end_serial: 2 });
    deleteDataset(fresh.db, dataset);
    expect(fresh.db.prepare(`SELECT count(*) AS n FROM process_states`).get()).toEqual({ n: 0 });
  });
});
