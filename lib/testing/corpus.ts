import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The shared corpus of real logs sits beside the repository (../shared/corpus); tests never copy it. */
export const CORPUS_DIR = path.resolve(process.cwd(), "../shared/corpus");
export const corpusAvailable = existsSync(path.join(CORPUS_DIR, "MANIFEST.md"));
export const AUREPORT = "/usr/sbin/aureport";
export const AUSEARCH = "/usr/sbin/ausearch";
export const aureportAvailable = existsSync(AUREPORT) && existsSync(AUSEARCH);

if (!corpusAvailable) console.warn(`corpus tests skipped: ${CORPUS_DIR} is absent`);
if (!aureportAvailable)
  console.warn("aureport/ausearch parity tests skipped: install the Debian package auditd");

export function corpusPath(relative: string): string {
  return path.join(CORPUS_DIR, relative);
}

export function readCorpus(relative: string): Buffer {
  return readFileSync(corpusPath(relative));
}

export interface ManifestEntry {
  path: string;
  kind: string;
  /** aureport's "Number of events", when the manifest gives one. */
  aureportEvents: number | null;
}

/** The per-file table of MANIFEST.md. */
export function manifestEntries(): ManifestEntry[] {
  if (!corpusAvailable) return [];
  const entries: ManifestEntry[] = [];
  for (const line of readFileSync(path.join(CORPUS_DIR, "MANIFEST.md"), "utf8").split("\n")) {
    const cols = line.split("|").map((c) => c.trim());
    if (cols.length < 16 || !cols[1] || cols[1] === "path" || cols[1].startsWith("---")) continue;
    const count = Number(cols[14]);
    entries.push({
      path: cols[1],
      kind: cols[6] ?? "",
      aureportEvents: Number.isFinite(count) && cols[14] !== "" ? count : null,
    });
  }
  return entries;
}

/** Runs an auditd tool on a file the way the referee is run: UTC, C locale, never the daemon. */
export function runAuditTool(tool: typeof AUREPORT | typeof AUSEARCH, args: string[]): string {
  return runAuditToolFull(tool, args).stdout;
}

/** Both streams: `--debug` reports what it skipped on stderr. Exit status 1 (no matches) is normal. */
export function runAuditToolFull(
  tool: typeof AUREPORT | typeof AUSEARCH,
  args: string[],
): { stdout: string; stderr: string } {
  const result = spawnSync(tool, args, {
    env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
    encoding: "latin1",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr };
}

/** `aureport -e`'s events as `serial@YYYY-MM-DD HH:MM:SS` (UTC); its C-locale dates have 2-digit years. */
export function aureportEventKeys(file: string): Set<string> {
  const out = runAuditTool(AUREPORT, ["-if", file, "-e"]);
  const keys = new Set<string>();
  for (const m of out.matchAll(/^\d+\. (\d\d)\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d) (\d+) /gm)) {
    const year = Number(m[3]) < 70 ? `20${m[3]}` : `19${m[3]}`;
    keys.add(`${m[5]}@${year}-${m[1]}-${m[2]} ${m[4]}`);
  }
  return keys;
}
