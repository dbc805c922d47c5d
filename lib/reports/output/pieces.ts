import Papa from "papaparse";
import type { Cell, ReportName } from "../aureport/kinds";
import type { DetailedRow } from "../detailed";
import { displayCell, displayJson } from "./display";
import { detailedJsonRow } from "./json";
import { detailedHeader, detailedLine, NO_EVENTS } from "./text";

/**
 * Reports too long to hold as one string (a detailed report can have millions of rows), as
 * pieces to write one after another: aureport's text, the `--json` shape, and CSV.
 */

export function* detailedTextPieces(name: ReportName, rows: Iterable<DetailedRow>): Generator<string> {
  yield detailedHeader(name);
  let n = 0;
  for (const row of rows) yield detailedLine(row, ++n);
  if (n === 0) yield NO_EVENTS;
}

export function* detailedJsonPieces(
  name: ReportName,
  columns: readonly string[],
  rows: Iterable<DetailedRow>,
): Generator<string> {
  yield `{"report":${JSON.stringify(name)},"summary":false,"columns":${JSON.stringify(columns)},"rows":[`;
  let first = true;
  for (const row of rows) {
    yield `${first ? "" : ","}${displayJson(detailedJsonRow(row))}`;
    first = false;
  }
  yield "]}\n";
}

const CSV_BATCH = 1000;

/**
 * RFC 4180 CSV with a header line. Cells a spreadsheet would run as a formula (starting with
 * = + - @, tab or CR) get a leading apostrophe; the log's UTF-8 is decoded and control, bidi and
 * zero-width characters are shown as escapes.
 */
export function* csvPieces(columns: readonly string[], rows: Iterable<Cell[]>): Generator<string> {
  yield Papa.unparse({ fields: [...columns], data: [] });
  let batch: Cell[][] = [];
  const flush = () => `${Papa.unparse(batch, { escapeFormulae: true })}\r\n`;
  for (const row of rows) {
    batch.push(row.map(displayCell));
    if (batch.length === CSV_BATCH) {
      yield flush();
      batch = [];
    }
  }
  if (batch.length > 0) yield flush();
}

/** Pieces joined into writes of about `size` characters (one write per row is slow). */
export function* batched(pieces: Iterable<string>, size = 64 * 1024): Generator<string> {
  let text = "";
  for (const piece of pieces) {
    text += piece;
    if (text.length >= size) {
      yield text;
      text = "";
    }
  }
  if (text !== "") yield text;
}
