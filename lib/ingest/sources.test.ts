import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { rotatedOldestFirst, rotationOrder } from "./rotation-order";
import { expandSources, type Source } from "./sources";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

const sha256 = (text: string) => createHash("sha256").update(text, "latin1").digest("hex");

function contentOf(source: Source | undefined): Promise<string> {
  if (!source || source.unreadable !== null) throw new Error(`not readable: ${source?.unreadable}`);
  return readAll(source.open());
}

describe("rotatedOldestFirst", () => {
  it("puts the files of each rotated log oldest first in the places they held, the rest as given", () => {
    const given = [
      "b.log",
      "/var/log/audit/audit.log",
      "a.txt",
      "/var/log/audit/audit.log.1",
      "/var/log/audit/audit.log.2.gz",
    ];
    expect(rotatedOldestFirst(given, (name) => name)).toEqual([
      "b.log",
      "/var/log/audit/audit.log.2.gz",
      "a.txt",
      "/var/log/audit/audit.log.1",
      "/var/log/audit/audit.log",
    ]);
  });

  it("leaves names whose number is not a rotation's as given (addresses, dates)", () => {
    const given = ["10.0.0.1", "10.0.0.2", "audit.log.20240101", "audit.log.20240102", "host.7"];
    expect(rotatedOldestFirst(given, (name) => name)).toEqual(given);
  });
});

describe("rotationOrder", () => {
  it("puts rotated logs oldest first, the live log last", () => {
    expect(
      rotationOrder(["audit.log", "audit.log.1", "audit.log.10", "audit.log.2", "audit.log.3.gz"]),
    ).toEqual(["audit.log.10", "audit.log.3.gz", "audit.log.2", "audit.log.1", "audit.log"]);
  });
});

describe("expandSources", () => {
  const line = "type=SYSCALL msg=audit(1.000:1): pid=1\n";

  it("reads gzip by its content, whatever the name", async () => {
    const file = path.join(dir, "looks-plain.log");
    writeFileSync(file, gzipSync(line));
    const [source] = expandSources([file]);
    expect(await contentOf(source)).toBe(line);
  });

  it("reads a plain file as it is", async () => {
    const file = path.join(dir, "plain.log");
    writeFileSync(file, line);
    const [source] = expandSources([file]);
    expect(source?.size).toBe(line.length);
    expect(await contentOf(source)).toBe(line);
  });

  it("expands a directory of rotated logs oldest first, skipping hidden files", () => {
    const rotated = path.join(dir, "rotated");
    writeFileSync(path.join(dir, "x"), "");
    rmSync(rotated, { recursive: true, force: true });
    mkdirSync(rotated);
    for (const name of ["audit.log", "audit.log.1", "audit.log.2", ".hidden"])
      writeFileSync(path.join(rotated, name), line);
    expect(expandSources([rotated]).map((s) => path.basename(s.path))).toEqual([
      "audit.log.2",
      "audit.log.1",
      "audit.log",
    ]);
  });

  it("reads stdin for -", async () => {
    const [source] = expandSources(["-"], Readable.from([Buffer.from(gzipSync(line))]));
    expect(source?.path).toBe("-");
    expect(await contentOf(source)).toBe(line);
  });

  it("reads gzip whose first chunk is one byte (a pipe or an upload can hand it over so)", async () => {
    const gz = gzipSync(line);
    async function* trickle() {
      yield gz.subarray(0, 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield gz.subarray(1);
    }
    const [source] = expandSources(["-"], Readable.from(trickle(), { objectMode: false }));
    expect(await contentOf(source)).toBe(line);
  });

  it("reads a one-byte input as it is", async () => {
    const [source] = expandSources(["-"], Readable.from([Buffer.from("x")]));
    expect(await contentOf(source)).toBe("x");
  });

  it("names a path it cannot read, in words, in its place, and goes on with the others", () => {
    const missing = path.join(dir, "nothere.log");
    const underFile = path.join(dir, "not-a-dir.log", "x.log");
    writeFileSync(path.join(dir, "not-a-dir.log"), line);
    const good = path.join(dir, "good.log");
    writeFileSync(good, line);
    expect(expandSources([missing, good, underFile]).map((s) => [s.path, s.unreadable])).toEqual([
      [missing, `cannot read ${missing}: no such file or directory`],
      [good, null],
      [underFile, `cannot read ${underFile}: a part of the path is not a directory`],
    ]);
  });

  it("reads the files of a directory whose names are not UTF-8, by their bytes", async () => {
    const folder = path.join(dir, "latin1");
    mkdirSync(folder);
    // "audit-é.log" and "audit-è.log" written in Latin-1, as an old system may have named them:
    // both show as "audit-\ufffd.log", and both are read.
    const named = (byte: number) =>
      Buffer.concat([Buffer.from(`${folder}/audit-`), Buffer.from([byte]), Buffer.from(".log")]);
    const other = line.replace("pid=1", "pid=2");
    writeFileSync(named(0xe9), line);
    writeFileSync(named(0xe8), other);
    const sources = expandSources([folder]);
    expect(sources.map((s) => s.path)).toEqual([
      path.join(folder, "audit-\ufffd.log"),
      path.join(folder, "audit-\ufffd.log"),
    ]);
    expect(await Promise.all(sources.map(contentOf))).toEqual([other, line]);
    // A file the dataset may already hold is recognised by its hash, read by the same bytes.
    expect(await Promise.all(sources.map((s) => (s.unreadable === null ? s.hash?.() : null)))).toEqual([
      sha256(other),
      sha256(line),
    ]);
  });

  it("refuses a socket in its place, saying what it is", async () => {
    const socketPath = path.join(dir, "audit.sock");
    const server = createServer().listen(socketPath);
    await once(server, "listening");
    try {
      expect(expandSources([socketPath]).map((s) => s.unreadable)).toEqual([
        `cannot read ${socketPath}: it is not a file (a socket)`,
      ]);
    } finally {
      server.close();
    }
  });

  it("reads a named pipe once, as it comes, like stdin", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    // Nothing writes to it yet: expanding must neither block on it nor read it.
    const [source] = expandSources([fifo]);
    expect(source?.size).toBeNull();
    const writer = spawn("sh", ["-c", `printf '%s' "$0" > "$1"`, line, fifo]);
    const written = once(writer, "exit");
    expect(await contentOf(source)).toBe(line);
    expect(await written).toEqual([0, null]);
  });

  it("names a pipe among a directory's logs and does not read it; skips sub-directories", () => {
    const folder = path.join(dir, "with-pipe");
    mkdirSync(path.join(folder, "old"), { recursive: true });
    writeFileSync(path.join(folder, "audit.log"), line);
    execFileSync("mkfifo", [path.join(folder, "audit.pipe")]);
    expect(expandSources([folder]).map((s) => [path.basename(s.path), s.unreadable, s.directory])).toEqual([
      ["audit.log", null, folder],
      [
        "audit.pipe",
        `cannot read ${path.join(folder, "audit.pipe")}: it is a named pipe (give its path to read it)`,
        folder,
      ],
    ]);
  });

  it("says so when a directory holds no files", () => {
    const empty = path.join(dir, "empty-dir");
    mkdirSync(empty);
    mkdirSync(path.join(empty, "sub"));
    expect(expandSources([empty]).map((s) => s.unreadable)).toEqual([
      `cannot read ${empty}: the directory holds no files`,
    ]);
  });

  it("reads an empty input as empty", async () => {
    const [source] = expandSources(["-"], Readable.from([]));
    expect(await contentOf(source)).toBe("");
  });
});
