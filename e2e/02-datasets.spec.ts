import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

const corpus = path.resolve("../shared/corpus");

test("an ingested log is listed with its status, hosts, time range and counts", async ({ page }) => {
  const db = process.env.E2E_DB;
  test.skip(!db, "no e2e database");
  execFileSync(path.resolve("bin/auditscope"), [
    "ingest",
    "--db",
    db as string,
    "--name",
    "test3 <script>alert(1)</script>",
    path.join(corpus, "audit-userspace/test3.log"),
  ]);
  await page.goto("/");
  const row = page.getByRole("row", { name: /test3/ });
  await expect(row).toContainText("test3 <script>alert(1)</script>");
  await expect(row).toContainText("ready");
  await expect(row).toContainText("auditdtest.a1959.org");
  await expect(row).toContainText("2016-01-03 00:37:51 UTC");
  await expect(row.getByRole("cell").nth(4)).toHaveText("8");
  await expect(page.locator("script", { hasText: "alert(1)" })).toHaveCount(0);
});
