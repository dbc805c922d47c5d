// C0 controls, DEL, C1 controls; bidi overrides and isolates; zero-width characters and the BOM.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must be made visible
const INVISIBLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Makes every control, bidi and zero-width character visible as an escape (`\x1b`, `\u202e`),
 * as auparse's escaping does, so log text can never drive a terminal or reorder what is shown.
 */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// What JSON.stringify leaves raw: DEL, C1 controls, bidi, zero-width and the BOM.
const INVISIBLE_IN_JSON = /[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * JSON in which no invisible character is written raw: JSON.stringify escapes C0 controls, and
 * this the rest (as `\u202e`), so JSON printed to a terminal cannot drive it or reorder the text;
 * JSON.parse gives every string back unchanged.
 */
export function jsonWithoutInvisible(value: unknown): string {
  return JSON.stringify(value).replace(
    INVISIBLE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
