import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { constants, gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { GzipMembers } from "./gunzip";

/** A log-like text big enough that its gzip spans many chunks (not one output step). */
const log = Array.from(
  { length: 20_000 },
  (_, n) => `type=SYSCALL msg=audit(1700000000.${n % 1000}:${n}): syscall=59 pid=${n * 7919}\n`,
).join("");
const text = Buffer.from(log, "latin1");

/** `data` fed in pieces of `size` bytes; what came out, and the problems told. */
async function read(data: Buffer, size = 65_536): Promise<{ out: string; problems: string[] }> {
  const problems: string[] = [];
  const pieces = Array.from({ length: Math.ceil(data.length / size) }, (_, i) =>
    data.subarray(i * size, (i + 1) * size),
  );
  const gunzip = new GzipMembers((error) => problems.push((error as NodeJS.ErrnoException).code ?? ""));
  const out = await buffer(Readable.from(pieces).pipe(gunzip));
  return { out: out.toString("latin1"), problems };
}

/** A gzip header carrying every optional field: extra, name, comment, header CRC. */
function withAllHeaderFields(member: Buffer): Buffer {
  const flags = 2 | 4 | 8 | 16;
  const head = Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]);
  const extra = Buffer.from([3, 0, 0x41, 0x42, 0x43]);
  return Buffer.concat([
    head,
    extra,
    Buffer.from("audit.log\0note\0"),
    Buffer.from([0, 0]),
    member.subarray(10),
  ]);
}

describe("GzipMembers", () => {
  it("reads a gzip whole, in large pieces or a byte at a time", async () => {
    const gz = gzipSync(text);
    expect(await read(gz)).toEqual({ out: log, problems: [] });
    expect(await read(gz.subarray(0, 4000), 1)).toEqual(await read(gz.subarray(0, 4000)));
    expect((await read(gz, 7)).out).toBe(log);
  });

  it("reads every member of a multi-member gzip, and header fields however split", async () => {
    const gz = Buffer.concat([gzipSync(text), withAllHeaderFields(gzipSync(text))]);
    expect(await read(gz)).toEqual({ out: log + log, problems: [] });
    const short = text.subarray(0, 20_000);
    const split = Buffer.concat([gzipSync(short), withAllHeaderFields(gzipSync(short))]);
    expect(await read(split, 3)).toEqual({ out: short.toString("latin1").repeat(2), problems: [] });
  });

  it("keeps the whole log when bytes that are not gzip follow it, and says so", async () => {
    const gz = Buffer.concat([gzipSync(text), Buffer.from("XXXXXXXXgarbage")]);
    expect(await read(gz)).toEqual({ out: log, problems: ["TRAILING_GARBAGE"] });
  });

  it("takes zeros after the data for padding", async () => {
    const gz = Buffer.concat([gzipSync(text), Buffer.alloc(10_000)]);
    expect(await read(gz)).toEqual({ out: log, problems: [] });
  });

  it("gives all it can decode of a gzip cut short, and says it is cut short", async () => {
    const gz = gzipSync(text);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH });
    expect(await read(cut)).toEqual({ out: decodable.toString("latin1"), problems: ["Z_BUF_ERROR"] });
    // Only the trailer is missing: the whole log, and the note.
    expect(await read(gz.subarray(0, gz.length - 3))).toEqual({ out: log, problems: ["Z_BUF_ERROR"] });
  });

  it("says a member whose check does not match what it decoded is corrupt", async () => {
    const gz = gzipSync(text);
    gz[gz.length - 8] = (gz[gz.length - 8] as number) ^ 0xff;
    expect((await read(gz)).problems).toEqual(["Z_DATA_ERROR"]);
  });

  it("says corrupt deflate data is corrupt and keeps what came before it", async () => {
    const gz = gzipSync(text);
    const at = Math.floor(gz.length / 2);
    gz.fill(0xff, at, at + 100);
    const { out, problems } = await read(gz);
    expect(problems).toEqual(["Z_DATA_ERROR"]);
    expect(log.startsWith(out)).toBe(true);
    expect(out.length).toBeGreaterThan(log.length / 3);
  });

  it("holds back while its reader does (a chunk that inflates to much more is not all buffered)", async () => {
    const gz = gzipSync(Buffer.alloc(50_000_000, "a"));
    const gunzip = new GzipMembers();
    Readable.from([gz]).pipe(gunzip);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(gunzip.readableLength).toBeLessThan(1_000_000);
    expect((await buffer(gunzip)).length).toBe(50_000_000);
  });

  it("is a stream error when no one is told of problems", async () => {
    const gz = Buffer.concat([gzipSync(text), Buffer.from("garbage")]);
    await expect(buffer(Readable.from([gz]).pipe(new GzipMembers()))).rejects.toThrow(
      "bytes that are not gzip follow its data",
    );
  });
});
