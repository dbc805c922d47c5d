// `npm start` and `npm test`: install what a fresh machine lacks, then serve or test.
// Plain JavaScript, because it runs before the project's dependencies exist.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const mode = process.argv[2];
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options });
  return result.status ?? 1;
}

function ensureNodeModules() {
  const installed = path.join(root, "node_modules", ".package-lock.json");
  const lock = path.join(root, "package-lock.json");
  const stale = !existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs;
  if (stale) {
    console.log("setup: installing npm dependencies (npm install)…");
    if (run("npm", ["install", "--no-audit", "--no-fund"]) !== 0) throw new Error("npm install failed");
  } else if (!existsSync(path.join(root, "lib", "store", "generated", "client.ts"))) {
    if (run(process.execPath, ["scripts/generate-client.mjs"]) !== 0)
      throw new Error("prisma generate failed");
  }
}

// Debian packages the tests need: the browser for e2e, auditd's aureport/ausearch as the referee.
const SYSTEM_PACKAGES = [
  { pkg: "chromium", file: "/usr/bin/chromium" },
  { pkg: "auditd", file: "/usr/sbin/aureport" },
];

function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter(({ file }) => !existsSync(file)).map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing Debian packages: ${missing.join(", ")} — install them with: sudo apt-get install -y ${missing.join(" ")}`,
    );
  }
  console.log(`setup: installing Debian packages: ${missing.join(", ")}…`);
  if (run("apt-get", ["update"]) !== 0) throw new Error("apt-get update failed");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run("apt-get", ["install", "-y", "--no-install-recommends", ...missing], { env }) !== 0) {
    throw new Error(`apt-get install ${missing.join(" ")} failed`);
  }
}

const bin = (name) => path.join(root, "node_modules", ".bin", name);

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function test() {
  ensureSystemPackages();
  const out = path.join(tmpdir(), `auditscope-test-${process.pid}`);
  mkdirSync(out, { recursive: true });
  const vitestJson = path.join(out, "vitest.json");
  const playwrightJson = path.join(out, "playwright.json");
  const steps = [];
  const step = (name, command, args, env = {}) => {
    console.log(`\n=== ${name} ===`);
    const started = Date.now();
    const status = run(command, args, { env: { ...process.env, ...env } });
    steps.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
  };

  step("type-check", bin("tsc"), ["--noEmit"]);
  step("lint", bin("biome"), ["check", "."]);
  step("unit and integration (vitest)", bin("vitest"), [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestJson}`,
  ]);
  step("end-to-end (playwright, chromium)", bin("playwright"), ["test", "--reporter=list,json"], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
  });

  const vitest = readJson(vitestJson);
  const playwright = readJson(playwrightJson);
  const passed = (vitest?.numPassedTests ?? 0) + (playwright?.stats?.expected ?? 0);
  const failed =
    (vitest?.numFailedTests ?? 0) + (playwright?.stats?.unexpected ?? 0) + (playwright?.stats?.flaky ?? 0);
  const skipped =
    (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (playwright?.stats?.skipped ?? 0);
  rmSync(out, { recursive: true, force: true });

  console.log("\n=== summary ===");
  for (const s of steps) console.log(`${s.ok ? "ok  " : "FAIL"} ${s.name} (${s.seconds.toFixed(1)} s)`);
  const stepFailures = steps.filter((s) => !s.ok).length;
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return stepFailures === 0 && failed === 0 && passed > 0 ? 0 : 1;
}

function start() {
  return run(path.join(root, "bin", "auditscope"), ["serve", ...process.argv.slice(3)]);
}

try {
  ensureNodeModules();
  if (mode === "test") process.exitCode = test();
  else if (mode === "start") process.exitCode = start();
  else throw new Error(`unknown mode '${mode}' (start or test)`);
} catch (error) {
  console.error(`setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
