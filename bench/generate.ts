/**
 * Writes a generated audit log to a file.
 *   tsx bench/generate.ts OUT_FILE SIZE_MB [--seed N] [--format raw|enriched] [--no-eoe] [--no-story]
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createGenerator, type GeneratorOptions, type GroundTruth } from "../lib/generator/generate-log";

export interface WriteResult {
  truth: GroundTruth;
  seconds: number;
}

/** Streams the generator into `file`, waiting for the stream to drain when it asks to. */
export async function writeGeneratedLog(file: string, options: GeneratorOptions): Promise<WriteResult> {
  const started = performance.now();
  const { chunks, truth } = createGenerator(options);
  const out = createWriteStream(file);
  const failed = once(out, "error").then(([error]) => {
    throw error;
  });
  for (const chunk of chunks) {
    // Every character of the log is one byte (non-ASCII is hex-encoded), so latin1 is exact.
    if (!out.write(chunk, "latin1")) await Promise.race([once(out, "drain"), failed]);
  }
  out.end();
  await Promise.race([once(out, "finish"), failed]);
  return { truth, seconds: (performance.now() - started) / 1000 };
}

export interface GenerateArgs {
  file: string;
  sizeMb: number;
  options: GeneratorOptions;
}

export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  const positional: string[] = [];
  const options: Omit<GeneratorOptions, "targetBytes"> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--seed") options.seed = Number(argv[++i]);
    else if (arg === "--format") options.format = argv[++i] === "enriched" ? "enriched" : "raw";
    else if (arg === "--no-eoe") options.eoe = false;
    else if (arg === "--no-story") options.story = false;
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else positional.push(arg);
  }
  const [file, size] = positional;
  const sizeMb = Number(size);
  if (
    !file ||
    !Number.isFinite(sizeMb) ||
    sizeMb <= 0 ||
    (options.seed !== undefined && !Number.isInteger(options.seed))
  ) {
    throw new Error(
      "usage: tsx bench/generate.ts OUT_FILE SIZE_MB [--seed N] [--format raw|enriched] [--no-eoe] [--no-story]",
    );
  }
  return { file, sizeMb, options: { ...options, targetBytes: Math.round(sizeMb * 1024 * 1024) } };
}

async function main(): Promise<void> {
  let args: GenerateArgs;
  try {
    args = parseGenerateArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const { truth, seconds } = await writeGeneratedLog(args.file, args.options);
  const mb = truth.bytes / 1024 / 1024;
  console.log(
    `${args.file}: ${truth.bytes} bytes, ${truth.events} events, ${truth.records} records ` +
      `(${(truth.records / truth.events).toFixed(2)} records/event, ${(truth.bytes / truth.events).toFixed(0)} bytes/event), ` +
      `${seconds.toFixed(1)} s (${(mb / seconds).toFixed(0)} MB/s)`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
