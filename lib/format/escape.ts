// Characters that show nothing, or change how the text around them shows: C0 controls, DEL, C1
// controls; the soft hyphen and the combining grapheme joiner; bidi marks, overrides and isolates
// (U+061C, U+200E/F, U+202A–E, U+2066–9); zero-width and invisible separators, fillers and blanks
// (U+115F/60, U+17B4/5, U+180B–F, U+200B–D, U+2060–4, U+2800, U+3164, U+FFA0, U+1D173–A); line
// and paragraph separators (U+2028/9); the BOM; interlinear annotations (U+FFF9–B); variation
// selectors (U+FE00–F, U+E0100–EF) and tag characters (U+E0000–7F), which can carry hidden text.
const INVISIBLE_CLASS =
  "\\x7f-\\x9f\\xad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2028-\\u202e" +
  "\\u2060-\\u2069\\u2800\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\ufffb\\u{1d173}-\\u{1d17a}" +
  "\\u{e0000}-\\u{e007f}\\u{e0100}-\\u{e01ef}";
const INVISIBLE = new RegExp(`[\\x00-\\x1f${INVISIBLE_CLASS}]`, "gu");
// JSON.stringify escapes C0 controls itself.
const INVISIBLE_IN_JSON = new RegExp(`[${INVISIBLE_CLASS}]`, "gu");

const hex = (code: number, width: number) => code.toString(16).padStart(width, "0");

/**
 * Makes every control, bidi and invisible character visible as an escape (`\x1b`, `\u202e`,
 * `\u{e0041}`), as auparse's escaping does, so log text can never drive a terminal, reorder what
 * is shown, or hide words in it.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.codePointAt(0) as number;
    if (code <= 0xff) return `\\x${hex(code, 2)}`;
    return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\u{${hex(code, 0)}}`;
  });
}

/**
 * JSON in which no invisible character is written raw: JSON.stringify escapes C0 controls, and
 * this the rest (as `\u202e`, a tag character as its surrogate pair), so JSON printed to a
 * terminal cannot drive it or reorder the text; JSON.parse gives every string back unchanged.
 */
export function jsonWithoutInvisible(value: unknown): string {
  return JSON.stringify(value).replace(INVISIBLE_IN_JSON, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${hex(c.charCodeAt(i), 4)}`).join(""),
  );
}
