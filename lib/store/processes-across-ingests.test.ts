import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { corpusAvailable, corpusPath, readCorpus } from "../testing/corpus";
import { freshDatabases } from "../testing/fresh-databases";

const fresh = freshDatabases("auditscope-links-");
const { dir } = fresh;

/** An execve event of `pid` (child of `ppid`) running `exe`, closed by its EOE; `failed`: ENOENT. */
function exec(
  serial: number,
  second: number,
  pid: number,
  ppid: number,
  exe: string,
  failed = false,
): string {
  const id = `msg=audit(${1_700_000_000 + second}.000:${serial}):`;
  return [
    `type=SYSCALL ${id} arch=c000003e syscall=59 success=${failed ? "no exit=-2" : "yes exit=0"} a0=0 a1=0 a2=0 a3=0 items=1 ppid=${ppid} pid=${pid} auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm="${path.basename(exe)}" exe="${exe}" key=(null)`,
    `type=EXECVE ${id} argc=1 a0="${path.basename(exe)}"`,
    `type=EOE ${id}`,
  ].join("\n");
}

/** An open(2) by `pid` (child of `ppid`): it moves the process tree without an exec. */
function opened(serial: number, second: number, pid: number, ppid: number): string {
  const id = `msg=audit(${1_700_000_000 + second}.000:${serial}):`;
  return [
    `type=SYSCALL ${id} arch=c000003e syscall=2 success=yes exit=3 items=1 ppid=${ppid} pid=${pid} auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=3 comm="sh" exe="/bin/sh"`,
    `type=EOE ${id}`,
  ].join("\n");
}

