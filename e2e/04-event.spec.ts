import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";

const corpus = path.resolve("../shared/corpus");

test("an event page shows the summary, each record's raw and interpreted fields, and the raw lines", async ({
  page,
}) => {
  const dbFile = process.env.E2E_DB as string;
  const out = execFileSync(path.resolve("bin/auditscope"), [
    "ingest",
    "--db",
    dbFile,
    "--json",
    "--name",
    "event page",
    path.join(corpus, "laurel/record-execve.txt"),
  ]);
  const dataset = (JSON.parse(out.toString()) as { dataset: number }).dataset;
  const db = new Database(dbFile, { readonly: true });
  const row = db
    .prepare<[number], { id: number }>(`SELECT id FROM events WHERE dataset_id = ? AND serial = 15558`)
    .get(dataset);
  db.close();
  await page.goto(`/datasets/${dataset}/events/${row?.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Event 15558" })).toBeVisible();
  await expect(page.getByText("user as root executed whoami (cwd /home/user/tmp)")).toBeVisible();
  await expect(page.getByText("2021-03-07 10:50:32.375 UTC")).toBeVisible();
  const syscall = page
    .getByRole("region", { name: "Record 1: SYSCALL" })
    .getByRole("row", { name: /^syscall/ });
  await expect(syscall).toContainText("59");
  await expect(syscall).toContainText("execve");
  await expect(page.getByRole("region", { name: "Raw lines" })).toContainText(
    'node=work type=EXECVE msg=audit(1615114232.375:15558): argc=1 a0="whoami"',
  );
  await expect(page.getByRole("region", { name: "Raw lines" })).toContainText("key=(null)\\x1dARCH=x86_64");
  await page.goto(`/datasets/${dataset}/events/12345`);
  await expect(page.getByRole("heading", { name: "No such event" })).toBeVisible();
});
