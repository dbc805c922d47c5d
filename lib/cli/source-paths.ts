import { UsageError } from "./usage-error";

/** The PATH arguments of `ingest` and `parse`: at least one, and stdin (`-`) once at most. */
export function sourcePaths(command: string, positionals: string[]): string[] {
  if (positionals.length === 0) throw new UsageError(`${command} needs at least one PATH (or - for stdin)`);
  if (positionals.filter((p) => p === "-").length > 1) {
    throw new UsageError(`${command} reads stdin once: give - at most once`);
  }
  return positionals;
}