function log(name: string, events: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${events.join("\n")}\n`);
  return file;
}

/** Adds each file in an ingest of its own, in turn, to one new dataset; returns the dataset. */
async function addInTurn(...files: string[]): Promise<number> {
  let dataset: number | undefined;
  for (const file of files)
    dataset = (await ingest(expandSources([file]), { db: fresh.db, dataset })).dataset as number;
  return dataset as number;
}

/** Each process as `exe <- parent exe`, placeholders as `pid N (not seen)`. */
function tree(dataset: number | null): string[] {
  const label = (alias: string) =>
    `CASE WHEN ${alias}.placeholder = 1 THEN 'pid ' || ${alias}.pid || ' (not seen)' ELSE ${alias}.exe END`;
  return fresh.db
    .prepare<[number], { link: string }>(
      `SELECT ${label("c")} || ' <- ' || coalesce(${label("p")}, CASE WHEN c.parent_id IS NULL THEN '-' ELSE 'a missing row' END) AS link
       FROM processes c LEFT JOIN processes p ON p.id = c.parent_id WHERE c.dataset_id = ? ORDER BY c.id`,
    )
    .all(dataset ?? 0)
    .map((row) => row.link);
}

/**
 * Each process as `exe <- parent [after the exec it replaced]`, sorted: what the tree shows; an
 * exec labelled by `exe` (its exe by default).
 */
function links(dataset: number | null, exe = (alias: string) => `${alias}.exe`): string[] {
  const label = (alias: string) =>
    `CASE WHEN ${alias}.placeholder = 1 THEN 'pid ' || ${alias}.pid || ' (not seen)' ELSE ${exe(alias)} END`;
  return fresh.db
    .prepare<[number], { link: string }>(
      `SELECT ${label("c")} || ' <- ' || coalesce(${label("p")}, '-') || coalesce(' after ' || ${label("q")}, '') AS link
       FROM processes c LEFT JOIN processes p ON p.id = c.parent_id LEFT JOIN processes q ON q.id = c.chain_prev_id
       WHERE c.dataset_id = ?`,
    )
    .all(dataset ?? 0)
    .map((row) => row.link)
    .sort();
}

describe("process links when files are added to a dataset", () => {
  const shell = exec(1, 0, 100, 1, "/bin/bash");

  it("links a child to its parent's exec stored from the file added before", async () => {
    const dataset = await addInTurn(
      log("a.log", [shell]),
      log("b.log", [exec(2, 5, 200, 100, "/usr/bin/curl")]),
    );
    expect(tree(dataset)).toEqual([
      "pid 1 (not seen) <- -",
      "/bin/bash <- pid 1 (not seen)",
      "/usr/bin/curl <- /bin/bash",
    ]);
  });

  it("links a child whose parent's exec was skipped as a duplicate to the stored one", async () => {
    // An overlapping file: the shell's exec again, then its child.
    const dataset = await addInTurn(
      log("c.log", [shell]),
      log("d.log", [shell, exec(2, 5, 200, 100, "/usr/bin/curl")]),
    );
    expect(tree(dataset)).toEqual([
      "pid 1 (not seen) <- -",
      "/bin/bash <- pid 1 (not seen)",
      "/usr/bin/curl <- /bin/bash",
    ]);
    // The parse went on from where the last file ended: what it kept knows the stored exec, not the skipped one.
    await ingest(expandSources([log("d2.log", [exec(3, 9, 201, 100, "/usr/bin/wget")])]), {
      db: fresh.db,
      dataset,
    });
    expect(tree(dataset).at(-1)).toBe("/usr/bin/wget <- /bin/bash");
  });

  // A shell looking a command up the PATH: a failed exec, then the one that runs, in one millisecond.
  const lookedUp = [exec(1, 0, 100, 1, "/usr/local/bin/tool", true), exec(2, 0, 100, 1, "/usr/bin/tool")];

  it("links to the exec that ran, not one that failed in the same millisecond, across an overlap", async () => {
    const dataset = await addInTurn(
      log("e.log", lookedUp),
      log("f.log", [...lookedUp, exec(3, 5, 200, 100, "/usr/bin/curl")]),
    );
    expect(tree(dataset)).toContain("/usr/bin/curl <- /usr/bin/tool");
  });

  it("links to the exec that ran, not a later failed one, from the file added before", async () => {
    const dataset = await addInTurn(
      log("g.log", [shell, exec(2, 3, 100, 1, "/nope", true)]),
      log("h.log", [exec(3, 5, 200, 100, "/usr/bin/curl")]),
    );
    expect(tree(dataset)).toContain("/usr/bin/curl <- /bin/bash");
  });

  it("gives an exec whose first record came in the file added before its process row", async () => {
    // SELinux writes an exec's AVC before its SYSCALL: a rotation can fall between them.
    const rest = exec(2, 5, 200, 100, "/usr/bin/curl");
    const avc = `type=AVC msg=audit(1700000005.000:2): avc:  denied  { execute } for  pid=200 comm="bash" name="curl" scontext=u:r:t:s0 tcontext=u:object_r:t:s0 tclass=file permissive=1`;
    const dataset = await addInTurn(
      log("i.log", [shell, avc]),
      log("j.log", [rest, exec(3, 6, 300, 200, "/bin/sh")]),
    );
    expect(tree(dataset)).toEqual([
      "pid 1 (not seen) <- -",
      "/bin/bash <- pid 1 (not seen)",
      "/usr/bin/curl <- /bin/bash",
      "/bin/sh <- /usr/bin/curl",
    ]);
    const curl = fresh.db
      .prepare<[number], { argv: string; types: string }>(
        `SELECT p.argv, e.types FROM processes p JOIN events e ON e.id = p.event_id WHERE p.dataset_id = ? AND p.pid = 200`,
      )
      .get(dataset);
    expect(curl?.argv).toBe(JSON.stringify(["curl"]));
    expect(fresh.db.prepare(`SELECT count(*) AS n FROM processes WHERE chain_prev_id = id`).get()).toEqual({
      n: 0,
    });
    expect(curl?.types).toContain("SYSCALL");
  });

  it("chains a re-exec to the image stored from the file added before, under the same parent", async () => {
    // The shell runs a script with `exec`: the same pid, the same parent, a new image.
    const dataset = await addInTurn(
      log("k.log", [shell]),
      log("l.log", [exec(2, 5, 100, 1, "/usr/bin/vim")]),
    );
    expect(tree(dataset)).toEqual([
      "pid 1 (not seen) <- -",
      "/bin/bash <- pid 1 (not seen)",
      "/usr/bin/vim <- pid 1 (not seen)",
    ]);
    const chained = fresh.db
      .prepare<[number], { prev: string | null }>(
        `SELECT prev.exe AS prev FROM processes c LEFT JOIN processes prev ON prev.id = c.chain_prev_id
         WHERE c.dataset_id = ? AND c.exe = '/usr/bin/vim'`,
      )
      .get(dataset);
    expect(chained?.prev).toBe("/bin/bash");
  });

  it("keeps one placeholder for a parent never seen exec'ing, whichever file its children came in", async () => {
    const dataset = await addInTurn(
      log("m.log", [exec(1, 0, 200, 50, "/bin/sh")]),
      log("n.log", [exec(2, 5, 300, 50, "/bin/ls")]),
    );
    expect(tree(dataset)).toEqual([
      "pid 50 (not seen) <- -",
      "/bin/sh <- pid 50 (not seen)",
      "/bin/ls <- pid 50 (not seen)",
    ]);
  });

  it("leaves a stored placeholder as it was when an append that taught it its parent is cancelled", async () => {
    const dataset = await addInTurn(log("p1.log", [exec(1, 0, 200, 100, "/bin/sh")]));
    const placeholder = () =>
      fresh.db
        .prepare(`SELECT pid, ppid, parent_id FROM processes WHERE dataset_id = ? AND placeholder = 1`)
        .all(dataset);
    expect(placeholder()).toEqual([{ pid: 100, ppid: null, parent_id: null }]);
    // pid 100's own syscall names its parent; then enough syscalls (they go through the process
    // tree's reorder window) that a transaction commits before the cancel.
    const filler = Array.from({ length: 12_000 }, (_, i) => opened(i + 2, i + 10, 5000 + i, 1));
    const file = log("p2.log", [opened(1, 5, 100, 50), ...filler]);
    const controller = new AbortController();
    const cancelled = await ingest(expandSources([file]), {
      db: fresh.db,
      dataset,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.events > 0) controller.abort();
      },
    });
    expect(cancelled.status).toBe("cancelled");
    expect(placeholder()).toEqual([{ pid: 100, ppid: null, parent_id: null }]);
    await ingest(expandSources([file]), { db: fresh.db, dataset });
    expect(placeholder()).toEqual([{ pid: 100, ppid: 50, parent_id: null }]);
  });

  it("links what a newer file stored to the processes of an older file added after it", async () => {
    const newer = log("o.log", [exec(2, 5, 200, 100, "/usr/bin/curl"), exec(3, 6, 100, 1, "/usr/bin/vim")]);
    const older = log("p.log", [shell]);
    const dataset = await addInTurn(newer, older);
    const whole = await ingest(expandSources([older, newer]), { db: fresh.db });
    const expected = [
      "pid 1 (not seen) <- -",
      "/bin/bash <- pid 1 (not seen)",
      "/usr/bin/curl <- /bin/bash",
      "/usr/bin/vim <- pid 1 (not seen)",
    ];
    expect(tree(whole.dataset)).toEqual(expected);
    expect(tree(dataset).sort()).toEqual([...expected].sort());
    const chains = (id: number | null) =>
      fresh.db
        .prepare<[number], { link: string }>(
          `SELECT c.exe || ' after ' || prev.exe AS link FROM processes c JOIN processes prev ON prev.id = c.chain_prev_id
           WHERE c.dataset_id = ?`,
        )
        .all(id ?? 0)
        .map((row) => row.link);
    expect(chains(dataset)).toEqual(["/usr/bin/vim after /bin/bash"]);
    expect(chains(whole.dataset)).toEqual(chains(dataset));
  });

  const forked = (serial: number, second: number, pid: number, ppid: number, child: number) =>
    [
      `type=SYSCALL msg=audit(${1_700_000_000 + second}.000:${serial}): arch=c000003e syscall=56 success=yes exit=${child} items=0 ppid=${ppid} pid=${pid} auid=1000 uid=1000 gid=1000 euid=1000 tty=pts0 ses=3 comm="sh" exe="/bin/sh"`,
      `type=EOE msg=audit(${1_700_000_000 + second}.000:${serial}):`,
    ].join("\n");

  /** One log cut into files (each a list of events), added to a dataset in every order. */
  const splits: [string, string[][]][] = [
    [
      "a daemon's child, then the daemon's syscall as the child's parent pid",
      [[exec(1, 1, 10, 1, "/bin/sshd"), exec(2, 2, 30, 20, "/bin/kid")], [opened(3, 3, 20, 10)]],
    ],
    [
      "a pid's parent pid seen, then its child in the next file",
      [[exec(1, 1, 15, 9, "/bin/e1"), opened(2, 1, 20, 9)], [exec(3, 1, 30, 20, "/bin/e3")]],
    ],
    [
      "a pid forked anew, then its exec with the ppid of the stored image",
      [[exec(1, 1, 20, 9, "/bin/e1")], [forked(2, 2, 9, 1, 20), exec(3, 2, 20, 9, "/bin/e3")]],
    ],
    [
      "a pid's parent seen, then its exec as an orphan in the next file",
      [[exec(1, 1, 9, 1, "/bin/p9"), opened(2, 1, 20, 9)], [exec(3, 2, 20, 1, "/bin/e3")]],
    ],
    [
      "a pid's syscall, then its child and its exec in the next file",
      [[opened(1, 1, 15, 2)], [exec(2, 1, 14, 15, "/bin/e2"), exec(3, 1, 15, 2, "/bin/e3")]],
    ],
    [
      "a pid forked anew after its exec, then its failed exec in the next file",
      [[exec(1, 1, 11, 12, "/bin/e1"), forked(2, 2, 12, 15, 11)], [exec(3, 2, 11, 12, "/bin/f3", true)]],
    ],
    [
      "a fork, then the child's failed exec and the parent's exec in the next file",
      [[forked(1, 1, 15, 10, 17)], [exec(2, 1, 17, 15, "/bin/f2", true), exec(3, 1, 15, 10, "/bin/e3")]],
    ],
    [
      "re-execs of a pid in the added file after the first",
      [
        [exec(1, 1, 21, 13, "/bin/a"), exec(2, 2, 13, 1, "/bin/x")],
        [exec(3, 3, 21, 13, "/bin/b"), exec(4, 4, 21, 13, "/bin/c")],
      ],
    ],
    [
      "a child of the pid before its re-exec",
      [[exec(1, 1, 24, 15, "/bin/a")], [exec(2, 2, 30, 24, "/bin/kid"), exec(3, 3, 24, 15, "/bin/b")]],
    ],
    [
      "a child of the pid, then its parent pid seen, before its re-exec",
      [
        [exec(1, 1, 12, 1, "/bin/a")],
        [exec(2, 2, 40, 12, "/bin/kid"), opened(3, 3, 12, 1), exec(4, 4, 12, 1, "/bin/b")],
      ],
    ],
    [
      "children of the pid before and after its re-exec",
      [
        [exec(1, 1, 15, 1, "/bin/a")],
        [exec(2, 2, 33, 15, "/bin/kid"), exec(3, 3, 15, 1, "/bin/b"), exec(4, 4, 33, 15, "/bin/kid2")],
      ],
    ],
    [
      "a failed exec first in the file, then a re-exec",
      [[exec(1, 1, 14, 1, "/bin/a")], [exec(2, 2, 14, 1, "/bin/none", true), exec(3, 3, 14, 1, "/bin/b")]],
    ],
    [
      "a failed exec last in the file, then a re-exec",
      [[exec(1, 1, 14, 1, "/bin/a"), exec(2, 2, 14, 1, "/bin/none", true)], [exec(3, 3, 14, 1, "/bin/b")]],
    ],
    [
      "a child of a pid seen only by a syscall, then the pid's exec",
      [[opened(1, 1, 101, 95), exec(2, 2, 103, 101, "/bin/kid")], [exec(3, 3, 101, 95, "/bin/b")]],
    ],
    [
      "a pid seen only by a syscall, its child in the next file",
      [[opened(1, 1, 88, 87)], [exec(2, 2, 157, 88, "/bin/kid")]],
    ],
    [
      "children of a pid seen only by a syscall, one in each file",
      [[opened(1, 1, 15, 1), exec(2, 2, 27, 15, "/bin/kid")], [exec(3, 3, 38, 15, "/bin/kid2")]],
    ],
    [
      "a pid seen only by a syscall, its parent pid never seen but its parent's children in the other file",
      [[exec(1, 1, 1000, 1, "/bin/daemon")], [opened(2, 2, 500, 1), exec(3, 3, 700, 500, "/bin/kid")]],
    ],
    [
      "a grandchild through a pid seen only by a syscall",
      [[exec(1, 1, 28, 14, "/bin/a")], [opened(2, 2, 40, 28), exec(3, 3, 77, 40, "/bin/kid")]],
    ],
    [
      "a fork, the forked child's child, then its exec",
      [
        [exec(1, 1, 12, 1, "/bin/a")],
        [forked(2, 2, 12, 1, 51), exec(3, 3, 60, 51, "/bin/kid"), exec(4, 4, 51, 12, "/bin/b")],
      ],
    ],
    [
      "re-execs of a pid in three files",
      [[exec(1, 1, 21, 1, "/bin/a")], [exec(2, 2, 21, 1, "/bin/b")], [exec(3, 3, 21, 1, "/bin/c")]],
    ],
    [
      "re-execs of a pid in three files, then a child",
      [
        [exec(1, 1, 21, 1, "/bin/a")],
        [exec(2, 2, 21, 1, "/bin/b")],
        [exec(3, 3, 21, 1, "/bin/c"), exec(4, 4, 30, 21, "/bin/kid")],
      ],
    ],
    [
      "a child of a pid exec'ing again in the other file in the same second",
      [[exec(1, 1, 21, 1, "/bin/a"), exec(2, 5, 30, 21, "/bin/kid")], [exec(3, 5, 21, 1, "/bin/b")]],
    ],
    [
      "a pid seen only by a syscall, its parent pid exec'ing in the other file as its child runs",
      [[opened(1, 1, 30, 20), exec(2, 5, 40, 30, "/bin/kid")], [exec(3, 5, 20, 1, "/bin/q")]],
    ],
    [
      "two pids seen only by syscalls, each the other's parent, then each exec'ing",
      [
        [opened(1, 2, 12, 11), exec(2, 3, 11, 12, "/bin/e2")],
        [opened(3, 3, 12, 11), exec(4, 4, 11, 12, "/bin/e4")],
      ],
    ],
    [
      "a pid seen only by a syscall in both files, its re-exec after its child's",
      [
        [opened(1, 1, 20, 9), exec(2, 2, 50, 20, "/bin/x")],
        [opened(3, 3, 30, 20), exec(4, 4, 40, 30, "/bin/kid"), exec(5, 5, 30, 20, "/bin/p")],
      ],
    ],
    [
      "a failed exec's parent pid never seen exec'ing, its placeholder made again in the other file",
      [
        [exec(1, 1, 15, 2, "/bin/e1", true)],
        [forked(2, 1, 15, 2, 17), exec(3, 1, 17, 15, "/bin/e3"), exec(4, 1, 13, 2, "/bin/e4", true)],
      ],
    ],
    [
      "a pid seen with two parent pids (reused), a child of each, then another child in the other file",
      [
        [
          opened(1, 1, 16, 13),
          exec(2, 1, 15, 16, "/bin/e2"),
          opened(3, 2, 16, 15),
          exec(4, 2, 12, 16, "/bin/e4"),
        ],
        [exec(5, 2, 17, 16, "/bin/e5")],
      ],
    ],
    [
      "children of a pid never seen exec'ing before and after it is reused",
      [
        [exec(1, 1, 10, 13, "/bin/e1", true)],
        [exec(2, 1, 13, 15, "/bin/e2"), opened(3, 2, 13, 16), exec(4, 2, 10, 13, "/bin/e4")],
      ],
    ],
    [
      "a re-exec of a pid seen only by a syscall, with an exec of the pid in the file between",
      [
        [opened(1, 1, 20, 9), exec(2, 1, 30, 20, "/bin/e2")],
        [exec(3, 1, 20, 30, "/bin/e3")],
        [exec(4, 1, 20, 9, "/bin/e4")],
      ],
    ],
    [
      "a child of a pid never seen exec'ing, then its parent pid seen, then its exec in the other file",
      [[exec(1, 1, 30, 20, "/bin/e1"), opened(2, 2, 20, 9)], [exec(3, 2, 20, 9, "/bin/e3")]],
    ],
    [
      "a pid never seen exec'ing with a child in each file, its parent pid seen after the second",
      [
        [exec(1, 1, 9, 1, "/bin/p9"), exec(2, 2, 30, 20, "/bin/e30")],
        [exec(3, 3, 40, 20, "/bin/e40"), opened(4, 4, 20, 9)],
      ],
    ],
  ];

  it("keeps a child with the placeholder a fork made anew, not the one before the fork, in both orders", async () => {
    const files = [
      [exec(1, 1, 40, 50, "/bin/k40"), forked(2, 2, 9, 1, 50), exec(3, 3, 60, 50, "/bin/k60")],
      [exec(4, 4, 70, 50, "/bin/k70")],
    ];
    const parentOf = (dataset: number, exe: string) =>
      fresh.db
        .prepare<[number, string], { parent: number | null }>(
          `SELECT parent_id AS parent FROM processes WHERE dataset_id = ? AND exe = ?`,
        )
        .get(dataset, exe)?.parent;
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const at = await addInTurn(...order.map((index) => log(`fork${index}.log`, files[index] ?? [])));
      expect({ order, same: parentOf(at, "/bin/k70") === parentOf(at, "/bin/k60") }).toEqual({
        order,
        same: true,
      });
      expect(parentOf(at, "/bin/k70")).not.toBe(parentOf(at, "/bin/k40"));
    }
  });

  /** Every order of the numbers below n. */
  const orders = (n: number): number[][] =>
    n === 0
      ? [[]]
      : orders(n - 1).flatMap((order) =>
          Array.from({ length: n }, (_, at) => [...order.slice(0, at), n - 1, ...order.slice(at)]),
        );

  describe("files out of log order beyond the reorder window, in one ingest", () => {
    // The shell (early file); its child, then more than the window's worth of other events (late file).
    const early = [exec(1, 1, 100, 1, "/bin/bash")];
    const fillers = Array.from({ length: 1100 }, (_, i) => opened(10 + i, 10 + i, 7000, 1));
    const late = [exec(2, 5, 200, 100, "/usr/bin/curl"), ...fillers];

    it("gives the tree of the files in order when the newer file is given first", async () => {
      const inOrder = await ingest(expandSources([log("early1.log", early), log("late1.log", late)]), {
        db: fresh.db,
      });
      const expected = links(inOrder.dataset);
      expect(expected).toContain("/usr/bin/curl <- /bin/bash");
      const reversed = await ingest(expandSources([log("late2.log", late), log("early2.log", early)]), {
        db: fresh.db,
      });
      expect(links(reversed.dataset)).toEqual(expected);
    });

    it("gives it too when both come after the stored log, newer first", async () => {
      const base = [exec(0, 0, 50, 1, "/sbin/init2")];
      const whole = await ingest(
        expandSources([log("base1.log", base), log("early3.log", early), log("late3.log", late)]),
        { db: fresh.db },
      );
      const dataset = (await ingest(expandSources([log("base2.log", base)]), { db: fresh.db }))
        .dataset as number;
      await ingest(expandSources([log("late4.log", late), log("early4.log", early)]), {
        db: fresh.db,
        dataset,
      });
      expect(links(dataset)).toEqual(links(whole.dataset));
    });
  });

  it.each(splits)("gives the tree one ingest gives, in any order: %s", async (_, files) => {
    const whole = await ingest(expandSources([log("whole.log", files.flat())]), { db: fresh.db });
    const expected = links(whole.dataset);
    for (const order of orders(files.length)) {
      const dataset = await addInTurn(...order.map((index) => log(`part${index}.log`, files[index] ?? [])));
      expect({ order, links: links(dataset) }).toEqual({ order, links: expected });
    }
  });
});

/** The corpus log cut in two at `share` of its lines: the two files, in log order. */
function cutInTwo(log: string, share: number): [string, string] {
  const lines = readCorpus(log).toString("latin1").trimEnd().split("\n");
  const cut = Math.floor(lines.length * share);
  const [first, second] = [lines.slice(0, cut), lines.slice(cut)].map((part, i) => {
    const file = path.join(dir, `${path.basename(log)}-${share}-${i}.log`);
    writeFileSync(file, `${part.join("\n")}\n`, "latin1");
    return file;
  });
  return [first as string, second as string];
}

/** What a dataset's sessions show, one line each, sorted. */
function sessionLines(dataset: number | null): string[] {
  return fresh.db
    .prepare<[number], { line: string }>(
      `SELECT json_array(node, ses, auid, user_name, kind, addr, hostname, terminal, start_ms, end_ms, events, execs,
         failures, has_tty) AS line FROM sessions WHERE dataset_id = ?`,
    )
    .all(dataset ?? 0)
    .map((row) => row.line)
    .sort();
}

describe.skipIf(!corpusAvailable)("processes and sessions of a real log added in two parts", () => {
  /** Execs labelled `pid:time:exe`: a real log runs one exe many times. */
  const labelledTree = (dataset: number | null) =>
    links(dataset, (alias) => `${alias}.pid || ':' || ${alias}.time_ms || ':' || ifnull(${alias}.exe, '?')`);

  it.each([
    ["selinux/sepolgen/test_data/audit.log", [0.25, 0.5, 0.75], 200],
    ["selinux/sepolgen/test_data/httpd.log", [0.5], 200],
    // Its events in reverse order: one ingest and a rebuild both see them in log order.
    ["laurel/shell-proc-trace-reordered.txt", [0.25, 0.5, 0.75], 6],
  ] as const)("gives one ingest's tree for %s cut in two, in both orders", async (log, shares, rows) => {
    const expected = labelledTree((await ingest(expandSources([corpusPath(log)]), { db: fresh.db })).dataset);
    expect(expected.length).toBeGreaterThanOrEqual(rows);
    for (const share of shares) {
      const parts = cutInTwo(log, share);
      for (const [first, second] of [parts, [...parts].reverse()]) {
        const dataset = await addInTurn(first as string, second as string);
        expect({ share, first, tree: labelledTree(dataset) }).toEqual({ share, first, tree: expected });
      }
    }
  });

  it.each([
    "go-libaudit/auparse/audit-rhel7.log",
    "wazuh/ruleset-tests/auditd_decoders.ini",
    "ait-lds/russelmitchell_intranet_server_audit.log",
    "spade/unit_tests/accept.bin.log",
    // A record whose time and serial are an earlier event's, cut from it: it is that event's.
    "wazuh/ruleset-tests/auditd.ini",
    // Cuts between a cron LOGIN and its event's SYSCALL, which names the program.
    "vrl-devtest/audit.log",
    // Lines not in time order: of equal sources of a detail (sudo's and su's USER_START) or of an
    // auid, the earliest in time wins, whatever the order the parts come in.
    "elastic-beats/auditbeat/sudo.log",
    "elastic-beats/filebeat/test.log",
    "elastic-integrations/test-auditd-raw.log",
  ])("gives one ingest's sessions for %s cut in two, in both orders", async (log) => {
    const expected = sessionLines((await ingest(expandSources([corpusPath(log)]), { db: fresh.db })).dataset);
    expect(expected.length).toBeGreaterThan(0);
    for (const share of [0.25, 0.5, 0.75]) {
      const parts = cutInTwo(log, share);
      for (const [first, second] of [parts, [...parts].reverse()]) {
        const dataset = await addInTurn(first as string, second as string);
        expect({ share, first, sessions: sessionLines(dataset) }).toEqual({
          share,
          first,
          sessions: expected,
        });
      }
    }
  });
});
