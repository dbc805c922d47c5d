import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateLog } from "@/lib/generator/generate-log";
import { corpusAvailable, corpusPath } from "@/lib/testing/corpus";

// The route handlers called as Next calls them, on a real database file.
const dir = mkdtempSync(path.join(tmpdir(), "auditscope-upload-route-"));
process.env.AUDITSCOPE_DB = path.join(dir, "upload.db");
const { GET, POST } = await import("./route");
const jobRoute = await import("./[job]/route");
const { getStore } = await import("@/lib/store/db");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BOUNDARY = "----auditscope-test-boundary";
const encoder = new TextEncoder();

function multipart(files: { name: string; chunks: Iterable<Uint8Array> }[]): ReadableStream<Uint8Array> {
  function* parts() {
    for (const file of files) {
      yield encoder.encode(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      yield* file.chunks;
      yield encoder.encode("\r\n");
    }
    yield encoder.encode(`--${BOUNDARY}--\r\n`);
  }
  const iterator = parts();
  return new ReadableStream({
    // Like a network peer: each chunk arrives on a later turn of the event loop.
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

function uploadRequest(
  body: ReadableStream<Uint8Array>,
  query: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return new Request(`http://localhost:3000/api/uploads?${new URLSearchParams(query)}`, {
    method: "POST",
    body,
    headers: {
      origin: "http://localhost:3000",
      host: "localhost:3000",
      "content-type": `multipart/form-data; boundary=${BOUNDARY}`,
      ...headers,
    },
    duplex: "half",
  } as RequestInit);
}

const job = () => crypto.randomUUID();

describe("POST /api/uploads", () => {
  beforeAll(() => getStore());

  it("refuses a request from another site", async () => {
    const response = await POST(
      uploadRequest(multipart([]), { job: job() }, { origin: "https://evil.example" }),
    );
    expect(response.status).toBe(403);
  });

  it("answers 413 with a clear message when the declared size is over the limit", async () => {
    process.env.AUDITSCOPE_MAX_UPLOAD = "1000";
    try {
      const response = await POST(uploadRequest(multipart([]), { job: job() }, { "content-length": "5000" }));
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: string }).error).toMatch(
        /over the 1.0 KB limit \(AUDITSCOPE_MAX_UPLOAD\)/,
      );
    } finally {
      delete process.env.AUDITSCOPE_MAX_UPLOAD;
    }
  });

  it("answers 422 and creates nothing when every file is refused", async () => {
    const before = getStore().db.prepare(`SELECT count(*) AS n FROM datasets`).get();
    const png = Buffer.from("89504E470D0A1A0A0000000D49484452", "hex");
    const response = await POST(uploadRequest(multipart([{ name: "x.png", chunks: [png] }]), { job: job() }));
    expect(response.status).toBe(422);
    const body = (await response.json()) as { files: { refused: string }[]; dataset: number | null };
    expect(body.files[0]?.refused).toBe("x.png is not an audit log (it is binary, not text)");
    expect(body.dataset).toBeNull();
    expect(getStore().db.prepare(`SELECT count(*) AS n FROM datasets`).get()).toEqual(before);
  });

  it.skipIf(!corpusAvailable)(
    "ingests several files of one upload, refusing the bad one, and reports the job",
    async () => {
      const id = job();
      const log = readFileSync(corpusPath("audit-userspace/test.log"));
      const response = await POST(
        uploadRequest(
          multipart([
            { name: "notes.txt", chunks: [encoder.encode("just some notes\n")] },
            { name: "test.log", chunks: [log] },
          ]),
          { job: id, name: "two files" },
        ),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        dataset: number;
        events: number;
        files: { path: string; refused: string | null }[];
      };
      expect(body.events).toBe(7);
      // The reports are computed before the upload answers, so the dataset's pages open at once.
      const cached = getStore()
        .db.prepare<[number], { key: string }>(`SELECT key FROM report_cache WHERE dataset_id = ?`)
        .all(body.dataset)
        .map((row) => row.key);
      expect(cached).toContain("summary|all|all");
      expect(cached).toContain("rank:executable|failed|all");
      expect(body.files.map((f) => [f.path, f.refused])).toEqual([
        ["notes.txt", "notes.txt is not an audit log (no audit records in its first 1000 non-empty lines)"],
        ["test.log", null],
      ]);
      const status = await jobRoute.GET(new Request(`http://localhost:3000/api/uploads/${id}`), {
        params: Promise.resolve({ job: id }),
      });
      expect(await status.json()).toMatchObject({ id, state: "ready", bytesReceived: expect.any(Number) });
      expect(((await GET().json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toContain(id);
    },
  );

  it.skipIf(!corpusAvailable)(
    "keeps what a cut-short gzip gave and goes on to the next file of the upload",
    async () => {
      const whole = gzipSync(readFileSync(corpusPath("msticpy/auditd_log.txt")));
      const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
      const log = readFileSync(corpusPath("audit-userspace/test.log"));
      const response = await POST(
        uploadRequest(
          multipart([
            { name: "cut.log.gz", chunks: [cut] },
            { name: "test.log", chunks: [log] },
          ]),
          { job: job() },
        ),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        dataset: number;
        files: { path: string; events: number; malformed: number; refused: string | null }[];
      };
      expect(body.files.map((f) => [f.path, f.refused, f.malformed])).toEqual([
        ["cut.log.gz", null, 1],
        ["test.log", null, 0],
      ]);
      expect(body.files[0]?.events).toBeGreaterThan(500);
      expect(body.files[1]?.events).toBe(7);
      const note = getStore()
        .db.prepare(`SELECT code FROM malformed_lines WHERE dataset_id = ?`)
        .all(body.dataset);
      expect(note).toEqual([{ code: "corrupt-gzip" }]);
    },
  );

  it("cancels a running upload and marks its dataset cancelled", async () => {
    const id = job();
    const chunks = (function* () {
      for (const text of generateLog({ seed: 4, targetBytes: 200_000_000 })) yield encoder.encode(text);
    })();
    const pending = POST(
      uploadRequest(multipart([{ name: "big.log", chunks }]), { job: id, name: "to cancel" }),
    );
    const params = { params: Promise.resolve({ job: id }) };
    for (let i = 0; i < 200; i++) {
      const state = (await (await jobRoute.GET(new Request("http://x"), params)).json()) as {
        bytesReceived: number;
      };
      if (state.bytesReceived > 2_000_000) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cancel = await jobRoute.DELETE(
      new Request("http://localhost:3000/x", {
        method: "DELETE",
        headers: { origin: "http://localhost:3000", host: "localhost:3000" },
      }),
      params,
    );
    expect(cancel.status).toBe(200);
    const body = (await (await pending).json()) as { status: string; dataset: number };
    expect(body.status).toBe("cancelled");
    const row = getStore().db.prepare(`SELECT status FROM datasets WHERE id = ?`).get(body.dataset);
    expect(row).toEqual({ status: "cancelled" });
  });

  it("marks the dataset failed, never ready, when the upload is cut off (a closed tab)", async () => {
    const id = job();
    const log = readFileSync(corpusPath("msticpy/auditd_log.txt"));
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setImmediate(resolve));
        step++;
        if (step === 1) {
          controller.enqueue(
            encoder.encode(
              `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cut.log"\r\n\r\n`,
            ),
          );
        } else if (step === 2) controller.enqueue(log.subarray(0, 200_000));
        else controller.error(new Error("the client went away"));
      },
    });
    const response = await POST(uploadRequest(body, { job: id, name: "cut off" }));
    const result = (await response.json()) as { status: string; dataset: number | null };
    expect(result.status).toBe("failed");
    const row = getStore().db.prepare(`SELECT status FROM datasets WHERE name = 'cut off'`).get();
    expect(row).toEqual({ status: "failed" });
  });
});
