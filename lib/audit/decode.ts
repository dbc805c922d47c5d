const HEX = /^(?:[0-9A-Fa-f]{2})+$/;
// ignoreBOM keeps a leading U+FEFF as part of the value, to be shown escaped: dropped,
// `node=\xEF\xBB\xBFweb01` would read as the host web01.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function isHex(value: string): boolean {
  return HEX.test(value);
}

/** The bytes, in an array of their own (not a view into Buffer's shared pool). */
export function hexToBytes(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** Bytes as text: UTF-8 where valid; otherwise bytes 0x80–0xFF become `\xNN`, so nothing is lost silently. */
export function bytesToText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    let out = "";
    for (const byte of bytes)
      out += byte < 0x80 ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
    return out;
  }
}

/** A latin1 line's substring (one char per byte) back to text, decoding any UTF-8 in it. */
export function latin1ToText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for bytes above ASCII
  return /[^\x00-\x7f]/.test(value) ? bytesToText(Buffer.from(value, "latin1")) : value;
}

/** Text as typed (a node name in a filter) to the bytes UTF-8 gives it, one char per byte as the store keeps them. */
export function textToLatin1(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for characters above ASCII
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value;
}

/**
 * A value kept as the log's bytes, as text to name it by (in a URL, a filter): its UTF-8
 * decoded; bytes that are not UTF-8 as they are, one char per byte (so `textToLatin1` of the
 * result, or the result itself, is the value again).
 */
export function latin1ToName(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for bytes above ASCII
  if (!/[^\x00-\x7f]/.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, "latin1"));
  } catch {
    return value;
  }
}
