import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

// A 500 MB upload through the HTTP route of the real server (the one `npm start` runs), while the
// server process's RSS is sampled from /proc: streaming into ingest must keep it under 400 MB.
const MB = 1024 * 1024;
const BOUNDARY = "----auditscope-memory";

/** Pids of the processes below `root` (`auditscope serve` → node → next-server). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function streamOf(chunks: AsyncIterator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

test("a 500 MB upload keeps the server under 400 MB RSS", async ({ baseURL }) => {
  test.setTimeout(600_000);
  const dir = mkdtempSync(path.join(tmpdir(), "auditscope-upload-memory-"));
  try {
    const file = path.join(dir, "big-audit.log");
    execFileSync(
      process.execPath,
      ["--import", "tsx", path.resolve("bench/generate.ts"), file, "500", "--seed", "12", "--no-story"],
      { stdio: "ignore" },
    );
    const encoder = new TextEncoder();
    async function* parts() {
      yield encoder.encode(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big-audit.log"\r\n\r\n`,
      );
      for await (const chunk of createReadStream(file)) yield new Uint8Array(chunk as Buffer);
      yield encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
    }
    const processes = () => descendants(Number(process.env.E2E_SERVER_PID));
    const baseline = Math.max(...processes().map(rssBytes));
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, ...processes().map(rssBytes));
    }, 100);
    const response = await fetch(`${baseURL}/api/uploads?job=${crypto.randomUUID()}&name=big`, {
      method: "POST",
      body: streamOf(parts()),
      headers: { origin: baseURL as string, "content-type": `multipart/form-data; boundary=${BOUNDARY}` },
      duplex: "half",
    } as RequestInit);
    clearInterval(sampler);
    const result = (await response.json()) as { status: string; events: number; bytes: number };
    expect(response.status).toBe(200);
    expect(result.status).toBe("ready");
    expect(result.bytes).toBe(statSync(file).size);
    expect(result.bytes).toBeGreaterThan(500 * MB * 0.99);
    expect(result.events).toBeGreaterThan(500_000);
    console.log(
      `500 MB upload: server peak RSS ${(peak / MB).toFixed(0)} MB (${(baseline / MB).toFixed(0)} MB before), ${result.events} events`,
    );
    expect(peak).toBeLessThan(400 * MB);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
