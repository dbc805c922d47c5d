import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited early (status ${server.exitCode})`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server did not answer at ${url} within ${timeoutMs / 1000}s`);
}

/**
 * One production server for the whole run, on a free port and a fresh database, through the
 * same `auditscope serve` that `npm start` uses (it builds when the build is stale).
 */
export default async function globalSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), "auditscope-e2e-"));
  const db = path.join(dir, "e2e.db");
  const port = await freePort();
  const root = path.resolve(import.meta.dirname, "..");
  const server = spawn(path.join(root, "bin", "auditscope"), ["serve", "--db", db, "--port", String(port)], {
    cwd: root,
    env: { ...process.env, AUDITSCOPE_NO_DEMO: "1" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const baseURL = `http://127.0.0.1:${port}`;
  process.env.E2E_BASE_URL = baseURL;
  process.env.E2E_DB = db;
  process.env.E2E_SERVER_PID = String(server.pid);
  await waitForServer(baseURL, server, 600_000);

  return async () => {
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
}
