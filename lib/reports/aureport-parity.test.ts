import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenerator } from "../generator/generate-log";
import { openDatabase } from "../store/db";
import { aureportAvailable, corpusAvailable, corpusPath, manifestEntries } from "../testing/corpus";
import { checkReportParity } from "../testing/report-parity";

// Every report × {detailed, --summary} × {all, --failed, --success} against aureport 3.0.9 on
// every raw corpus log and a generated one (see lib/testing/report-parity.ts for what is checked,
// and docs/aureport-parity.md for the differences). aureport's outputs are cached on disk.

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-report-parity-"));
let db: Database.Database;

beforeAll(() => {
  db = openDatabase(path.join(dir, "parity.db"));
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rawLogs = manifestEntries()
  .filter((entry) => entry.kind === "log (raw)")
  .map((entry) => corpusPath(entry.path));

function generatedLog(): string {
  const file = path.join(dir, "generated.log");
  const { chunks } = createGenerator({ seed: 5, targetBytes: 3 * 1024 * 1024 });
  writeFileSync(file, [...chunks].join(""));
  return file;
}

describe.skipIf(!aureportAvailable)("reports agree with aureport", () => {
  it("on a generated log", async () => {
    const { problems, lateSerials } = await checkReportParity(db, generatedLog());
    expect(lateSerials).toEqual([]);
    expect(problems).toEqual([]);
  }, 300_000);

  it.skipIf(!corpusAvailable)("covers the corpus", () => {
    expect(rawLogs.length).toBeGreaterThan(200);
  });

  it.each(rawLogs)(
    "%s",
    async (file) => {
      const { problems } = await checkReportParity(db, file);
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
