import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect, type Page, test } from "@playwright/test";
import { formatBytes } from "../lib/format/numbers";

const corpus = path.resolve("../shared/corpus");
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-upload-"));

async function upload(page: Page, files: string[], name?: string) {
  await page.goto("/");
  await page.getByLabel("Choose audit log files").setInputFiles(files);
  if (name) await page.getByPlaceholder("the first file's name").fill(name);
  await page.getByRole("button", { name: /^Upload/ }).click();
}

test("an uploaded corpus log becomes a dataset with the right event count", async ({ page }) => {
  await upload(page, [path.join(corpus, "audit-userspace/test.log")], "uploaded test.log");
  await expect(page.getByRole("status").filter({ hasText: "Added 7 events" })).toBeVisible();
  const row = page.getByRole("row", { name: /uploaded test\.log/ });
  await expect(row).toContainText("ready");
  await expect(row.getByRole("cell").nth(4)).toHaveText("7");
});

test("a .gz upload is read by its content", async ({ page }) => {
  const gz = path.join(dir, "msticpy-audit.log.gz");
  writeFileSync(gz, gzipSync(readFileSync(path.join(corpus, "msticpy/auditd_log.txt"))));
  await upload(page, [gz], "gzipped msticpy");
  await expect(page.getByRole("status").filter({ hasText: "Added 938 events" })).toBeVisible();
  await expect(
    page
      .getByRole("row", { name: /gzipped msticpy/ })
      .getByRole("cell")
      .nth(4),
  ).toHaveText("938");
});

test("a PNG is refused with a clear message and creates no dataset", async ({ page }) => {
  const png = path.join(dir, "x.png");
  writeFileSync(png, Buffer.from("89504E470D0A1A0A0000000D4948445200000010000000100806000000", "hex"));
  await page.goto("/");
  const before = await page.getByRole("row").count();
  await upload(page, [png]);
  await expect(page.getByRole("region", { name: "Add audit logs" }).getByRole("alert")).toHaveText(
    "x.png is not an audit log (it is binary, not text)",
  );
  await page.reload();
  await expect(page.getByRole("row")).toHaveCount(before);
});

test("a log with unreadable lines goes in, and the lines are listed, escaped", async ({ page }) => {
  const mixed = path.join(dir, "mixed.log");
  const good = readFileSync(path.join(corpus, "audit-userspace/test2.log"), "latin1");
  writeFileSync(
    mixed,
    `${good}garbage <b>bold</b> \x1b[31mred\n${good.split("\n")[0]}\nnot audit either\n`,
    "latin1",
  );
  await upload(page, [mixed], "mixed lines");
  await expect(page.getByRole("status").filter({ hasText: "2 lines could not be read" })).toBeVisible();
  await page
    .getByRole("row", { name: /mixed lines/ })
    .getByRole("link", { name: "2" })
    .click();
  await expect(page.getByRole("heading", { name: "Lines that could not be read" })).toBeVisible();
  const first = page.getByRole("row").nth(1);
  await expect(first).toContainText("mixed.log");
  await expect(first).toContainText("13");
  await expect(first).toContainText("garbage <b>bold</b> \\x1b[31mred");
  await expect(page.locator("b", { hasText: "bold" })).toHaveCount(0);
});

