const SPACE = 0x20;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Reads `k=v k="v" k='inner k=v …'` text into `into`, values as written (quotes kept). The
 * inner fields of a single-quoted `msg='…'` (user-space records) are read too, after the outer
 * ones, without replacing them. SELinux's `avc: denied { read } for …` words become `seresult`
 * and `seperms`, as auparse names them. `interpreted` (ausearch -i output) lets `proctitle`
 * run to the end of the line, since it is printed there with its spaces.
 * Returns false when the record has more than `maxFields` fields.
 */
export function parseFields(
  text: string,
  into: Map<string, string>,
  maxFields: number,
  interpreted = false,
): boolean {
  const inner: string[] = [];
  const ok = scan(text, into, maxFields, interpreted, inner);
  if (!ok) return false;
  for (const part of inner) {
    const nested = new Map<string, string>();
    if (!scan(part, nested, maxFields, interpreted, [])) return false;
    for (const [key, value] of nested) {
      if (!into.has(key)) into.set(key, value);
      if (into.size > maxFields) return false;
    }
  }
  return true;
}

function scan(
  text: string,
  into: Map<string, string>,
  maxFields: number,
  interpreted: boolean,
  inner: string[],
): boolean {
  const n = text.length;
  let i = 0;
  let lastWord = "";
  while (i < n) {
    while (i < n && text.charCodeAt(i) === SPACE) i++;
    if (i >= n) break;
    const start = i;
    let c = text.charCodeAt(i);
    if (c === OPEN_BRACE) {
      const close = text.indexOf("}", i + 1);
      const end = close === -1 ? n : close;
      if (lastWord === "denied" || lastWord === "granted") {
        into.set("seresult", lastWord);
        into.set("seperms", text.slice(i + 1, end).trim());
      }
      i = end + 1;
      continue;
    }
    while (i < n) {
      c = text.charCodeAt(i);
      if (c === EQUALS || c === SPACE) break;
      i++;
    }
    if (i >= n || c === SPACE) {
      lastWord = text.slice(start, i);
      continue;
    }
    // Old kernels wrote `old auid=1 new auid=2 old ses=3 new ses=4`; today's form is `old-auid=1 auid=2`.
    const key = lastWord === "old" ? `old-${text.slice(start, i)}` : text.slice(start, i);
    const replace = lastWord === "new";
    i++; // past '='
    const valueStart = i;
    const first = i < n ? text.charCodeAt(i) : SPACE;
    if (first === DQUOTE || first === SQUOTE) {
      const close = text.indexOf(first === DQUOTE ? '"' : "'", i + 1);
      i = close === -1 ? n : close + 1;
      if (first === SQUOTE) inner.push(text.slice(valueStart + 1, close === -1 ? n : close));
    } else if (interpreted && key === "proctitle") {
      i = n;
    } else {
      while (i < n && text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== CLOSE_BRACE) i++;
    }
    if (key.length > 0 && (replace || !into.has(key))) {
      into.set(key, text.slice(valueStart, i));
      if (into.size > maxFields) return false;
    }
    lastWord = "";
  }
  return true;
}

/** The value without its surrounding double quotes, if it has them. */
export function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === DQUOTE && value.charCodeAt(value.length - 1) === DQUOTE
    ? value.slice(1, -1)
    : value;
}
