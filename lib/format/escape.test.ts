import { describe, expect, it } from "vitest";
import { escapeInvisible } from "./escape";

describe("escapeInvisible", () => {
  it("shows terminal escapes, DEL and C1 controls as \\xNN", () => {
    expect(escapeInvisible("a\x1b[31mred\x07\x7f\x85")).toBe("a\\x1b[31mred\\x07\\x7f\\x85");
    expect(escapeInvisible("tab\there\r\n")).toBe("tab\\x09here\\x0d\\x0a");
  });
  it("shows bidi overrides and zero-width characters as \\uNNNN", () => {
    expect(escapeInvisible("invoice\u202Efdp.exe")).toBe("invoice\\u202efdp.exe");
    expect(escapeInvisible("ro\u200Bot\uFEFF")).toBe("ro\\u200bot\\ufeff");
  });
  it("leaves ordinary text, including non-Latin letters, alone", () => {
    expect(escapeInvisible('/home/jürgen/данные 東京 "x" <b>')).toBe('/home/jürgen/данные 東京 "x" <b>');
  });
});
