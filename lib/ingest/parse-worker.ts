import { parentPort, workerData } from "node:worker_threads";
import { type ParseMessage, ParseSide, type ParseSideOptions, type ReadMessage } from "./parse-side";

// The worker thread of an ingest: parses and builds rows while the main thread writes them.
const port = parentPort;
if (!port) throw new Error("parse-worker must run as a worker thread");
const side = new ParseSide(workerData as ParseSideOptions);

function transferables(message: ParseMessage): ArrayBuffer[] {
  if (message.kind !== "batch" && message.kind !== "file-done" && message.kind !== "finish") return [];
  return message.batch.blocks.map((block) => block.data.buffer as ArrayBuffer);
}

port.on("message", (message: ReadMessage) => {
  try {
    side.handle(message, (reply) => port.postMessage(reply, transferables(reply)));
  } catch (error) {
    // The dataset's error is shown on its page: one line; the stack is for the log.
    console.error(error);
    port.postMessage({ kind: "error", message: error instanceof Error ? error.message : String(error) });
  }
});
