const SPACE = 0x20;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Where a record's fields are in its line, found without copying any text: building a Map of ~25
 * sliced strings for every record was most of parsing's time and garbage, and most readers look
 * at a few fields or none. The list holds every `k=v` as written, duplicates included;
 * `fieldsToMap` and `lookupField` apply the rules for duplicates, so both give the same answers.
 *
 * Layout: a header of HEADER slots (flags, then a 62-bit Bloom filter of the keys' signatures in
 * two halves), then 4 numbers per entry, `[meta, a, b, c]`, meta = signature << SIG_SHIFT
 * | REPLACE? | kind. For PLAIN the key is text[a, b) (b is the `=`) and the value text[b + 1, c);
 * OLD is the same with `old-` before the key; SERESULT and SEPERMS have a fixed key and the value
 * text[a, b). A PART entry starts the fields of a single-quoted `msg='…'`, read after the
 * record's own. The signature (see `signature`) lets a lookup pass over most keys with one
 * comparison, and the filter answers most lookups of absent keys without a pass.
 */
export type FieldList = number[];

const PLAIN = 0;
const OLD = 1;
const SERESULT = 2;
const SEPERMS = 3;
const PART = 4;
const KIND_MASK = 7;
/** Set unconditionally (`new auid=…`, the SELinux words), not only when the key is new. */
const REPLACE = 8;
const SIG_SHIFT = 4;
const SIG_MASK = 0xffffff;
// The header's slots, and the flag of the first.
const FLAGS = 0;
const FILTER_LOW = 1;
const FILTER_HIGH = 2;
const HEADER = 3;
const HAS_REPLACE = 1;
/** Bits used in each half of the filter, so that they stay small integers (no sign bit). */
const FILTER_BITS = 31;
const STRIDE = 4;
/** See `isLong`. */
const MAX_LINEAR_ENTRIES = 48;

/** A key's length and first and last characters, mixed into 24 bits. */
function signature(length: number, first: number, last: number): number {
  return ((length * 31 + first) * 31 + last) & SIG_MASK;
}

function nameSignature(name: string): number {
  return signature(name.length, name.charCodeAt(0), name.charCodeAt(name.length - 1));
}

const SERESULT_SIGNATURE = nameSignature("seresult");
const SEPERMS_SIGNATURE = nameSignature("seperms");

/** `text.indexOf(char, from)` within text[…, end): -1 past it. */
function indexBefore(text: string, char: string, from: number, end: number): number {
  const at = text.indexOf(char, from);
  return at === -1 || at >= end ? -1 : at;
}

function isWord(text: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && text.startsWith(word, start);
}

