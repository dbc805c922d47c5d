import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { openDatabase } from "../store/db";
import { corpusAvailable, corpusPath } from "../testing/corpus";
import { type Cell, detailedReport, detailedRows, REPORT_NAMES, sortableColumns } from ".";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-report-sort-"));
const db = openDatabase(path.join(dir, "sort.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The distinct values of a column in the order they first appear, failing if one comes back later. */
function runs(values: Cell[]): Cell[] {
  const seen: Cell[] = [];
  for (const value of values) {
    if (seen.at(-1) === value) continue;
    expect(seen, `value ${value} appears in two places`).not.toContain(value);
    seen.push(value);
  }
  return seen;
}

describe.skipIf(!corpusAvailable)("detailed reports sorted by a column", () => {
  it("group each value together, reverse with the direction, and page the same as in one go", async () => {
    const result = await ingest(expandSources([corpusPath("vrl-devtest/audit.log")]), { db, worker: false });
    const dataset = result.dataset ?? 0;
    let checked = 0;
    for (const name of REPORT_NAMES) {
      const report = detailedReport(db, dataset, name, {}, { limit: 1, offset: 0 });
      for (const column of sortableColumns(name)) {
        if (column === "date" || column === "time") continue;
        const at = report.columns.indexOf(column) - 2;
        const asc = [...detailedRows(db, dataset, name, {}, { sort: column })];
        const desc = [...detailedRows(db, dataset, name, {}, { sort: column, order: "desc" })];
        const ascRuns = runs(asc.map((row) => row.cells[at] as Cell));
        expect(runs(desc.map((row) => row.cells[at] as Cell))).toEqual(ascRuns.toReversed());
        const paged = [0, 7, 14, 21].flatMap(
          (offset) => detailedReport(db, dataset, name, {}, { limit: 7, offset, sort: column }).rows,
        );
        expect(paged).toEqual(asc.slice(0, 28));
        if (ascRuns.length > 1) checked++;
      }
    }
    // Enough columns with more than one value that a missing sort would show.
    expect(checked).toBeGreaterThan(20);
  }, 60_000);

  it("sorts reports whose rows are their own records (AVC, TTY) only by time", () => {
    expect(sortableColumns("avc")).toEqual(["date", "time"]);
    expect(sortableColumns("tty")).toEqual(["date", "time"]);
    expect(sortableColumns("executable")).toEqual(["date", "time", "exe", "term", "host", "auid", "event"]);
  });
});
