import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  constants as fsConstants,
  openSync,
  readdirSync,
  type Stats,
  statSync,
} from "node:fs";
import path from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { GzipMembers } from "./gunzip";
import { rotatedOldestFirst, rotationOrder } from "./rotation-order";

export interface ReadableSource {
  /** As the user gave it (a file inside a given directory: the directory joined with its name). */
  path: string;
  /** The directory the user gave, for a file found in it. */
  directory?: string;
  /** Size on disk (compressed size for .gz); null for stdin. */
  size: number | null;
  unreadable: null;
  /**
   * The content, decompressed; `onBytes` hears of every raw byte read (for progress). With
   * `onCorrupt`, gzip data cut short or corrupt ends the content where it stops making sense
   * (everything decoded before is kept) and is told there; without, it is the stream's error.
   */
  open: (onBytes?: (count: number) => void, onCorrupt?: (error: Error) => void) => Readable;
  /**
   * The sha256 of the raw bytes, read apart from `open`: only for content that can be read twice
   * (a file on disk), so an ingest can skip a file the dataset already holds without reading it.
   */
  hash?: () => Promise<string>;
}

/** A path that cannot be read: it is refused with this reason, and the other paths go on. */
export interface UnreadableSource {
  path: string;
  directory?: string;
  size: null;
  /** `cannot read PATH: why`, in words. */
  unreadable: string;
}

export type Source = ReadableSource | UnreadableSource;

/** What went wrong with gzip data that stopped making sense (see `Source.open`). */
export function describeCorruptGzip(error: NodeJS.ErrnoException): string {
  if (error.code === "TRAILING_GARBAGE") return "its gzip data is followed by bytes that are not gzip";
  return error.code === "Z_BUF_ERROR"
    ? "its gzip data is cut short"
    : `its gzip data is corrupt (${error.message})`;
}

/** The malformed entry's message where gzip data stopped making sense. */
export function corruptGzipNote(error: NodeJS.ErrnoException): string {
  return error.code === "TRAILING_GARBAGE"
    ? `${describeCorruptGzip(error)}: all the gzip data was read, those bytes were not`
    : `${describeCorruptGzip(error)}: what it gave up to here was read, nothing after`;
}

/** Errors about the data itself, not about reading it: told to `onCorrupt` when given. */
function isBadCompressedData(error: NodeJS.ErrnoException): boolean {
  return error.code === "Z_BUF_ERROR" || error.code === "Z_DATA_ERROR" || error.code === "TRAILING_GARBAGE";
}

