import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { expandSources, rotationOrder, type Source } from "./sources";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("latin1");
}

function contentOf(source: Source | undefined): Promise<string> {
  if (!source || source.unreadable !== null) throw new Error(`not readable: ${source?.unreadable}`);
  return readAll(source.open());
}

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

  it("reads a file of a directory whose name is not UTF-8, by its bytes", async () => {
    const folder = path.join(dir, "latin1");
    mkdirSync(folder);
    // "audit-é.log" written in Latin-1, as an old system may have named it.
    writeFileSync(
      Buffer.concat([Buffer.from(`${folder}/audit-`), Buffer.from([0xe9]), Buffer.from(".log")]),
      line,
    );
    const [source] = expandSources([folder]);
    expect(source?.path).toBe(path.join(folder, "audit-\ufffd.log"));
    expect(await contentOf(source)).toBe(line);
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
