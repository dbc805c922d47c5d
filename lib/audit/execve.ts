import { bytesToText } from "./decode";
import { fieldBytes } from "./interpret";
import type { AuditRecord } from "./types";

/**
 * The argument vector of an exec, from its EXECVE records in order: `argc`, then `aN`, or a long
 * argument split as `aN_len` + `aN[0]`, `aN[1]`, …, possibly across several EXECVE records.
 */
export function execveArgs(records: readonly AuditRecord[]): string[] | null {
  const execs = records.filter((r) => r.type === "EXECVE");
  if (execs.length === 0) return null;
  const merged = new Map<string, { record: AuditRecord; raw: string }>();
  for (const record of execs) {
    for (const [name, raw] of record.fields) if (!merged.has(name)) merged.set(name, { record, raw });
  }
  const argcField = merged.get("argc");
  const argc = argcField ? Number(argcField.raw) : Number.NaN;
  const args: string[] = [];
  for (let i = 0; Number.isFinite(argc) ? i < argc : merged.has(`a${i}`) || merged.has(`a${i}_len`); i++) {
    const whole = merged.get(`a${i}`);
    if (whole) {
      args.push(bytesToText(fieldBytes(whole.record, `a${i}`, whole.raw) ?? new Uint8Array()));
      continue;
    }
    const parts: Uint8Array[] = [];
    for (let k = 0; ; k++) {
      const part = merged.get(`a${i}[${k}]`);
      if (!part) break;
      parts.push(fieldBytes(part.record, `a${i}[${k}]`, part.raw) ?? new Uint8Array());
    }
    if (parts.length === 0 && !merged.has(`a${i}_len`)) break;
    args.push(bytesToText(Buffer.concat(parts)));
  }
  return args;
}
