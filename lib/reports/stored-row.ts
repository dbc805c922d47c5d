import { REPORT_FIELD_NAMES, type ReportFields, UNREAD_FIELDS } from "./aureport/fields";

/** The report_events columns a report reads, as SQLite returns them: the event and its fields. */
export interface StoredRow extends ReportFields {
  event_id: number;
  time_ms: number;
  serial: number;
}

const COLUMN_NAMES = ["event_id", "time_ms", "serial", ...REPORT_FIELD_NAMES];

export const STORED_COLUMNS = COLUMN_NAMES.join(", ");
/** The same, from report_events joined as `e`. */
export const JOINED_COLUMNS = COLUMN_NAMES.map((name) => `e.${name}`).join(", ");

/** SQL column of each field (for GROUP BY in rankings). */
export const FIELD_COLUMN = Object.fromEntries(REPORT_FIELD_NAMES.map((name) => [name, name])) as Readonly<
  Record<keyof ReportFields, string>
>;

export function fieldsOfRow(row: Partial<StoredRow>): ReportFields {
  const fields: Record<keyof ReportFields, unknown> = { ...UNREAD_FIELDS };
  for (const name of REPORT_FIELD_NAMES) fields[name] = row[name] ?? UNREAD_FIELDS[name];
  return fields as ReportFields;
}
