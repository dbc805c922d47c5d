import path from "node:path";
import { defineConfig } from "prisma/config";

// The CLI is used only for `prisma generate`; migrations are plain SQL applied by
// lib/store/migrate.ts, because the schema engine cannot be downloaded offline.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: `file:${path.resolve(process.env.AUDITSCOPE_DB ?? "data/auditscope.db")}`,
  },
});
