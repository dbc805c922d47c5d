import path from "node:path";
import { defineConfig } from "vitest/config";
import { HEAP_FLAGS } from "./lib/cli/node-flags.ts";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: [
      "lib/**/*.test.ts",
      "app/**/*.test.ts",
      "bin/**/*.test.ts",
      "components/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    testTimeout: 60_000,
    // Tests run with the heap the server and CLI run with (the upload memory test depends on it).
    execArgv: HEAP_FLAGS,
    hookTimeout: 120_000,
  },
});
