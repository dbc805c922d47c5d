import type { AuditRecord } from "../../audit/types";
import type { RecordMessage } from "./extract";
import { completesAtOnce, T, typeNumber } from "./types";

/**
 * How aureport (ausearch-lol.c) cuts one of our events into its own: records of one stamp join
 * the event being built, except that an event whose first record is a "single record" type
 * (LOGIN, user-space messages, …) is closed as soon as it starts, so the records after it form a
 * second event with the same serial. An EOE that would start an event is dropped.
 *
 * aureport reads a physical line as one record: records our parser split off a glued line are part
 * of the first record's text, and lines in framings it cannot read (syslog, journal, `ausearch -i`)
 * are in none of its events.
 */
export function aureportSubEvents(records: readonly AuditRecord[]): RecordMessage[][] {
  const out: RecordMessage[][] = [];
  let open: RecordMessage[] | null = null;
  let lastRecord: AuditRecord | null = null;
  let lastMessage: RecordMessage | null = null;
  for (const record of records) {
    // Its line's first record is the one before it in this event (not a record at the same line
    // and offset of the file before, after a rotation).
    if (record.glued && lastRecord?.line === record.line && lastRecord.offset === record.offset) {
      // Split off a glued line: part of the line's first record for aureport.
      if (lastMessage) {
        lastMessage.raw = `${lastMessage.raw} ${record.raw}`;
        lastMessage.text = undefined;
      }
      continue;
    }
    lastRecord = record;
    lastMessage = null;
    const readable = record.format === "raw" || record.format === "enriched";
    const type = typeNumber(record.type);
    if (!readable || (open === null && type === T.EOE)) continue;
    const message: RecordMessage = { type, raw: record.raw };
    lastMessage = message;
    if (open === null) {
      open = [message];
      out.push(open);
      if (completesAtOnce(type)) open = null;
    } else open.push(message);
  }
  return out;
}
