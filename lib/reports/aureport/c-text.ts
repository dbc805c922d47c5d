/**
 * The C string functions aureport's parser is written with, on JS latin1 strings (one char per
 * byte): its results depend on their exact behaviour (strtoul's wrap-around, unescape stopping at
 * a NUL), so they are reproduced rather than replaced by "better" parsing.
 */

const U32 = 2 ** 32;
const ULONG_MAX = 2n ** 64n - 1n;

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

export function isXDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function digitValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return 99;
}

/**
 * strtoul(text + from, NULL, base) as glibc does it on 64-bit, kept to the low 32 bits (what
 * uid_t, pid_t and int hold): leading blanks, a sign, digits until the first non-digit, `end`
 * being where the caller put its NUL. NaN when errno would be ERANGE (more than 64 bits).
 */
export function strtoul(text: string, from: number, end: number, base = 10): number {
  let i = from;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (i < end && (sign === 0x2b || sign === 0x2d)) {
    negative = sign === 0x2d;
    i++;
  }
  if (base === 16 && text.charCodeAt(i) === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78) {
    if (i + 2 < end && digitValue(text.charCodeAt(i + 2)) < 16) i += 2;
  }
  while (i < end && text.charCodeAt(i) === 0x30) i++;
  const start = i;
  // Up to 13 digits fit a double exactly; longer runs (rare) go through BigInt.
  let low = 0;
  while (i < end) {
    const d = digitValue(text.charCodeAt(i));
    if (d >= base) break;
    if (i - start < 13) low = low * base + d;
    i++;
  }
  if (i - start >= 13) {
    const digits = text.slice(start, i);
    const big = BigInt(base === 16 ? `0x${digits}` : digits);
    if (big > ULONG_MAX) return Number.NaN;
    low = Number(big % BigInt(U32));
  } else low %= U32;
  return negative && low !== 0 ? U32 - low : low;
}

/** A low-32-bit value read as a signed int: (int)strtoul(...), printf("%d") of a uid_t. */
export function toI32(u32: number): number {
  return u32 >= 2 ** 31 ? u32 - U32 : u32;
}

/** The C string at `from`: up to the first NUL (or the end). */
export function cString(text: string, from: number): string {
  const nul = text.indexOf("\0", from);
  return nul === -1 ? text.slice(from) : text.slice(from, nul);
}

/**
 * ausearch's unescape(): `(null)`-style values up to the `)`; otherwise the run of hex digits,
 * decoded two by two (an odd last digit pairs with the terminator as 0), cut at the first NUL
 * byte. null when there are fewer than two digits (or no `)`).
 */
export function unescapeHex(text: string, from: number): string | null {
  if (text.charCodeAt(from) === 0x28 /* ( */) {
    const close = text.indexOf(")", from);
    return close === -1 ? null : text.slice(from, close + 1);
  }
  let end = from;
  while (end < text.length && isXDigit(text.charCodeAt(end))) end++;
  const length = end - from;
  if (length < 2) return null;
  let out = "";
  for (let i = from; i < end; i += 2) {
    const hi = digitValue(text.charCodeAt(i));
    const lo = i + 1 < end ? digitValue(text.charCodeAt(i + 1)) : 0;
    const byte = (hi << 4) | lo;
    if (byte === 0) break;
    out += String.fromCharCode(byte);
  }
  return out;
}
