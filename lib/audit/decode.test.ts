import { describe, expect, it } from "vitest";
import { escapeInvisible } from "../format/escape";
import { latin1ToName, latin1ToText } from "./decode";

describe("decoding a log's bytes", () => {
  // A host named web01 after UTF-8's byte order mark is another host than web01.
  const impostor = "\xef\xbb\xbfweb01";

  it("keeps a leading byte order mark as part of the value, shown escaped", () => {
    expect(latin1ToText(impostor)).toBe("\ufeffweb01");
    expect(escapeInvisible(latin1ToText(impostor))).toBe("\\ufeffweb01");
  });

  it("names the value by all of its characters, so a filter tells it from web01", () => {
    expect(latin1ToName(impostor)).toBe("\ufeffweb01");
    expect(latin1ToName(impostor)).not.toBe("web01");
  });
});