test("a rotated log picked newest first is sent oldest first: an event the rotation split is whole", async ({
  page,
}) => {
  const stamp = (n: number, serial: number) => `msg=audit(${1700000000 + n}.100:${serial}):`;
  // audit.log.1 ends inside event 100 (an open of /etc/rotated-secret); audit.log holds its PATH.
  const older = path.join(dir, "audit.log.1");
  const earlier = (serial: number) =>
    `type=USER_START ${stamp(-5, serial)} pid=1 uid=0 auid=1000 ses=3 msg='op=PAM:session_open acct="root" exe="/usr/sbin/cron" hostname=? addr=? terminal=cron res=success'\n`;
  writeFileSync(
    older,
    `${earlier(98)}${earlier(99)}type=SYSCALL ${stamp(0, 100)} arch=c000003e syscall=2 success=yes exit=3 a0=1 a1=0 a2=0 a3=0 items=1 ppid=1 pid=42 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="cat" exe="/usr/bin/cat" key=(null)\n`,
  );
  const newer = path.join(dir, "audit.log");
  const later = Array.from(
    { length: 40 },
    (_, i) =>
      `type=USER_START ${stamp(10, 101 + i)} pid=1 uid=0 auid=1000 ses=3 msg='op=PAM:session_open acct="root" exe="/usr/sbin/cron" hostname=? addr=? terminal=cron res=success'\n`,
  ).join("");
  writeFileSync(
    newer,
    `type=PATH ${stamp(0, 100)} item=0 name="/etc/rotated-secret" inode=1 dev=08:01 mode=0100600 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\ntype=EOE ${stamp(0, 100)} \n${later}`,
  );
  await page.goto("/");
  // A browser lists a folder's files by name: the live log first.
  await page.getByLabel("Choose audit log files").setInputFiles([newer, older]);
  await expect(page.getByRole("list", { name: "Files to upload" }).getByRole("listitem")).toHaveText([
    /^audit\.log\.1 /,
    /^audit\.log /,
  ]);
  await page.getByPlaceholder("the first file's name").fill("rotated upload");
  await page.getByRole("button", { name: /^Upload/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added 43 events" })).toBeVisible();
  await page.getByRole("link", { name: "rotated upload" }).click();
  await expect(page).toHaveURL(/\/datasets\/\d+$/);
  await page.goto(`${new URL(page.url()).pathname}/reports/file`);
  await expect(page.getByRole("row", { name: /\/etc\/rotated-secret/ })).toContainText("/usr/bin/cat");
});

test("files picked at two times keep the order of the picks: two hosts' logs of the same names", async ({
  page,
}) => {
  const pick = (host: string) =>
    ["audit.log", "audit.log.1"].map((name) => {
      const folder = path.join(dir, host);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, name), `${host} ${name}\n`);
      return path.join(folder, name);
    });
  await page.goto("/");
  await page.getByLabel("Choose audit log files").setInputFiles(pick("h1"));
  await page.getByLabel("Choose audit log files").setInputFiles(pick("host2"));
  // Each pick's rotated files oldest first; host2's after h1's (their sizes tell them apart).
  await expect(page.getByRole("list", { name: "Files to upload" }).getByRole("listitem")).toHaveText([
    "audit.log.1 (15 B)",
    "audit.log (13 B)",
    "audit.log.1 (18 B)",
    "audit.log (16 B)",
  ]);
});

test("a host name and an executable written in UTF-8 read as text on every page", async ({ page }) => {
  const log = path.join(dir, "utf8-names.log");
  const stamp = "msg=audit(1700000000.100:2):";
  writeFileSync(
    log,
    Buffer.from(
      `node=héllo type=SYSCALL ${stamp} arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=0 a2=0 a3=0 items=0 ppid=1 pid=42 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="x" exe="/tmp/été" key=(null)\nnode=héllo type=EOE ${stamp} \n`,
      "utf8",
    ),
  );
  await upload(page, [log], "utf8 names");
  await expect(page.getByRole("status").filter({ hasText: "Added 1 event" })).toBeVisible();
  await expect(page.getByRole("row", { name: /utf8 names/ })).toContainText("héllo");
  await page.getByRole("link", { name: "utf8 names" }).click();
  await expect(page.getByRole("region", { name: "Executables" })).toContainText("/tmp/été");
  await expect(page.getByRole("region", { name: "Hosts" })).toContainText("héllo");
  await expect(page.locator(".page-title")).toContainText("héllo ·");
  await page.getByRole("region", { name: "Hosts" }).getByRole("link", { name: "héllo" }).click();
  // Named as text in the link (a URL to paste), and the filter finds its events.
  await expect(page).toHaveURL(/node=h%C3%A9llo/);
  await expect(page.getByRole("combobox", { name: "Node" })).toHaveValue("héllo");
  const url = new URL(page.url());
  await page.goto(`${url.pathname}/executable${url.search}`);
  await expect(page.getByRole("row", { name: /\/tmp\/été/ })).toHaveCount(1);
});

