import { Transform, type TransformCallback } from "node:stream";
import { constants, crc32, createInflateRaw, type InflateRaw } from "node:zlib";

/** Why gzip data stopped being read, as zlib's codes name it (`Z_BUF_ERROR`: cut short). */
export class GzipDataError extends Error {
  constructor(
    message: string,
    readonly code: "Z_BUF_ERROR" | "Z_DATA_ERROR" | "TRAILING_GARBAGE",
  ) {
    super(message);
  }
}

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const TRAILER_BYTES = 8;

/** A member header's length, null while `head` holds only part of it (RFC 1952, 2.3). */
function headerLength(head: Buffer): number | null {
  if (head.length < 10) return null;
  if (head[2] !== 8) throw new GzipDataError("unknown compression method", "Z_DATA_ERROR");
  const flags = head[3] as number;
  let at = 10;
  if (flags & FEXTRA) {
    if (head.length < at + 2) return null;
    at += 2 + head.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const end = head.indexOf(0, at);
    if (end < 0) return null;
    at = end + 1;
  }
  if (flags & FHCRC) at += 2;
  return head.length >= at ? at : null;
}

/**
 * Gunzip that reads member by member, so what follows the last member is seen for what it is.
 * Node's gunzip reports bytes after the data that are neither zeros nor another member as corrupt
 * data, and drops the output of its last step with them: up to 16 KB of the log's end. Here that
 * output is kept and the stray bytes are `TRAILING_GARBAGE`. Without `onProblem` a problem is the
 * stream's error; with it, it is told there and the stream ends after what was decoded.
 */
export class GzipMembers extends Transform {
  private state: "header" | "body" | "trailer" | "after" | "stopped" = "header";
  /** A header's or trailer's bytes so far. */
  private pending: Buffer = Buffer.alloc(0);
  private inflater: InflateRaw | null = null;
  /** The member's deflate data ended (all its output handed on), or failed. */
  private ended: Promise<void> = Promise.resolve();
  private failed: Promise<never> = new Promise(() => {});
  private fed = 0;
  private crc = 0;
  private size = 0;

  constructor(private readonly onProblem?: (error: GzipDataError | Error) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.consume(chunk).then(() => done(), done);
  }

  override _read(size: number): void {
    this.inflater?.resume();
    super._read(size);
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.inflater?.destroy();
    done(error);
  }

  override _flush(done: TransformCallback): void {
    this.finish().then(() => done(), done);
  }

  private async consume(chunk: Buffer): Promise<void> {
    let rest = chunk;
    try {
      while (rest.length > 0) {
        if (this.state === "stopped") return;
        if (this.state === "after") {
          if (rest.some((byte) => byte !== 0))
            this.stop(new GzipDataError("bytes that are not gzip follow its data", "TRAILING_GARBAGE"));
          return;
        }
        if (this.state === "body") {
          rest = await this.inflate(rest);
          continue;
        }
        this.pending = Buffer.concat([this.pending, rest]);
        rest = Buffer.alloc(0);
        if (this.state === "header") rest = this.startMember();
        else rest = this.endMember();
      }
    } catch (error) {
      this.stop(error as Error);
    }
  }

  /** Past a complete header: the deflate data begins. What follows the header is returned. */
  private startMember(): Buffer {
    const head = this.pending;
    if (head[0] !== 0x1f || (head.length > 1 && head[1] !== 0x8b)) {
      // Zeros after the last member are padding (tape blocks); other bytes are not the log.
      this.state = "after";
      return head;
    }
    const length = headerLength(head);
    if (length === null) return Buffer.alloc(0);
    this.pending = Buffer.alloc(0);
    const inflater = createInflateRaw();
    this.inflater = inflater;
    inflater.on("data", (data: Buffer) => {
      this.crc = crc32(data, this.crc);
      this.size = (this.size + data.length) >>> 0;
      // Our reader is behind: zlib holds its next write until `_read` asks for more.
      if (this.state !== "stopped" && !this.push(data)) inflater.pause();
    });
    this.failed = new Promise((_, reject) => inflater.once("error", reject));
    this.failed.catch(() => {});
    this.ended = Promise.race([new Promise<void>((resolve) => inflater.once("end", resolve)), this.failed]);
    this.ended.catch(() => {});
    this.fed = 0;
    this.crc = 0;
    this.size = 0;
    this.state = "body";
    return head.subarray(length);
  }

  /** Feeds deflate data; returns the bytes past its end (the trailer and on) once it ended. */
  private async inflate(data: Buffer): Promise<Buffer> {
    const inflater = this.inflater as InflateRaw;
    await Promise.race([new Promise((resolve) => inflater.write(data, resolve)), this.failed]);
    this.fed += data.length;
    // zlib takes all it is given until the deflate data ends.
    const unused = this.fed - inflater.bytesWritten;
    if (unused === 0) return Buffer.alloc(0);
    await this.ended;
    this.inflater = null;
    this.state = "trailer";
    return data.subarray(data.length - unused);
  }

  /** Checks a complete trailer against what was decoded; returns what follows it. */
  private endMember(): Buffer {
    if (this.pending.length < TRAILER_BYTES) return Buffer.alloc(0);
    const trailer = this.pending;
    if (trailer.readUInt32LE(0) !== this.crc || trailer.readUInt32LE(4) !== this.size) {
      throw new GzipDataError("incorrect data check", "Z_DATA_ERROR");
    }
    this.pending = Buffer.alloc(0);
    this.state = "header";
    return trailer.subarray(TRAILER_BYTES);
  }

  private async finish(): Promise<void> {
    try {
      if (this.state === "body") await this.finishCutShort();
      else if (this.state === "trailer" || (this.state === "header" && this.pending.length > 0)) {
        throw new GzipDataError("unexpected end of file", "Z_BUF_ERROR");
      }
    } catch (error) {
      this.stop(error as Error);
    }
  }

  /**
   * The input ended inside deflate data. zlib reports that in place of its last step's output:
   * flushing first hands over everything decodable (up to 16 KB more of the log).
   */
  private async finishCutShort(): Promise<void> {
    const inflater = this.inflater as InflateRaw;
    await Promise.race([
      new Promise((resolve) => inflater.flush(constants.Z_SYNC_FLUSH, () => resolve(undefined))),
      this.failed,
    ]);
    inflater.end();
    await this.ended;
    // A member whose deflate data ended exactly with the input: its trailer is what is missing.
    throw new GzipDataError("unexpected end of file", "Z_BUF_ERROR");
  }

  private stop(error: Error): void {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.inflater?.destroy();
    this.inflater = null;
    if (!this.onProblem) {
      this.destroy(error);
      return;
    }
    this.onProblem(error);
    this.push(null);
  }
}
