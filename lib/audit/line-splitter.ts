export interface SplitLine {
  /** The line's bytes as latin1 (lossless: one char per byte), without `\n` or a trailing `\r`. */
  text: string;
  line: number;
  offset: number;
}

export interface OverlongLine {
  line: number;
  offset: number;
  /** The first bytes of the line, latin1. */
  head: string;
  bytes: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const HEAD_BYTES = 200;

/**
 * Splits a byte stream into lines, whatever the chunk boundaries (mid-line, mid-UTF-8: lines are
 * cut on the newline byte only). A line longer than `maxLineBytes` is reported once and its bytes
 * are dropped as they arrive, so memory stays flat however long it is.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong: OverlongLine | null = null;
  private lineNumber = 0;
  private lineStart = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: SplitLine) => void,
    private readonly onOverlong: (line: OverlongLine) => void,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl === -1) {
        this.keep(buf, start, buf.length);
        return;
      }
      if (this.pendingBytes === 0 && this.overlong === null && nl - start <= this.maxLineBytes) {
        // The common case: the whole line is inside this chunk; no copy.
        this.emit(buf.toString("latin1", start, nl), nl - start + 1);
      } else {
        this.keep(buf, start, nl);
        this.finishPending(1);
      }
      start = nl + 1;
    }
  }

  /** Flushes a last line that has no newline. */
  end(): void {
    if (this.pendingBytes > 0 || this.overlong) this.finishPending(0);
  }

  private keep(buf: Buffer, start: number, end: number): void {
    const length = end - start;
    if (length === 0) return;
    if (this.overlong) {
      this.overlong.bytes += length;
      return;
    }
    if (this.pendingBytes + length > this.maxLineBytes) {
      const head = Buffer.concat([...this.pending, buf.subarray(start, start + HEAD_BYTES)]).subarray(
        0,
        HEAD_BYTES,
      );
      this.overlong = {
        line: this.lineNumber + 1,
        offset: this.lineStart,
        head: head.toString("latin1"),
        bytes: this.pendingBytes + length,
      };
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Copied: the caller may reuse the chunk's memory once push() returns.
    this.pending.push(Buffer.from(buf.subarray(start, end)));
    this.pendingBytes += length;
  }

  private finishPending(terminatorBytes: number): void {
    if (this.overlong) {
      const overlong = this.overlong;
      this.overlong = null;
      this.lineNumber++;
      this.lineStart += overlong.bytes + terminatorBytes;
      this.onOverlong(overlong);
      return;
    }
    const text = Buffer.concat(this.pending, this.pendingBytes).toString("latin1");
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(text, text.length + terminatorBytes);
  }

  private emit(text: string, bytes: number): void {
    this.lineNumber++;
    const offset = this.lineStart;
    this.lineStart += bytes;
    this.onLine({
      text: text.charCodeAt(text.length - 1) === CR ? text.slice(0, -1) : text,
      line: this.lineNumber,
      offset,
    });
  }
}
