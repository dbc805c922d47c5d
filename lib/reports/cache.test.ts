import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { openDatabase } from "../store/db";
import { corpusAvailable, corpusPath } from "../testing/corpus";
import {
  detailedReport,
  hasRanking,
  REPORT_NAMES,
  type ReportFilters,
  reportRanking,
  reportSummary,
  warmReportCache,
} from ".";

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-report-cache-"));
const db = openDatabase(path.join(dir, "cache.db"));
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!corpusAvailable)("cached report results", () => {
  // vrl-devtest has AVCs and logins; msticpy file names, keys and failed authentications.
  it.each(["vrl-devtest/audit.log", "msticpy/auditd_log.txt"])(
    "equal the same results computed afresh, page by page (%s)",
    async (log) => {
      const result = await ingest(expandSources([corpusPath(log)]), { db, worker: false });
      const dataset = result.dataset ?? 0;
      await warmReportCache(db, dataset);
      const cached = db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM report_cache WHERE dataset_id = ?`)
        .get(dataset);
      expect(cached?.n).toBeGreaterThan(60);
      // A time range covering everything is never cached: the same answer, computed.
      const fresh: ReportFilters = { start: 0, end: 2 ** 31 };
      for (const success of [undefined, "failed", "success"] as const) {
        expect(reportSummary(db, dataset, { success }).counts).toEqual(
          reportSummary(db, dataset, { ...fresh, success }).counts,
        );
        for (const name of REPORT_NAMES) {
          const page = { limit: 7, offset: 3 };
          expect(detailedReport(db, dataset, name, { success }, page)).toEqual(
            detailedReport(db, dataset, name, { ...fresh, success }, page),
          );
          if (!hasRanking(name)) continue;
          expect(reportRanking(db, dataset, name, { success }, page)).toEqual(
            reportRanking(db, dataset, name, { ...fresh, success }, page),
          );
          expect(reportRanking(db, dataset, name, { success }).rows).toEqual(
            reportRanking(db, dataset, name, { ...fresh, success }).rows,
          );
        }
      }
    },
    60_000,
  );
});
