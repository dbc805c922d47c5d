import { createReadStream, type Dirent, readdirSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { PassThrough, type Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";

export interface Source {
  /** As the user gave it (a file inside a given directory: the directory joined with its name). */
  path: string;
  /** Size on disk (compressed size for .gz); null for stdin. */
  size: number | null;
  /** The content, decompressed; `onBytes` hears of every raw byte read (for progress). */
  open: (onBytes?: (count: number) => void) => Readable;
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

/** Decompresses when the content starts with the gzip magic bytes, whatever the file's name. */
export function decompressIfGzip(input: Readable): Readable {
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
      gunzip.on("error", onError);
      input.pipe(gunzip).pipe(out);
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
    open: (onBytes) => decompressIfGzip(counted(createReadStream(given), onBytes)),
  };
}

/** Files, directories of rotated logs (oldest first) and `-` for stdin, in the order given. */
export function expandSources(paths: string[], stdin: Readable = process.stdin): Source[] {
  const sources: Source[] = [];
  for (const given of paths) {
    if (given === "-") {
      sources.push({ path: "-", size: null, open: (onBytes) => decompressIfGzip(counted(stdin, onBytes)) });
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
