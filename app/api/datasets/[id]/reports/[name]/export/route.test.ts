import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingest } from "@/lib/ingest/ingest";
import { expandSources } from "@/lib/ingest/sources";
import { corpusAvailable, corpusPath } from "@/lib/testing/corpus";

// The route handler called as Next calls it, on a real database file.
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-export-route-"));
process.env.AUDITSCOPE_DB = path.join(dir, "export.db");
const { GET } = await import("./route");
const { getStore } = await import("@/lib/store/db");
const { detailedReport, reportRanking } = await import("@/lib/reports");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let dataset = 0;

function download(name: string, query: Record<string, string>) {
  const url = `http://localhost:3000/api/datasets/${dataset}/reports/${name}/export?${new URLSearchParams(query)}`;
  return GET(new Request(url), { params: Promise.resolve({ id: String(dataset), name }) });
}

describe.skipIf(!corpusAvailable)("report exports", () => {
  beforeAll(async () => {
    const result = await ingest(expandSources([corpusPath("vrl-devtest/audit.log")]), {
      db: getStore().db,
      name: "vrl devtest/audit.log",
      worker: false,
    });
    dataset = result.dataset ?? 0;
  });

  it("download every row of the shown view as CSV, in its order, named for what it holds", async () => {
    const response = await download("executable", { result: "failed", sort: "exe", dir: "desc", page: "1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="vrl-devtest-audit-log-executable-failed.csv"',
    );
    const csv = Papa.parse<string[]>(await response.text(), { skipEmptyLines: true }).data;
    expect(csv[0]).toEqual(["date", "time", "exe", "term", "host", "auid", "event"]);
    const shown = detailedReport(
      getStore().db,
      dataset,
      "executable",
      { success: "failed" },
      { limit: 100_000, offset: 0, sort: "exe", order: "desc" },
    );
    expect(csv.length - 1).toBe(shown.total);
    expect(shown.total).toBeGreaterThan(10);
    expect(csv.slice(1).map((row) => Number(row[6]))).toEqual(shown.rows.map((row) => row.cells[4]));
  });

  it("download a ranking as JSON in the CLI's shape", async () => {
    const response = await download("syscall", { view: "ranking", format: "json" });
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="vrl-devtest-audit-log-syscall-summary.json"',
    );
    const json = await response.json();
    const ranking = reportRanking(getStore().db, dataset, "syscall");
    expect(json).toEqual({
      report: "syscall",
      summary: true,
      columns: ["total", "syscall"],
      rows: ranking.rows.map((row) => [row.total, row.value]),
    });
  });

  it("give a report without a ranking (tty) as its rows when the ranking is asked for", async () => {
    const response = await download("tty", { view: "ranking", format: "json" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="vrl-devtest-audit-log-tty.json"',
    );
    expect(await response.json()).toMatchObject({ report: "tty", summary: false });
  });

  it("answer a time it cannot read with 400 and the reason, and an unknown report with 404", async () => {
    const bad = await download("executable", { start: "soonish" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain("soonish");
    expect((await download("nonsense", {})).status).toBe(404);
  });
});
