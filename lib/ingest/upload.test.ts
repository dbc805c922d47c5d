import { describe, expect, it } from "vitest";
import { UploadTooLarge, uploadSources } from "./upload";

const BOUNDARY = "----auditscope-test";

/** A multipart body of these files, sent as chunks with no length said (as a chunked POST). */
function multipart(files: { name: string; content: string }[]): ReadableStream<Uint8Array> {
  const parts = files.map(
    ({ name, content }) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`,
  );
  const chunks = [...parts, `--${BOUNDARY}--\r\n`].map((text) => new TextEncoder().encode(text));
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

const headers = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

/** Each file's name and content, read as an ingest reads them. */
async function readAll(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<[string, string][]> {
  const read: [string, string][] = [];
  for await (const source of uploadSources(body, headers, maxBytes, () => {})) {
    if (source.unreadable !== null) continue;
    let text = "";
    for await (const chunk of source.open()) text += (chunk as Buffer).toString("latin1");
    read.push([source.path, text]);
  }
  return read;
}

describe("uploadSources", () => {
  const line = "type=USER msg=audit(1700000000.000:1): pid=1 uid=0 msg='x'\n";

  it("reads each file of the body as it comes", async () => {
    const files = [
      { name: "a.log", content: line },
      { name: "b.log", content: line.repeat(2) },
    ];
    expect(await readAll(multipart(files), 10_000)).toEqual([
      ["a.log", line],
      ["b.log", line.repeat(2)],
    ]);
  });

  it("names each file as the browser sent its name, in UTF-8", async () => {
    expect(await readAll(multipart([{ name: "été.log", content: line }]), 10_000)).toEqual([
      ["été.log", line],
    ]);
  });

  it("fails an upload whose files, each under the limit, add up to more than it", async () => {
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `part${i}.log`, content: line.repeat(10) }));
    // Each file is 600 bytes; the body over 3,000.
    await expect(readAll(multipart(files), 2_000)).rejects.toBeInstanceOf(UploadTooLarge);
  });
});
