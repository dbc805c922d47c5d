import { PassThrough, Readable, Transform } from "node:stream";
import busboy from "busboy";
import type { Source } from "./sources";
import { decompressIfGzip } from "./sources";

/** Sources handed over one by one, as the multipart body reveals them. */
class SourceQueue implements AsyncIterable<Source> {
  private items: Source[] = [];
  private done = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  push(source: Source): void {
    this.items.push(source);
    this.wake?.();
  }

  end(error?: Error): void {
    this.done = true;
    this.failure ??= error ?? null;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Source> {
    while (true) {
      // After a failure nothing more is handed over: the parts still queued will not be read.
      if (this.failure) throw this.failure;
      const next = this.items.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
}

export class UploadTooLarge extends Error {}

/**
 * Streams a multipart/form-data body into ingest sources without buffering it: each file part is
 * read as it arrives (busboy), gzip detected by content. A body over `maxBytes` fails the upload,
 * whether or not it said its length (a chunked one need not), and however many files it holds.
 */
export function uploadSources(
  body: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  maxBytes: number,
  onBodyBytes: (count: number) => void,
): AsyncIterable<Source> {
  const queue = new SourceQueue();
  // File names as browsers send them: UTF-8 (busboy reads them as latin1 unless told).
  const parser = busboy({
    headers,
    defParamCharset: "utf8",
    limits: { fileSize: maxBytes, files: 1000, fields: 20 },
  });
  let current: Readable | null = null;
  // A body cut off (the tab closed, the network dropped) fails the part being read, so the
  // ingest stops and marks its dataset failed instead of waiting forever.
  const fail = (error: Error) => {
    current?.destroy(error);
    queue.end(error);
  };
  parser.on("file", (_field, part, info) => {
    current = part;
    // Its failure reaches the ingest through the reader it is opened with, else through the queue.
    part.on("error", () => {});
    part.on("limit", () => {
      const error = new UploadTooLarge(`${info.filename} is larger than the upload limit`);
      part.destroy(error);
      queue.end(error);
    });
    queue.push({
      path: info.filename || "upload",
      size: null,
      unreadable: null,
      open: (onBytes, onCorrupt) => {
        const counter = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            onBytes?.(chunk.length);
            callback(null, chunk);
          },
        });
        part.on("error", (error) => counter.destroy(error));
        // When the ingest stops reading (a refused file), the rest of the part is drained so
        // the next part can arrive. (After the unpipe: unpiping the last reader pauses the part.)
        counter.on("unpipe", () => part.resume());
        return decompressIfGzip(part.pipe(counter), onCorrupt);
      },
    });
  });
  parser.on("close", () => queue.end());
  parser.on("error", fail);
  const input = Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]).on("error", fail);
  const counted = new PassThrough();
  let bodyBytes = 0;
  counted.on("data", (chunk: Buffer) => {
    onBodyBytes(chunk.length);
    bodyBytes += chunk.length;
    if (bodyBytes > maxBytes && !input.destroyed) {
      input.destroy(new UploadTooLarge("the upload is larger than the upload limit"));
    }
  });
  input.pipe(counted).pipe(parser);
  return queue;
}
