import { Readable } from "node:stream";
import type Database from "better-sqlite3";
import { createGenerator, type GeneratorOptions, type GroundTruth } from "../generator/generate-log";
import { type IngestResult, ingest } from "./ingest";
import type { Source } from "./sources";

export const DEMO_NAME = "Demo: web01 intrusion (generated)";
/** About eight hours of a busy web server, with the intrusion story near its start. */
export const DEMO_OPTIONS: GeneratorOptions = { seed: 1, targetBytes: 24 * 1024 * 1024, node: "web01" };

/** The demo log as a source, generated on the fly (nothing is downloaded or shipped). */
export function demoSource(options: GeneratorOptions = DEMO_OPTIONS): { source: Source; truth: GroundTruth } {
  const { chunks, truth } = createGenerator(options);
  const source: Source = {
    path: "demo-web01-audit.log",
    size: null,
    unreadable: null,
    open: (onBytes) =>
      Readable.from(
        (function* () {
          for (const chunk of chunks) {
            const bytes = Buffer.from(chunk, "latin1");
            onBytes?.(bytes.length);
            yield bytes;
          }
        })(),
      ),
  };
  return { source, truth };
}

/** Loads the demo dataset when the database has no dataset at all; returns null otherwise. */
export async function loadDemoIfEmpty(db: Database.Database): Promise<IngestResult | null> {
  const any = db.prepare(`SELECT 1 FROM datasets LIMIT 1`).get();
  if (any) return null;
  return ingest([demoSource().source], { db, name: DEMO_NAME });
}