/** What String.prototype.trim removes. */
function isTrimmed(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Builds FieldLists. One is reused for every record (a scan never calls out), so a record costs
 * one exact-size array and no regrowing.
 */
class ListBuilder {
  private slots: number[] = [];
  private used = 0;
  /** Bounds of the `msg='…'` parts found in the record's own fields. */
  private readonly parts: number[] = [];
  private partsUsed = 0;

  /** See scanFields. */
  build(text: string, start: number, end: number, interpreted: boolean): FieldList {
    this.used = HEADER;
    this.partsUsed = 0;
    this.slots[FLAGS] = 0;
    this.slots[FILTER_LOW] = 0;
    this.slots[FILTER_HIGH] = 0;
    this.scan(text, start, end, interpreted, true);
    // Quoted parts inside the inner fields are not read again.
    for (let p = 0; p < this.partsUsed; p += 2) {
      this.push(PART, 0, 0, 0);
      this.scan(text, this.parts[p] as number, this.parts[p + 1] as number, interpreted, false);
    }
    const list = this.slots.slice(0, this.used);
    // After a huge line, let the big array go.
    if (this.used > 16 * 1024) this.slots = [];
    return list;
  }

  private push(meta: number, a: number, b: number, c: number): void {
    const slots = this.slots;
    let used = this.used;
    slots[used++] = meta;
    slots[used++] = a;
    slots[used++] = b;
    slots[used++] = c;
    this.used = used;
  }

  private add(kind: number, replace: boolean, keySignature: number, a: number, b: number, c: number): void {
    const slots = this.slots;
    if (replace) slots[FLAGS] = HAS_REPLACE;
    const bit = keySignature % (2 * FILTER_BITS);
    if (bit < FILTER_BITS) slots[FILTER_LOW] = (slots[FILTER_LOW] as number) | (1 << bit);
    else slots[FILTER_HIGH] = (slots[FILTER_HIGH] as number) | (1 << (bit - FILTER_BITS));
    this.push((keySignature << SIG_SHIFT) | (replace ? REPLACE : 0) | kind, a, b, c);
  }

  private scan(text: string, from: number, n: number, interpreted: boolean, collectParts: boolean): void {
    let i = from;
    // The last bare word (text without `=`), empty when a field came after it.
    let wordStart = 0;
    let wordEnd = 0;
    while (i < n) {
      while (i < n && text.charCodeAt(i) === SPACE) i++;
      if (i >= n) break;
      const start = i;
      let c = text.charCodeAt(i);
      if (c === OPEN_BRACE) {
        const close = indexBefore(text, "}", i + 1, n);
        const end = close === -1 ? n : close;
        if (isWord(text, wordStart, wordEnd, "denied") || isWord(text, wordStart, wordEnd, "granted")) {
          this.add(SERESULT, true, SERESULT_SIGNATURE, wordStart, wordEnd, 0);
          this.addTrimmed(SEPERMS, SEPERMS_SIGNATURE, text, i + 1, end);
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
        wordStart = start;
        wordEnd = i;
        continue;
      }
      // Old kernels wrote `old auid=1 new auid=2 old ses=3 new ses=4`; today's form is `old-auid=1 auid=2`.
      const old = isWord(text, wordStart, wordEnd, "old");
      const replace = isWord(text, wordStart, wordEnd, "new");
      const keyEnd = i;
      i++; // past '='
      const valueStart = i;
      const first = i < n ? text.charCodeAt(i) : SPACE;
      if (first === DQUOTE || first === SQUOTE) {
        const close = indexBefore(text, first === DQUOTE ? '"' : "'", i + 1, n);
        i = close === -1 ? n : close + 1;
        if (first === SQUOTE && collectParts) this.addPart(valueStart + 1, close === -1 ? n : close);
      } else if (interpreted && !old && isWord(text, start, keyEnd, "proctitle")) {
        i = n;
      } else {
        while (i < n && text.charCodeAt(i) !== SPACE && text.charCodeAt(i) !== CLOSE_BRACE) i++;
      }
      if (old) {
        // `old =v` too: its key is `old-`.
        const last = keyEnd > start ? text.charCodeAt(keyEnd - 1) : 0x2d; // '-'
        this.add(OLD, replace, signature(keyEnd - start + 4, 0x6f /* o */, last), start, keyEnd, i);
      } else if (keyEnd > start) {
        const keySignature = signature(keyEnd - start, text.charCodeAt(start), text.charCodeAt(keyEnd - 1));
        this.add(PLAIN, replace, keySignature, start, keyEnd, i);
      }
      wordStart = wordEnd = 0;
    }
  }

  /** Adds a SELinux word whose value is text[start, end) as `trim()` would leave it. */
  private addTrimmed(kind: number, keySignature: number, text: string, start: number, end: number): void {
    let s = start;
    let e = end;
    while (s < e && isTrimmed(text.charCodeAt(s))) s++;
    while (e > s && isTrimmed(text.charCodeAt(e - 1))) e--;
    this.add(kind, true, keySignature, s, e, 0);
  }

  private addPart(start: number, end: number): void {
    this.parts[this.partsUsed++] = start;
    this.parts[this.partsUsed++] = end;
  }
}

const builder = new ListBuilder();

/**
 * Reads `k=v k="v" k='inner k=v …'` text in text[start, end) into a FieldList, values as written
 * (quotes kept). The inner fields of a single-quoted `msg='…'` (user-space records) are read too,
 * after the outer ones, without replacing them. SELinux's `avc: denied { read } for …` words
 * become `seresult` and `seperms`, as auparse names them. `interpreted` (ausearch -i output)
 * lets `proctitle` run to the end, since it is printed there with its spaces.
 */
export function scanFields(text: string, start: number, end: number, interpreted: boolean): FieldList {
  return builder.build(text, start, end, interpreted);
}

function kindOf(list: FieldList, entry: number): number {
  return (list[entry] as number) & KIND_MASK;
}

function keyOf(list: FieldList, entry: number, text: string): string {
  switch (kindOf(list, entry)) {
    case PLAIN:
      return text.slice(list[entry + 1], list[entry + 2]);
    case OLD:
      return `old-${text.slice(list[entry + 1], list[entry + 2])}`;
    case SERESULT:
      return "seresult";
    default:
      return "seperms";
  }
}

function entryValue(list: FieldList, entry: number, text: string): string {
  const kind = kindOf(list, entry);
  return kind === SERESULT || kind === SEPERMS
    ? text.slice(list[entry + 1], list[entry + 2])
    : text.slice((list[entry + 2] as number) + 1, list[entry + 3]);
}

function sameChars(text: string, at: number, name: string, from: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (text.charCodeAt(at + k) !== name.charCodeAt(from + k)) return false;
  return true;
}

function keyIs(list: FieldList, entry: number, text: string, name: string): boolean {
  const a = list[entry + 1] as number;
  const length = (list[entry + 2] as number) - a;
  switch (kindOf(list, entry)) {
    case PLAIN:
      return length === name.length && sameChars(text, a, name, 0, length);
    case OLD:
      return length + 4 === name.length && name.startsWith("old-") && sameChars(text, a, name, 4, length);
    case SERESULT:
      return name === "seresult";
    case SEPERMS:
      return name === "seperms";
    default:
      return false;
  }
}

/** Whether some key may have this signature (a Bloom filter: false means none has). */
function mayHave(list: FieldList, keySignature: number): boolean {
  const bit = keySignature % (2 * FILTER_BITS);
  return bit < FILTER_BITS
    ? ((list[FILTER_LOW] as number) & (1 << bit)) !== 0
    : ((list[FILTER_HIGH] as number) & (1 << (bit - FILTER_BITS))) !== 0;
}

/**
 * Whether the list has so many entries that lookups should go to a Map of it: searching it once
 * per field (EXECVE's thousand arguments) would be quadratic.
 */
export function isLong(list: FieldList): boolean {
  return list.length > HEADER + MAX_LINEAR_ENTRIES * STRIDE;
}

/** The value `fieldsToMap(list, text).get(name)` would give, without building the Map. */
export function lookupField(list: FieldList, text: string, name: string): string | undefined {
  const wanted = nameSignature(name);
  if (!mayHave(list, wanted)) return undefined;
  const n = list.length;
  let found = -1;
  for (let e = HEADER; e < n; e += STRIDE) {
    if ((list[e] as number) >> SIG_SHIFT === wanted && keyIs(list, e, text, name)) {
      found = e;
      break;
    }
  }
  if (found !== -1 && list[FLAGS] === HAS_REPLACE) {
    // Within the part where the key first appears, the last overriding entry wins; later parts
    // never override (their fields are merged only when new).
    for (let e = found + STRIDE; e < n && kindOf(list, e) !== PART; e += STRIDE) {
      if ((list[e] as number) & REPLACE && keyIs(list, e, text, name)) found = e;
    }
  }
  return found === -1 ? undefined : entryValue(list, found, text);
}

/** The fields as a Map in order of appearance (see `fieldsWithin`). */
export function fieldsToMap(list: FieldList, text: string): Map<string, string> {
  return fieldsWithin(list, text, Number.POSITIVE_INFINITY) ?? new Map();
}

/**
 * The fields as a Map in order of appearance, or null when there are more than `maxFields`. The
 * limit is checked where the one-pass reader this replaced checked it: after each field it set
 * and after each inner field it merged (the SELinux words are set unchecked).
 */
export function fieldsWithin(list: FieldList, text: string, maxFields: number): Map<string, string> | null {
  const into = new Map<string, string>();
  let e = setPart(list, HEADER, text, into, maxFields);
  while (e !== -1 && e < list.length) {
    const nested = new Map<string, string>();
    e = setPart(list, e + STRIDE, text, nested, maxFields); // past the PART entry
    if (e === -1) return null;
    for (const [key, value] of nested) {
      if (!into.has(key)) into.set(key, value);
      if (into.size > maxFields) return null;
    }
  }
  return e === -1 ? null : into;
}

/** Sets entries from `entry` to the next PART; returns where that is (or the end), -1 past the limit. */
function setPart(list: FieldList, entry: number, text: string, into: Map<string, string>, maxFields: number) {
  let e = entry;
  for (; e < list.length; e += STRIDE) {
    const kind = kindOf(list, e);
    if (kind === PART) break;
    const key = keyOf(list, e, text);
    if (kind === SERESULT || kind === SEPERMS) {
      into.set(key, entryValue(list, e, text));
    } else if ((list[e] as number) & REPLACE || !into.has(key)) {
      into.set(key, entryValue(list, e, text));
      if (into.size > maxFields) return -1;
    }
  }
  return e;
}

/**
 * Whether text of this length cannot hold more than `maxFields` distinct fields, so that
 * reading it needs no limit check. Each field takes at least two characters of its own (the last
 * of its key, or the `old` before it, and its `=`); the SELinux words add at most two keys.
 */
export function withinFieldLimit(length: number, maxFields: number): boolean {
  return length / 2 + 2 <= maxFields;
}

/** The value without its surrounding double quotes, if it has them. */
export function unquote(value: string): string {
  return value.length >= 2 && value.charCodeAt(0) === DQUOTE && value.charCodeAt(value.length - 1) === DQUOTE
    ? value.slice(1, -1)
    : value;
}

/** A Map with unquote() applied to its values (ENRICHED fields are read so). */
export function unquoteValues(fields: Map<string, string>): Map<string, string> {
  return new Map([...fields].map(([key, value]) => [key, unquote(value)]));
}
