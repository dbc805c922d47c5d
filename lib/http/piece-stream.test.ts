import { describe, expect, it } from "vitest";
import { pieceStream } from "./piece-stream";

/** Pieces that note when they are let go (as an export's rows close their cursor). */
function tracked(texts: string[]) {
  const state = { returned: false };
  function* pieces() {
    try {
      yield* texts;
    } finally {
      state.returned = true;
    }
  }
  return { pieces: pieces(), state };
}

describe("pieceStream", () => {
  it("gives every piece to a client that reads, then releases once", async () => {
    const { pieces, state } = tracked(["a,b\n", "1,2\n"]);
    let releases = 0;
    const text = await new Response(pieceStream(pieces, () => releases++, 1000)).text();
    expect(text).toBe("a,b\n1,2\n");
    expect([releases, state.returned]).toEqual([1, true]);
  });

  it("fails and releases what it holds when the client stops reading", async () => {
    const { pieces, state } = tracked(["first\n", "second\n", "third\n"]);
    let releases = 0;
    const reader = pieceStream(pieces, () => releases++, 50).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first\n");
    // The client reads nothing more: past the idle time the body fails.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([releases, state.returned]).toEqual([1, true]);
    await expect(reader.read()).rejects.toThrow(/not read for/);
  });

  it("releases once when the client goes away", async () => {
    const { pieces, state } = tracked(["first\n", "second\n"]);
    let releases = 0;
    const reader = pieceStream(pieces, () => releases++, 1000).getReader();
    await reader.read();
    await reader.cancel();
    expect([releases, state.returned]).toEqual([1, true]);
  });
});
