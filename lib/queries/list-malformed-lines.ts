import type { Store } from "../store/db";

export interface MalformedLineRow {
  id: number;
  file: string;
  line: number;
  code: string;
  message: string;
  /** The start of the line, as read (latin1: one char per byte); escape before showing. */
  excerpt: string;
}

export interface MalformedPage {
  rows: MalformedLineRow[];
  /** Rows kept in the store (at most 10,000 per dataset). */
  kept: number;
}

export function listMalformedLines(
  store: Store,
  datasetId: number,
  page: number,
  pageSize: number,
): MalformedPage {
  const rows = store.db
    .prepare<
      [number, number, number],
      { id: number; file: string; line: number; code: string; message: string; excerpt: Buffer }
    >(
      `SELECT m.id, f.path AS file, m.line, m.code, m.message, m.excerpt
       FROM malformed_lines m JOIN source_files f ON f.id = m.file_id
       WHERE m.dataset_id = ? ORDER BY m.file_id, m.line LIMIT ? OFFSET ?`,
    )
    .all(datasetId, pageSize, page * pageSize)
    .map((row) => ({ ...row, excerpt: row.excerpt.toString("latin1") }));
  const kept =
    store.db
      .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM malformed_lines WHERE dataset_id = ?`)
      .get(datasetId)?.n ?? 0;
  return { rows, kept };
}
