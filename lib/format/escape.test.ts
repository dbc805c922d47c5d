import { describe, expect, it } from "vitest";
import { escapeInvisible, jsonWithoutInvisible } from "./escape";

describe("escapeInvisible", () => {
  it("shows terminal escapes, DEL and C1 controls as \\xNN", () => {
    expect(escapeInvisible("a\x1b[31mred\x07\x7f\x85")).toBe("a\\x1b[31mred\\x07\\x7f\\x85");
    expect(escapeInvisible("tab\there\r\n")).toBe("tab\\x09here\\x0d\\x0a");
  });
  it("shows bidi overrides and zero-width characters as \\uNNNN", () => {
    expect(escapeInvisible("invoice\u202Efdp.exe")).toBe("invoice\\u202efdp.exe");
    expect(escapeInvisible("ro\u200Bot\uFEFF")).toBe("ro\\u200bot\\ufeff");
  });
  it("shows the other characters that hide or reorder text: soft hyphen, fillers, separators, tags", () => {
    expect(escapeInvisible("r\u00ADm -rf")).toBe("r\\xadm -rf");
    expect(escapeInvisible("a\u061Cb\u2028c\u2029d")).toBe("a\\u061cb\\u2028c\\u2029d");
    expect(escapeInvisible("\u115F\u1160\u3164\uFFA0\u180E")).toBe("\\u115f\\u1160\\u3164\\uffa0\\u180e");
    // "hi" in tag characters: invisible in most fonts, read by some tools and models.
    expect(escapeInvisible("ok\u{E0068}\u{E0069}")).toBe("ok\\u{e0068}\\u{e0069}");
    // Variation selectors can carry bytes too (one per selector); Braille blank and CGJ show nothing.
    expect(escapeInvisible("a\uFE0F\u{E0100}\u2800\u034F")).toBe("a\\ufe0f\\u{e0100}\\u2800\\u034f");
  });
  it("leaves ordinary text, including non-Latin letters, alone", () => {
    expect(escapeInvisible('/home/jürgen/данные 東京 "x" <b>')).toBe('/home/jürgen/данные 東京 "x" <b>');
  });
});

describe("jsonWithoutInvisible", () => {
  it("writes every invisible character as an escape that JSON.parse reads back", () => {
    const value = { name: "a\u202Eb\u00AD\u2028\u{E0041}\x85\x1b", plain: "данные 東京 🙂" };
    const json = jsonWithoutInvisible(value);
    expect(json).toBe(
      '{"name":"a\\u202eb\\u00ad\\u2028\\udb40\\udc41\\u0085\\u001b","plain":"данные 東京 🙂"}',
    );
    expect(JSON.parse(json)).toEqual(value);
  });
});