test("a dataset can be renamed and deleted, with confirmation", async ({ page }) => {
  await upload(page, [path.join(corpus, "audit-userspace/test3.log")], "to delete");
  await expect(page.getByRole("status").filter({ hasText: "Added 8 events" })).toBeVisible();
  await page.getByRole("button", { name: "Rename to delete" }).click();
  await page.getByLabel("New name").fill("doomed\u202edataset");
  await page.getByRole("button", { name: "Save" }).click();
  // Shown with its bidi override escaped; saved again unchanged, it keeps the character, not the escape.
  await page.getByRole("button", { name: "Rename doomed\\u202edataset" }).click();
  await expect(page.getByLabel("New name")).toHaveValue("doomed\\u202edataset");
  await page.getByRole("button", { name: "Save" }).click();
  const names = () =>
    (
      JSON.parse(
        execFileSync(path.resolve("bin/auditscope"), [
          "datasets",
          "--db",
          process.env.E2E_DB as string,
          "--json",
        ]).toString(),
      ) as { name: string }[]
    ).map((d) => d.name);
  await expect(page.getByLabel("New name")).toHaveCount(0);
  expect(names()).toContain("doomed\u202edataset");
  await page.getByRole("button", { name: "Rename doomed\\u202edataset" }).click();
  await page.getByLabel("New name").fill("doomed dataset");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("row", { name: /doomed dataset/ })).toBeVisible();
  await page.getByRole("button", { name: "Delete doomed dataset" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("Delete it and every event in it?");
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("row", { name: /doomed dataset/ })).toHaveCount(0);
});

test("the dataset overview shows counters, the chart and top tables", async ({ page }) => {
  await upload(page, [path.join(corpus, "msticpy/auditd_log.txt")], "overview msticpy");
  await expect(page.getByRole("status").filter({ hasText: "Added 938 events" })).toBeVisible();
  await page.getByRole("link", { name: "overview msticpy" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "overview msticpy" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Counts" })).toContainText("938");
  await expect(
    page.getByRole("figure", { name: "Events over time (UTC)" }).locator(".recharts-bar-rectangle").first(),
  ).toBeVisible();
  await expect(page.getByRole("region", { name: "Executables" })).toContainText("/usr/sbin/sshd");
  // aureport's counters (msticpy's log: 191 failed logins, as `aureport --summary` counts them).
  await expect(
    page
      .getByRole("list", { name: "aureport summary counters" })
      .getByRole("link", { name: "191 failed logins" }),
  ).toBeVisible();
  // A top-10 item leads to the report that ranks it.
  await page
    .getByRole("region", { name: "Executables" })
    .getByRole("link", { name: "/usr/sbin/sshd" })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Executable Summary Report" })).toBeVisible();
  await expect(page.getByRole("row").nth(1)).toContainText("378");
  await page.getByRole("link", { name: "overview msticpy" }).click();
  await page
    .getByRole("list", { name: "aureport summary counters" })
    .getByRole("link", { name: "191 failed logins" })
    .click();
  await expect(page.getByRole("heading", { level: 1, name: "Login Report" })).toBeVisible();
  await expect(page).toHaveURL(/result=failed/);
});

test("a large upload shows bytes and events as it goes, and Cancel stops it: the dataset says cancelled", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const big = path.join(dir, "big.log");
  execFileSync(
    process.execPath,
    ["--import", "tsx", path.resolve("bench/generate.ts"), big, "80", "--no-story"],
    {
      stdio: "ignore",
    },
  );
  await upload(page, [big], "cancelled in the browser");
  const progress = page.getByRole("region", { name: "Add audit logs" }).getByRole("status");
  const total = formatBytes(statSync(big).size);
  await expect(progress).toContainText(new RegExp(`Uploading [\\d.]+ [KMG]?B of ${total}`));
  // The server's count of what it has ingested so far, polled while the upload runs.
  await expect(progress).toContainText(
    new RegExp(`Ingesting: [\\d.]+ [KMG]?B of ${total} received, [1-9][\\d,]* events`),
  );
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("region", { name: "Add audit logs" }).getByRole("alert")).toHaveText(
    "The upload was cancelled.",
  );
  await page.reload();
  await expect(page.getByRole("row", { name: /cancelled in the browser/ })).toContainText("cancelled");
});
