// Generates the Prisma client offline. `prisma generate` never runs the schema
// engine, but the CLI insists on locating one, and it cannot be downloaded here:
// point it at a stub.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
if (!existsSync(prismaCli)) {
  console.error("generate-client: the prisma package is not installed; run npm install");
  process.exit(1);
}
const stubDir = path.join(tmpdir(), "auditscope-prisma-stub");
mkdirSync(stubDir, { recursive: true });
const stub = path.join(stubDir, "schema-engine");
writeFileSync(stub, "#!/bin/sh\necho 'schema engine not available offline' >&2\nexit 1\n");
chmodSync(stub, 0o755);

const result = spawnSync(process.execPath, [prismaCli, "generate"], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: stub,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