/** Decompresses when the content starts with the gzip magic bytes, whatever the file's name. */
export function decompressIfGzip(input: Readable, onCorrupt?: (error: Error) => void): Readable {
  const out = new PassThrough();
  let decided = false;
  const onError = (error: Error) => out.destroy(error);
  input.on("error", onError);
  const decide = () => {
    // Null until two bytes came or the input ended: a pipe or an upload may hand over one first.
    const head: Buffer | null = input.read(2);
    if (head === null) return;
    decided = true;
    input.off("readable", decide);
    input.unshift(head);
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      // A log copied while it was written, or a damaged disk: keep what was decoded.
      const gunzip = new GzipMembers((error: NodeJS.ErrnoException) => {
        if (onCorrupt && isBadCompressedData(error)) onCorrupt(error);
        else onError(error);
      });
      gunzip.on("error", onError);
      out.on("close", () => gunzip.destroy());
      input.pipe(gunzip).pipe(out);
    } else {
      input.pipe(out);
    }
  };
  input.on("readable", decide);
  input.once("end", () => {
    if (!decided) out.end();
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

const FS_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
  EIO: "an input/output error",
};

async function sha256OfFile(fsPath: string | Buffer): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(fsPath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function unreadable(shown: string, error: unknown): UnreadableSource {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const why = FS_ERRORS[code] ?? code ?? "an error";
  return { path: shown, size: null, unreadable: `cannot read ${shown}: ${why}` };
}

/**
 * A file, or why it cannot be read: a regular file is opened once here, so one that exists but
 * may not be read is refused before the ingest begins rather than failing it half-way.
 */
function fileSource(shown: string, fsPath: string | Buffer, stat: Stats): Source {
  const open: ReadableSource["open"] = (onBytes, onCorrupt) =>
    decompressIfGzip(counted(createReadStream(fsPath), onBytes), onCorrupt);
  // A pipe (`<(zcat …)`) is read once, as it comes, like stdin: opening it to try would block
  // without a writer, and hashing it first would consume it.
  if (stat.isFIFO())
    return {
      path: shown,
      size: null,
      unreadable: null,
      open: (onBytes, onCorrupt) => openPipe(fsPath, onBytes, onCorrupt),
    };
  if (!stat.isFile()) {
    return {
      path: shown,
      size: null,
      unreadable: `cannot read ${shown}: it is not a file (${kindOf(stat)})`,
    };
  }
  try {
    closeSync(openSync(fsPath, "r"));
  } catch (error) {
    return unreadable(shown, error);
  }
  return { path: shown, size: stat.size, unreadable: null, open, hash: () => sha256OfFile(fsPath) };
}

/**
 * A named pipe's content. Its open waits in Node's thread pool until a writer comes; stopped before
 * that (a cancel), the waiting open would keep the process from ever ending: opening the write end
 * for an instant lets it return, on an empty pipe.
 */
function openPipe(
  fsPath: string | Buffer,
  onBytes?: (count: number) => void,
  onCorrupt?: (error: Error) => void,
): Readable {
  const raw = createReadStream(fsPath);
  const content = decompressIfGzip(counted(raw, onBytes), onCorrupt);
  content.once("close", () => {
    if (!raw.pending) return;
    try {
      closeSync(openSync(fsPath, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
    } catch {}
  });
  return content;
}

function kindOf(stat: Stats): string {
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * The regular files of a directory of rotated logs, oldest first. Names are read as bytes: a name
 * that is not UTF-8 is opened by its bytes and shown with U+FFFD where they do not decode.
 */
function directorySources(given: string): Source[] {
  let entries: Buffer[];
  try {
    entries = readdirSync(given, { encoding: "buffer" });
  } catch (error) {
    return [unreadable(given, error)];
  }
  // Keyed by the name's bytes (latin1 keeps one character per byte): two names that are not
  // UTF-8 may decode to the same text and must stay two files.
  const byBytes = new Map<string, Buffer>();
  for (const entry of entries) {
    const name = entry.toString("latin1");
    if (!name.startsWith(".")) byBytes.set(name, entry);
  }
  const sources: Source[] = [];
  for (const key of rotationOrder([...byBytes.keys()])) {
    const entry = byBytes.get(key) as Buffer;
    const shown = path.join(given, entry.toString("utf8"));
    const fsPath = Buffer.concat([Buffer.from(`${given}${path.sep}`), entry]);
    let stat: Stats;
    try {
      stat = statSync(fsPath);
    } catch (error) {
      sources.push(unreadable(shown, error));
      continue;
    }
    // Sub-directories are not descended into (rotated logs sit side by side); a pipe, socket or
    // device among the logs is named and refused, not read (a pipe given by its own path is).
    if (stat.isDirectory()) continue;
    const source: Source = stat.isFIFO()
      ? {
          path: shown,
          size: null,
          unreadable: `cannot read ${shown}: it is a named pipe (give its path to read it)`,
        }
      : fileSource(shown, fsPath, stat);
    sources.push({ ...source, directory: given });
  }
  if (sources.length === 0) {
    return [{ path: given, size: null, unreadable: `cannot read ${given}: the directory holds no files` }];
  }
  return sources;
}

/**
 * Files, directories of rotated logs (oldest first) and `-` for stdin, in the order given but for
 * the files of one rotated log, put oldest first. A path that cannot be read is an
 * `UnreadableSource` in its place, saying why.
 */
export function expandSources(paths: string[], stdin: Readable = process.stdin): Source[] {
  const sources: Source[] = [];
  for (const given of rotatedOldestFirst(paths, (p) => p)) {
    if (given === "-") {
      sources.push({
        path: "-",
        size: null,
        unreadable: null,
        open: (onBytes, onCorrupt) => decompressIfGzip(counted(stdin, onBytes), onCorrupt),
      });
      continue;
    }
    let stat: Stats;
    try {
      stat = statSync(given);
    } catch (error) {
      sources.push(unreadable(given, error));
      continue;
    }
    if (stat.isDirectory()) sources.push(...directorySources(given));
    else sources.push(fileSource(given, given, stat));
  }
  return sources;
}
