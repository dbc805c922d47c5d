import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

const corpus = path.resolve("../shared/corpus");
const bin = path.resolve("bin/auditscope");

/** The CLI's answer (itself checked against aureport) as the referee for the page. */
function cliReport(dataset: number, ...args: string[]): { rows: (string | number)[][] } {
  const db = process.env.E2E_DB as string;
  return JSON.parse(
    execFileSync(bin, ["report", ...args, "--db", db, "--dataset", String(dataset), "--json"]).toString(),
  );
}

test("summary → counter → report: sort, filter failed, follow a serial, export CSV", async ({ page }) => {
  const out = execFileSync(bin, [
    "ingest",
    "--db",
    process.env.E2E_DB as string,
    "--json",
    "--name",
    "reports e2e",
    path.join(corpus, "vrl-devtest/audit.log"),
  ]);
  const dataset = (JSON.parse(out.toString()) as { dataset: number }).dataset;
  const all = cliReport(dataset, "executable").rows;
  const failed = cliReport(dataset, "executable", "--failed").rows;

  await page.goto(`/datasets/${dataset}/reports`);
  await expect(page.getByRole("heading", { level: 1, name: "Summary Report" })).toBeVisible();
  const counters = page.getByRole("list", { name: "Summary counters" });
  await expect(counters.getByRole("link", { name: /^3,310 events$/ })).toBeVisible();
  await counters.getByRole("link", { name: /^11 executables$/ }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Executable Report" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText(
    `1–100 of ${all.length.toLocaleString("en-US")}`,
  );

  // Sort by executable: the server sorts every row, so the first page starts with the smallest name.
  await page.getByRole("columnheader", { name: "exe" }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=exe/);
  await expect(page.getByRole("columnheader", { name: /exe/ })).toHaveAttribute("aria-sort", "ascending");
  const smallest = all.map((row) => String(row[2])).sort()[0];
  await expect(page.getByRole("row").nth(1).getByRole("cell").nth(1)).toHaveText(smallest as string);

  await page.getByLabel("Result").selectOption("failed");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/result=failed/);
  await expect(page).toHaveURL(/sort=exe/);
  await expect(page.getByRole("navigation", { name: "Pages" })).toHaveText(
    `1–${failed.length} of ${failed.length}`,
  );

  const firstRow = page.getByRole("row").nth(1);
  const serial = (await firstRow.getByRole("cell").last().textContent())?.trim();
  expect(failed.map((row) => String(row.at(-1)))).toContain(serial);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("reports-e2e-executable-failed.csv");
  const csv = readFileSync(await download.path(), "utf8")
    .trim()
    .split("\r\n");
  expect(csv[0]).toBe("date,time,exe,term,host,auid,event");
  expect(csv).toHaveLength(failed.length + 1);

  await firstRow.getByRole("link", { name: serial }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Event ${serial}` })).toBeVisible();
});

test("a ranking shows its chart and table, and a bad time says so instead of failing", async ({ page }) => {
  const datasets = JSON.parse(
    execFileSync(bin, ["datasets", "--db", process.env.E2E_DB as string, "--json"]).toString(),
  ) as { id: number; name: string }[];
  const dataset = datasets.find((d) => d.name === "reports e2e")?.id ?? 0;
  const ranking = cliReport(dataset, "syscall", "--summary").rows;
  await page.goto(`/datasets/${dataset}/reports/syscall?view=ranking`);
  await expect(page.getByRole("heading", { level: 1, name: "Syscall Summary Report" })).toBeVisible();
  await expect(page.getByRole("figure", { name: /Events per syscall/ })).toBeVisible();
  const first = page.getByRole("row").nth(1);
  await expect(first).toContainText(String(ranking[0]?.[0]));
  await expect(first).toContainText(String(ranking[0]?.[1]));

  await page.goto(`/datasets/${dataset}/reports/syscall?start=soonish`);
  // (Next's route announcer is an alert too: look in the filters.)
  await expect(page.getByRole("form", { name: "Filters" }).getByRole("alert")).toContainText(
    "“soonish” is not a date",
  );
  await expect(page.getByRole("navigation", { name: "Pages" })).toBeVisible();
});

test("hostile values are shown escaped on the report pages and defused in the CSV", async ({ page }) => {
  // An exe with an escape sequence and a right-to-left override (hex in the log, as the kernel
  // writes it), a comm and a key made to run as spreadsheet formulas.
  const exe = Buffer.from("/tmp/\x1b[31mevil\u202egpj.sh", "utf8").toString("hex").toUpperCase();
  const log = path.join(mkdtempSync(path.join(tmpdir(), "auditscope-hostile-")), "hostile.log");
  writeFileSync(
    log,
    `type=SYSCALL msg=audit(1700000000.123:100): arch=c000003e syscall=59 success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=1 ppid=1 pid=1234 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=5 comm="=cmd|calc" exe=${exe} key="=HYPERLINK(1)"\ntype=EOE msg=audit(1700000000.123:100): \n`,
  );
  const out = execFileSync(bin, ["ingest", "--db", process.env.E2E_DB as string, "--json", log]);
  const dataset = (JSON.parse(out.toString()) as { dataset: number }).dataset;

  await page.goto(`/datasets/${dataset}/reports/executable`);
  const cell = page.getByRole("row").nth(1).getByRole("cell").nth(1);
  await expect(cell).toHaveText("/tmp/\\x1b[31mevil\\u202egpj.sh");
  // Escaped on the server: not even the page's data for the table holds the raw characters.
  expect(await page.content()).not.toContain("\u202e");
  expect(await page.content()).not.toContain("\x1b");
  await page.goto(`/datasets/${dataset}/reports/executable?view=ranking`);
  await expect(page.getByRole("row").nth(1)).toContainText("/tmp/\\x1b[31mevil\\u202egpj.sh");

  await page.goto(`/datasets/${dataset}/reports/key`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "CSV" }).click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv).toContain("'=HYPERLINK(1)");
  expect(csv).toContain("/tmp/\\x1b[31mevil\\u202egpj.sh");
  expect(csv).not.toContain("\x1b");
});
