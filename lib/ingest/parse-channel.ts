import path from "node:path";
import { Worker } from "node:worker_threads";
import { projectRoot } from "../store/migrate";
import { type ParseMessage, ParseSide, type ParseSideOptions, type ReadMessage } from "./parse-side";

/** The reading side's handle on the parse side, wherever that runs. */
export interface ParseChannel {
  send(message: ReadMessage): void;
  close(): Promise<void>;
}

type Listener = (message: ParseMessage) => void;
type ErrorListener = (error: Error) => void;

/** Parses on this thread: for small inputs and environments without workers. */
export function inlineChannel(options: ParseSideOptions, onMessage: Listener): ParseChannel {
  const side = new ParseSide(options);
  return {
    send: (message) => side.handle(message, onMessage),
    close: async () => undefined,
  };
}

/**
 * Parses in a worker thread, so parsing (one core) and SQLite writes (the other) overlap.
 * The worker runs the TypeScript sources through the project's tsx loader.
 */
export function workerChannel(
  options: ParseSideOptions,
  onMessage: Listener,
  onError: ErrorListener,
): ParseChannel {
  const root = projectRoot();
  const worker = new Worker(new URL("./parse-worker.ts", import.meta.url), {
    workerData: options,
    // From the sources (CLI, tests) the worker needs the tsx loader; in the server's build it is
    // a bundled JavaScript chunk and starts without it (the loader alone costs ~50 MB).
    execArgv: import.meta.url.endsWith(".ts") ? ["--import", path.join(root, "bin", "register-tsx.mjs")] : [],
    // Its live data is small (open events, one batch); a capped old generation keeps the ingest's
    // memory flat. The young one is roomy: parsing makes short-lived strings by the million, and
    // at 16 MB scavenges took a quarter of the worker's time (48 MB: an eighth, +10 MB RSS).
    resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 48 },
  });
  worker.on("message", (message: ParseMessage | { kind: "error"; message: string }) => {
    if (message.kind === "error") onError(new Error(`parse worker: ${message.message}`));
    else onMessage(message);
  });
  worker.on("error", onError);
  worker.on("exit", (code) => {
    if (code !== 0) onError(new Error(`parse worker exited with status ${code}`));
  });
  return {
    send: (message) => {
      if (message.kind === "chunk") worker.postMessage(message, [message.data.buffer as ArrayBuffer]);
      else worker.postMessage(message);
    },
    close: async () => {
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
