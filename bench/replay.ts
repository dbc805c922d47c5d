/**
 * A real host's log made as large as wanted: the corpus log copied again and again, each copy
 * moved past the previous one in time, serial and session numbers, so every event stays distinct
 * and every session its own. vrl-devtest's log (an Ubuntu host running LXD containers: a cron
 * session a minute per container) is the corpus's largest real one and the kind aureport is slow
 * on (DESIGN.md's ~17 s per GB).
 */
import { once } from "node:events";
import { createWriteStream, readFileSync } from "node:fs";

const STAMP = /msg=audit\((\d+)\.(\d+):(\d+)\)/;
const SESSION = / ses=(\d+)/g;
const UNSET = "4294967295";

interface Extent {
  firstSec: number;
  lastSec: number;
  maxSerial: number;
  maxSes: number;
}

function extentOf(lines: readonly string[]): Extent {
  const extent = { firstSec: Number.POSITIVE_INFINITY, lastSec: 0, maxSerial: 0, maxSes: 0 };
  for (const line of lines) {
    const stamp = STAMP.exec(line);
    if (stamp) {
      const sec = Number(stamp[1]);
      extent.firstSec = Math.min(extent.firstSec, sec);
      extent.lastSec = Math.max(extent.lastSec, sec);
      extent.maxSerial = Math.max(extent.maxSerial, Number(stamp[3]));
    }
    for (const [, ses] of line.matchAll(SESSION)) {
      if (ses !== UNSET) extent.maxSes = Math.max(extent.maxSes, Number(ses));
    }
  }
  return extent;
}

/** Writes copies of `source` to `file` until it holds at least `targetBytes`; returns its size. */
export async function writeReplayedLog(source: string, file: string, targetBytes: number): Promise<number> {
  const lines = readFileSync(source, "latin1")
    .split("\n")
    .filter((line) => line.length > 0);
  const { firstSec, lastSec, maxSerial, maxSes } = extentOf(lines);
  const out = createWriteStream(file);
  let bytes = 0;
  for (let copy = 0; bytes < targetBytes; copy++) {
    const seconds = copy * (lastSec - firstSec + 60);
    const serials = copy * (maxSerial + 1);
    const sessions = copy * (maxSes + 1);
    const text = `${lines
      .map((line) =>
        line
          .replace(
            STAMP,
            (_, sec, ms, serial) => `msg=audit(${Number(sec) + seconds}.${ms}:${Number(serial) + serials})`,
          )
          .replace(SESSION, (whole, ses) => (ses === UNSET ? whole : ` ses=${Number(ses) + sessions}`)),
      )
      .join("\n")}\n`;
    bytes += text.length;
    if (!out.write(text, "latin1")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return bytes;
}
