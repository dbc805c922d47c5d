import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { staleBuildReason } from "../../lib/cli/build-freshness";
import { SERVER_HEAP_FLAGS, SERVER_MALLOC_ENV } from "../../lib/cli/node-flags";
import { parseOptions, parsePort } from "../../lib/cli/parse-options";
import { loadDemoIfEmpty } from "../../lib/ingest/demo";
import { warmReportCache } from "../../lib/reports";
import { databasePath, openDatabase } from "../../lib/store/db";
import { projectRoot } from "../../lib/store/migrate";

const HELP = `Usage: auditscope serve [--db FILE] [--port N] [--host H]

Applies database migrations, loads the demo dataset into an empty database (unless
AUDITSCOPE_NO_DEMO is set), builds the dashboard if the build is missing or stale, and
serves it (default http://127.0.0.1:3000; PORT and HOST are read too).
`;

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    db: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const root = projectRoot();
  const file = path.resolve(values.db ?? databasePath());
  const port = parsePort(values.port ?? process.env.PORT, 3000);
  const host = values.host ?? process.env.HOST ?? "127.0.0.1";

  const db = openDatabase(file);
  try {
    if (!process.env.AUDITSCOPE_NO_DEMO) {
      const demo = await loadDemoIfEmpty(db);
      if (demo?.dataset) {
        await warmReportCache(db, demo.dataset);
        process.stderr.write(
          `auditscope: loaded the demo dataset (${demo.events.toLocaleString("en-US")} events)\n`,
        );
      }
    }
  } finally {
    db.close();
  }

  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const env = { ...process.env, AUDITSCOPE_DB: file, NEXT_TELEMETRY_DISABLED: "1" };
  const stale = staleBuildReason(root);
  if (stale) {
    process.stderr.write(`auditscope: building the dashboard (${stale})…\n`);
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      cwd: root,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (build.status !== 0) throw new Error("the dashboard build failed (see above)");
  }

  process.stderr.write(`auditscope: serving ${file} on http://${host}:${port}\n`);
  const server = spawn(
    process.execPath,
    [...SERVER_HEAP_FLAGS, nextBin, "start", "--port", String(port), "--hostname", host],
    {
      cwd: root,
      // Over the CLI's own settings, which bin/auditscope put in this process's environment.
      env: { ...env, ...SERVER_MALLOC_ENV },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => server.kill(signal));
  }
  return new Promise((resolve) => {
    server.on("exit", (code, signal) => resolve(code ?? (signal ? 0 : 1)));
  });
}
