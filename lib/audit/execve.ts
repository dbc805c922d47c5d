import { bytesToText } from "./decode";
import { fieldBytes, fieldString } from "./interpret";
import { fieldValue } from "./record";
import type { AuditRecord } from "./types";

interface ArgField {
  record: AuditRecord;
  raw: string;
}

/** The field in the first EXECVE record that has it: a long argument list continues in the next ones. */
function argField(execs: readonly AuditRecord[], name: string): ArgField | undefined {
  for (const record of execs) {
    const raw = fieldValue(record, name);
    if (raw !== undefined) return { record, raw };
  }
  return undefined;
}

function hasLength(execs: readonly AuditRecord[], i: number): boolean {
  return argField(execs, `a${i}_len`) !== undefined;
}

/** Argument `i` split as `aN[0]`, `aN[1]`, …: its text, or null when there is no piece. */
function joinedArg(execs: readonly AuditRecord[], i: number): string | null {
  const parts: Uint8Array[] = [];
  for (let k = 0; ; k++) {
    const name = `a${i}[${k}]`;
    const part = argField(execs, name);
    if (!part) break;
    parts.push(fieldBytes(part.record, name, part.raw) ?? new Uint8Array());
  }
  return parts.length === 0 ? null : bytesToText(Buffer.concat(parts));
}

/**
 * The argument vector of an exec, from its EXECVE records in order: `argc`, then `aN`, or a long
 * argument split as `aN_len` + `aN[0]`, `aN[1]`, …, possibly across several EXECVE records.
 */
export function execveArgs(records: readonly AuditRecord[]): string[] | null {
  const execs = records.filter((r) => r.type === "EXECVE");
  if (execs.length === 0) return null;
  const argcField = argField(execs, "argc");
  const argc = argcField ? Number(argcField.raw) : Number.NaN;
  const args: string[] = [];
  for (let i = 0; ; i++) {
    const name = `a${i}`;
    const whole = argField(execs, name);
    if (Number.isFinite(argc) ? i >= argc : !whole && !hasLength(execs, i)) break;
    if (whole) {
      args.push(fieldString(whole.record, name, whole.raw) ?? "");
      continue;
    }
    const joined = joinedArg(execs, i);
    if (joined === null && !hasLength(execs, i)) break;
    args.push(joined ?? "");
  }
  return args;
}
