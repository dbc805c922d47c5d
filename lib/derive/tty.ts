import { editTtyLines, renderTtyTokens } from "../audit/tty";
import type { DeriveInput, TtyRow } from "./types";

/** The row for an event with keystrokes, or null. Lines keep text and flags; the bytes are in `data`. */
export function ttyRow(input: DeriveInput): TtyRow | null {
  const { facts } = input;
  const data = facts.ttyData;
  if (data === null) return null;
  const lines = editTtyLines(data).map((line) => ({
    text: line.text,
    submitted: line.submitted,
    abandoned: line.abandoned,
    eof: line.eof,
    usedCompletion: line.usedCompletion,
    usedHistory: line.usedHistory,
    unmodelledKeys: line.unmodelledKeys,
    truncated: line.truncated,
  }));
  return {
    eventId: input.eventId,
    node: input.node,
    ses: facts.ses,
    auid: facts.auid,
    pid: facts.pid,
    timeMs: input.timeMs,
    data,
    tokens: renderTtyTokens(data),
    lines: JSON.stringify(lines),
  };
}
