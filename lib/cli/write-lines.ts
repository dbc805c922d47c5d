import { once } from "node:events";
import type { Writable } from "node:stream";

/** Writes text, waiting when the reader is slower than we are (a pipe into jq or less). */
export async function writeText(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, "drain");
}
