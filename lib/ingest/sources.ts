import { createReadStream, type Dirent, readdirSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { createGunzip, constants as zlibConstants } from "node:zlib";

export interface Source {
  /** As the user gave it (a file inside a given directory: the directory joined with its name). */
  path: string;
  /** Size on disk (compressed size for .gz); null for stdin. */
  size: number | null;
  /**
   * The content, decompressed; `onBytes` hears of every raw byte read (for progress). With
   * `onCorrupt`, gzip data cut short or corrupt ends the content where it stops making sense
   * (everything decoded before is kept) and is told there; without, it is the stream's error.
   */
  open: (onBytes?: (count: number) => void, onCorrupt?: (error: Error) => void) => Readable;
}

const ROTATED = /^(.*?)(?:\.(\d+))?(\.gz)?$/;

/** Rotated logs oldest first: `audit.log.3`, `audit.log.2`, `audit.log.1`, `audit.log`. */
export function rotationOrder(names: string[]): string[] {
  const rank = (name: string) => {
    const m = ROTATED.exec(name);
    return { base: m?.[1] ?? name, n: m?.[2] === undefined ? -1 : Number(m[2]) };
  };
  return [...names].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra.base !== rb.base) return ra.base < rb.base ? -1 : 1;
    return rb.n - ra.n;
  });
}

/** zlib's errors about the data itself (`Z_BUF_ERROR`: cut short, `Z_DATA_ERROR`: corrupt), not about reading it. */
function isBadCompressedData(error: NodeJS.ErrnoException): boolean {
  return error.code === "Z_BUF_ERROR" || error.code === "Z_DATA_ERROR";
}

/** What went wrong with gzip data that stopped making sense (see `Source.open`). */
export function describeCorruptGzip(error: NodeJS.ErrnoException): string {
  return error.code === "Z_BUF_ERROR"
    ? "its gzip data is cut short"
    : `its gzip data is corrupt (${error.message})`;
}

/** The malformed entry's message where gzip data stopped making sense. */
export function corruptGzipNote(error: NodeJS.ErrnoException): string {
  return `${describeCorruptGzip(error)}: what it gave up to here was read, nothing after`;
}

/** Decompresses when the content starts with the gzip magic bytes, whatever the file's name. */
export function decompressIfGzip(input: Readable, onCorrupt?: (error: Error) => void): Readable {
  const out = new PassThrough();
  let decided = false;
  const onError = (error: Error) => out.destroy(error);
  input.on("error", onError);
  input.once("readable", function decide() {
    if (decided) return;
    const head: Buffer | null = input.read(2) ?? input.read();
    decided = true;
    if (head === null) {
      out.end();
      return;
    }
    input.unshift(head);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip();
      gunzip.on("error", (error: NodeJS.ErrnoException) => {
        if (!onCorrupt || !isBadCompressedData(error)) {
          onError(error);
          return;
        }
        // A log copied while it was written, or a damaged disk: keep what was decoded.
        onCorrupt(error);
        input.unpipe(gunzip);
        out.end();
      });
      // At a cut-short end zlib reports the error in place of its last step's output: flushing
      // first hands over everything decodable (up to 16 KB more of the log).
      input.pipe(gunzip, { end: false });
      input.on("end", () => {
        if (!gunzip.destroyed) gunzip.flush(zlibConstants.Z_SYNC_FLUSH, () => gunzip.end());
      });
      gunzip.pipe(out);
    } else {
      input.pipe(out);
    }
  });
  out.on("close", () => input.destroy());
  return out;
}

function counted(input: Readable, onBytes?: (count: number) => void): Readable {
  if (!onBytes) return input;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  input.on("error", (error) => counter.destroy(error));
  return input.pipe(counter);
}

const STAT_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
};

/** The path's stat, or an error that names the path in words (not `ENOENT: …, stat 'x'`). */
function statOf(given: string): Stats {
  try {
    return statSync(given);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new Error(`cannot read ${given}: ${STAT_ERRORS[code] ?? (error as Error).message}`);
  }
}

function fileSource(given: string, stat: Stats): Source {
  return {
    path: given,
    size: stat.size,
    open: (onBytes, onCorrupt) => decompressIfGzip(counted(createReadStream(given), onBytes), onCorrupt),
  };
}

/** Files, directories of rotated logs (oldest first) and `-` for stdin, in the order given. */
export function expandSources(paths: string[], stdin: Readable = process.stdin): Source[] {
  const sources: Source[] = [];
  for (const given of paths) {
    if (given === "-") {
      sources.push({
        path: "-",
        size: null,
        open: (onBytes, onCorrupt) => decompressIfGzip(counted(stdin, onBytes), onCorrupt),
      });
      continue;
    }
    const stat = statOf(given);
    if (!stat.isDirectory()) {
      sources.push(fileSource(given, stat));
      continue;
    }
    const files = readdirSync(given, { withFileTypes: true })
      .filter((entry: Dirent) => entry.isFile() && !entry.name.startsWith("."))
      .map((entry) => entry.name);
    for (const name of rotationOrder(files)) {
      const file = path.join(given, name);
      sources.push(fileSource(file, statOf(file)));
    }
  }
  return sources;
}
