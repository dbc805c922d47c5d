import { expect, test } from "@playwright/test";

test("the home page shows the shell and the empty state", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("link", { name: "auditscope" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }),
  ).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Datasets" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No datasets yet" })).toBeVisible();
  await expect(page.getByText("bin/auditscope ingest")).toBeVisible();
});

test("pages carry the security headers", async ({ page }) => {
  const response = await page.goto("/");
  const headers = response?.headers() ?? {};
  expect(headers["content-security-policy"]).toMatch(
    /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
  );
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe-(eval|inline)/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("no-referrer");
});

test("another site's page cannot embed or fetch our pages and exports; a link from it opens them", async ({
  request,
}) => {
  const from = (dest: string) => ({ headers: { "sec-fetch-site": "cross-site", "sec-fetch-dest": dest } });
  expect((await request.get("/", from("image"))).status()).toBe(403);
  expect((await request.get("/datasets/1/reports/summary?start=1970-01-01", from("script"))).status()).toBe(
    403,
  );
  expect(
    (await request.get("/api/datasets/1/reports/summary/export?format=csv", from("empty"))).status(),
  ).toBe(403);
  expect((await request.get("/", from("document"))).status()).toBe(200);
  expect((await request.get("/")).status()).toBe(200);
});

test("the time zone toggle switches between UTC and local", async ({ page }) => {
  await page.goto("/");
  const toggle = page.getByRole("button", { name: /Times:/ });
  await expect(toggle).toHaveText("Times: UTC");
  await toggle.click();
  await expect(toggle).toHaveText("Times: local");
  await toggle.press("Enter");
  await expect(toggle).toHaveText("Times: UTC");
});

test("an unknown address shows the not-found page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});
