/**
 * Rendering of TTY keystroke data (the hex-decoded `data=` field of `TTY` and
 * `USER_TTY` records). Pure functions, no I/O. Both are total (never throw)
 * and do bounded work per input byte, because the bytes are attacker-typed.
 */

// ---------------------------------------------------------------------------
// (a) aureport token rendering
// ---------------------------------------------------------------------------

/**
 * aureport's key-name table, as [byte sequence (one char per byte), name]:
 * auparse/tty_named_keys.h as compiled into auditd 3.0.9 (extracted from
 * /usr/sbin/aureport; equals the ncurses-derived upstream file. Very old
 * releases had a 40-entry table that named 0x08 "^H", not "backspace").
 * Order matters: aureport takes the FIRST entry that matches, not the
 * longest, so bare ESC must stay last. Entries starting with 0x8F/0x9B are
 * the 8-bit SS3/CSI forms. Unlisted sequences fall back to <esc> followed by
 * a quoted run, exactly as aureport prints them.
 */
export const TTY_NAMED_KEYS: ReadonlyArray<readonly [sequence: string, name: string]> = [
  ["\x01", "^A"],
  ["\x02", "^B"],
  ["\x03", "^C"],
  ["\x04", "^D"],
  ["\x05", "^E"],
  ["\x06", "^F"],
  ["\x07", "^G"],
  ["\x08", "backspace"],
  ["\t", "tab"],
  ["\n", "nl"],
  ["\x0B", "^K"],
  ["\x0C", "^L"],
  ["\r", "ret"],
  ["\x0E", "^N"],
  ["\x0F", "^O"],
  ["\x10", "^P"],
  ["\x11", "^Q"],
  ["\x12", "^R"],
  ["\x13", "^S"],
  ["\x14", "^T"],
  ["\x15", "^U"],
  ["\x16", "^V"],
  ["\x17", "^W"],
  ["\x18", "^X"],
  ["\x19", "^Y"],
  ["\x1A", "^Z"],
  ["\x7F", "backspace"],
  ["\x1B[11;2~", "F13"],
  ["\x1B[11;3~", "F49"],
  ["\x1B[11;4~", "F61"],
  ["\x1B[11;5~", "F25"],
  ["\x1B[11;6~", "F37"],
  ["\x1B[12;2~", "F14"],
  ["\x1B[12;3~", "F50"],
  ["\x1B[12;4~", "F62"],
  ["\x1B[12;5~", "F26"],
  ["\x1B[12;6~", "F38"],
  ["\x1B[13;2~", "F15"],
  ["\x1B[13;3~", "F51"],
  ["\x1B[13;4~", "F63"],
  ["\x1B[13;5~", "F27"],
  ["\x1B[13;6~", "F39"],
  ["\x1B[14;2~", "F16"],
  ["\x1B[14;3~", "F52"],
  ["\x1B[14;5~", "F28"],
  ["\x1B[14;6~", "F40"],
  ["\x1B[15;2~", "F17"],
  ["\x1B[15;3~", "F53"],
  ["\x1B[15;5~", "F29"],
  ["\x1B[15;6~", "F41"],
  ["\x1B[17;2~", "F18"],
  ["\x1B[17;3~", "F54"],
  ["\x1B[17;5~", "F30"],
  ["\x1B[17;6~", "F42"],
  ["\x1B[18;2~", "F19"],
  ["\x1B[18;3~", "F55"],
  ["\x1B[18;5~", "F31"],
  ["\x1B[18;6~", "F43"],
  ["\x1B[19;2~", "F20"],
  ["\x1B[19;3~", "F56"],
  ["\x1B[19;5~", "F32"],
  ["\x1B[19;6~", "F44"],
  ["\x1B[20;2~", "F21"],
  ["\x1B[20;3~", "F57"],
  ["\x1B[20;5~", "F33"],
  ["\x1B[20;6~", "F45"],
  ["\x1B[21;2~", "F22"],
  ["\x1B[21;3~", "F58"],
  ["\x1B[21;5~", "F34"],
  ["\x1B[21;6~", "F46"],
  ["\x1B[23;2~", "F23"],
  ["\x1B[23;3~", "F59"],
  ["\x1B[23;5~", "F35"],
  ["\x1B[23;6~", "F47"],
  ["\x1B[24;2~", "F24"],
  ["\x1B[24;3~", "F60"],
  ["\x1B[24;5~", "F36"],
  ["\x1B[24;6~", "F48"],
  ["\x1BO1;2A", "scroll-backward"],
  ["\x1BO1;2B", "scroll-forward"],
  ["\x1BO1;2C", "shift-right"],
  ["\x1BO1;2D", "shift-left"],
  ["\x1B[192z", "F11"],
  ["\x1B[193z", "resume"],
  ["\x1B[194z", "options"],
  ["\x1B[195z", "undo"],
  ["\x1B[196z", "help"],
  ["\x1B[197z", "copy"],
  ["\x1B[198z", "F17"],
  ["\x1B[199z", "F18"],
  ["\x1B[1;2A", "scroll-backward"],
  ["\x1B[1;2B", "scroll-forward"],
  ["\x1B[1;2C", "shift-right"],
  ["\x1B[1;2D", "shift-left"],
  ["\x1B[1;2F", "shift-end"],
  ["\x1B[1;2H", "shift-home"],
  ["\x1B[200z", "find"],
  ["\x1B[201z", "F20"],
  ["\x1B[208z", "F31"],
  ["\x1B[209z", "F32"],
  ["\x1B[210z", "F33"],
  ["\x1B[211z", "F34"],
  ["\x1B[212z", "F35"],
  ["\x1B[213z", "F36"],
  ["\x1B[214z", "home"],
  ["\x1B[215z", "F38"],
  ["\x1B[216z", "page-up"],
  ["\x1B[217z", "F40"],
  ["\x1B[218z", "B2"],
  ["\x1B[219z", "F42"],
  ["\x1B[220z", "end"],
  ["\x1B[221z", "F44"],
  ["\x1B[222z", "page-down"],
  ["\x1B[224z", "F1"],
  ["\x1B[225z", "F2"],
  ["\x1B[226z", "F3"],
  ["\x1B[227z", "F4"],
  ["\x1B[228z", "F5"],
  ["\x1B[229z", "F6"],
  ["\x1B[230z", "F7"],
  ["\x1B[231z", "F8"],
  ["\x1B[232z", "F9"],
  ["\x1B[233z", "F10"],
  ["\x1B[234z", "F11"],
  ["\x1B[235z", "F12"],
  ["\x1B[2;2~", "shift-insert"],
  ["\x1B[2;5~", "shift-insert"],
  ["\x1B[3;2~", "shift-del"],
  ["\x1B[3;5~", "shift-del"],
  ["\x1B[5;2~", "shift-previous"],
  ["\x1B[5;5~", "shift-previous"],
  ["\x1B[6;2~", "shift-next"],
  ["\x1B[6;5~", "shift-next"],
  ["\x1B[11^", "F23"],
  ["\x1B[11~", "F1"],
  ["\x1B[12^", "F24"],
  ["\x1B[12~", "F2"],
  ["\x1B[13^", "F25"],
  ["\x1B[13~", "F3"],
  ["\x1B[14^", "F26"],
  ["\x1B[14~", "F4"],
  ["\x1B[15^", "F27"],
  ["\x1B[15~", "F5"],
  ["\x1B[17^", "F28"],
  ["\x1B[17~", "F6"],
  ["\x1B[18^", "F29"],
  ["\x1B[18~", "F7"],
  ["\x1B[19^", "F30"],
  ["\x1B[19~", "F8"],
  ["\x1B[20^", "F31"],
  ["\x1B[20~", "F9"],
  ["\x1B[21^", "F32"],
  ["\x1B[21~", "F10"],
  ["\x1B[23$", "F21"],
  ["\x1B[23@", "F43"],
  ["\x1B[23^", "F33"],
  ["\x1B[23~", "F11"],
  ["\x1B[24$", "F22"],
  ["\x1B[24@", "F44"],
  ["\x1B[24^", "F34"],
  ["\x1B[24~", "F12"],
  ["\x1B[25^", "F35"],
  ["\x1B[25~", "F13"],
  ["\x1B[26^", "F36"],
  ["\x1B[26~", "F14"],
  ["\x1B[28^", "F37"],
  ["\x1B[28~", "F15"],
  ["\x1B[29^", "F38"],
  ["\x1B[29~", "F16"],
  ["\x1B[30~", "insert-line"],
  ["\x1B[31^", "F39"],
  ["\x1B[31~", "F17"],
  ["\x1B[32^", "F40"],
  ["\x1B[32~", "F18"],
  ["\x1B[33^", "F41"],
  ["\x1B[33~", "F19"],
  ["\x1B[34^", "F42"],
  ["\x1B[34~", "F20"],
  ["\x1BO2A", "scroll-backward"],
  ["\x1BO2B", "scroll-forward"],
  ["\x1BO2C", "shift-right"],
  ["\x1BO2D", "shift-left"],
  ["\x1BO2P", "F13"],
  ["\x1BO2Q", "F14"],
  ["\x1BO2R", "F15"],
  ["\x1BO2S", "F16"],
  ["\x1BO3P", "F49"],
  ["\x1BO3Q", "F50"],
  ["\x1BO3R", "F51"],
  ["\x1BO3S", "F52"],
  ["\x1BO4P", "F61"],
  ["\x1BO4Q", "F62"],
  ["\x1BO4R", "F63"],
  ["\x1BO5C", "shift-right"],
  ["\x1BO5D", "shift-left"],
  ["\x1BO5F", "shift-end"],
  ["\x1BO5H", "shift-home"],
  ["\x1BO5P", "F25"],
  ["\x1BO5Q", "F26"],
  ["\x1BO5R", "F27"],
  ["\x1BO5S", "F28"],
  ["\x1BO6P", "F37"],
  ["\x1BO6Q", "F38"],
  ["\x1BO6R", "F39"],
  ["\x1BO6S", "F40"],
  ["\x1B[1~", "home"],
  ["\x1B[2$", "shift-insert"],
  ["\x1B[2z", "insert"],
  ["\x1B[2~", "insert"],
  ["\x1B[3$", "shift-del"],
  ["\x1B[3z", "delete"],
  ["\x1B[3~", "delete"],
  ["\x1B[4~", "end"],
  ["\x1B[5$", "shift-previous"],
  ["\x1B[5~", "page-up"],
  ["\x1B[6$", "shift-next"],
  ["\x1B[6~", "page-down"],
  ["\x1B[7$", "shift-home"],
  ["\x1B[7~", "home"],
  ["\x1B[8$", "shift-end"],
  ["\x1B[8^", "delete-eol"],
  ["\x1B[8~", "end"],
  ["\x1B[>M", "mouse"],
  ["\x1B[[A", "F1"],
  ["\x1B[[B", "F2"],
  ["\x1B[[C", "F3"],
  ["\x1B[[D", "F4"],
  ["\x1B[[E", "F5"],
  ["\x9B11~", "F1"],
  ["\x9B12~", "F2"],
  ["\x9B13~", "F3"],
  ["\x9B14~", "F4"],
  ["\x9B15~", "F5"],
  ["\x9B17~", "F6"],
  ["\x9B18~", "F7"],
  ["\x9B19~", "F8"],
  ["\x9B20~", "F9"],
  ["\x9B21~", "F10"],
  ["\x9B23~", "F11"],
  ["\x9B24~", "F12"],
  ["\x9B25~", "F13"],
  ["\x9B26~", "F14"],
  ["\x9B28~", "F15"],
  ["\x9B29~", "F16"],
  ["\x9B31~", "F17"],
  ["\x9B32~", "F18"],
  ["\x9B33~", "F19"],
  ["\x9B34~", "F20"],
  ["\x1B2$", "shift-insert"],
  ["\x1BOA", "up"],
  ["\x1BOB", "down"],
  ["\x1BOC", "right"],
  ["\x1BOD", "left"],
  ["\x1BOE", "B2"],
  ["\x1BOF", "end"],
  ["\x1BOH", "home"],
  ["\x1BOM", "send"],
  ["\x1BOP", "F1"],
  ["\x1BOQ", "F2"],
  ["\x1BOR", "F3"],
  ["\x1BOS", "F4"],
  ["\x1BOT", "F5"],
  ["\x1BOU", "F6"],
  ["\x1BOV", "F7"],
  ["\x1BOW", "F8"],
  ["\x1BOX", "F9"],
  ["\x1BOY", "F10"],
  ["\x1BOZ", "F11"],
  ["\x1BO[", "F12"],
  ["\x1BOl", "F8"],
  ["\x1BOn", "C3"],
  ["\x1BOp", "C1"],
  ["\x1BOq", "C1"],
  ["\x1BOr", "B2"],
  ["\x1BOs", "C3"],
  ["\x1BOt", "F5"],
  ["\x1BOu", "B2"],
  ["\x1BOv", "F7"],
  ["\x1BOw", "A1"],
  ["\x1BOx", "F10"],
  ["\x1BOy", "A3"],
  ["\x1B[9", "delete"],
  ["\x1B[@", "F41"],
  ["\x1B[A", "up"],
  ["\x1B[B", "down"],
  ["\x1B[C", "right"],
  ["\x1B[D", "left"],
  ["\x1B[E", "B2"],
  ["\x1B[F", "end"],
  ["\x1B[G", "B2"],
  ["\x1B[H", "home"],
  ["\x1B[I", "page-up"],
  ["\x1B[L", "insert"],
  ["\x1B[M", "mouse"],
  ["\x1B[N", "F2"],
  ["\x1B[O", "F3"],
  ["\x1B[P", "F4"],
  ["\x1B[Q", "F5"],
  ["\x1B[R", "F6"],
  ["\x1B[S", "F7"],
  ["\x1B[T", "F8"],
  ["\x1B[U", "F9"],
  ["\x1B[V", "F10"],
  ["\x1B[W", "F11"],
  ["\x1B[X", "F12"],
  ["\x1B[Y", "F13"],
  ["\x1B[Z", "back-tab"],
  ["\x1B[[", "F42"],
  ["\x1B[\\", "F43"],
  ["\x1B[]", "F44"],
  ["\x1B[^", "F45"],
  ["\x1B[_", "F46"],
  ["\x1B[`", "F47"],
  ["\x1B[a", "F15"],
  ["\x1B[b", "F16"],
  ["\x1B[c", "shift-right"],
  ["\x1B[d", "shift-left"],
  ["\x1B[e", "F19"],
  ["\x1B[f", "F20"],
  ["\x1B[g", "F21"],
  ["\x1B[h", "F22"],
  ["\x1B[i", "F23"],
  ["\x1B[j", "F24"],
  ["\x1B[k", "F25"],
  ["\x1B[l", "F26"],
  ["\x1B[m", "F27"],
  ["\x1B[n", "F28"],
  ["\x1B[o", "F29"],
  ["\x1B[p", "F30"],
  ["\x1B[q", "F31"],
  ["\x1B[r", "F32"],
  ["\x1B[s", "F33"],
  ["\x1B[t", "F34"],
  ["\x1B[u", "F35"],
  ["\x1B[v", "F36"],
  ["\x1B[w", "F37"],
  ["\x1B[x", "F38"],
  ["\x1B[y", "F39"],
  ["\x1B[z", "F40"],
  ["\x1B[{", "F48"],
  ["\x9B1~", "home"],
  ["\x9B2~", "insert"],
  ["\x9B3~", "delete"],
  ["\x9B4~", "end"],
  ["\x9B5~", "page-up"],
  ["\x9B6~", "page-down"],
  ["\x1BA", "up"],
  ["\x1BB", "down"],
  ["\x1BC", "right"],
  ["\x1BD", "left"],
  ["\x1BF", "end"],
  ["\x1BJ", "clear"],
  ["\x1BP", "delete"],
  ["\x1BQ", "insert"],
  ["\x1BS", "page-down"],
  ["\x1BT", "page-up"],
  ["\x1Bh", "home"],
  ["\x1Bp", "F1"],
  ["\x1Bq", "F2"],
  ["\x1Br", "F3"],
  ["\x1Bs", "F4"],
  ["\x1Bt", "F5"],
  ["\x1Bu", "F6"],
  ["\x1Bv", "F7"],
  ["\x1Bw", "F8"],
  ["\x1B\t", "back-tab"],
  ["\x8FA", "up"],
  ["\x8FB", "down"],
  ["\x8FC", "right"],
  ["\x8FD", "left"],
  ["\x8FE", "begin"],
  ["\x8FM", "send"],
  ["\x8Fq", "C1"],
  ["\x8Fs", "C3"],
  ["\x8Fu", "A3"],
  ["\x8Fw", "A1"],
  ["\x8Fy", "B2"],
  ["\x9BM", "mouse"],
  ["\x9BZ", "back-tab"],
  ["\x1B", "esc"],
];

interface NamedKey {
  readonly token: string;
  readonly length: number;
  /** Position in TTY_NAMED_KEYS: among matches, the lowest wins. */
  readonly rank: number;
}

interface TrieNode {
  readonly next: Map<number, TrieNode>;
  key?: NamedKey;
}

/**
 * TTY_NAMED_KEYS as a trie. aureport scans its ~330 ESC entries linearly per
 * byte; walking the trie (depth <= 8) and keeping the lowest-ranked match on
 * the path gives the same answer in bounded time.
 */
const KEY_TRIE: TrieNode = (() => {
  const root: TrieNode = { next: new Map() };
  TTY_NAMED_KEYS.forEach(([sequence, name], rank) => {
    let node = root;
    for (const ch of sequence) {
      const byte = ch.charCodeAt(0);
      let child = node.next.get(byte);
      if (child === undefined) {
        child = { next: new Map() };
        node.next.set(byte, child);
      }
      node = child;
    }
    node.key ??= { token: `<${name}>`, length: sequence.length, rank };
  });
  return root;
})();

/**
 * How aureport writes one byte inside a quoted run (tty_printable_char in
 * src/ausearch-lookup.c): ASCII printables as-is with `\` and `"` escaped,
 * everything else (controls without a name, 0x7F.., all bytes >= 0x80, since
 * aureport does not decode UTF-8) as a three-digit octal escape.
 */
const QUOTED_BYTE: readonly string[] = Array.from({ length: 256 }, (_, c) => {
  if (c < 0x20 || c > 0x7e) return `\\${c.toString(8).padStart(3, "0")}`;
  const ch = String.fromCharCode(c);
  return ch === "\\" || ch === '"' ? `\\${ch}` : ch;
});

function matchNamedKey(bytes: Uint8Array, pos: number): NamedKey | undefined {
  const first = bytes[pos] ?? 0;
  // aureport's fast path: these bytes never start a named key.
  if (first >= 0x20 && (first < 0x7f || first >= 0xa0)) return undefined;
  let best: NamedKey | undefined;
  let node: TrieNode | undefined = KEY_TRIE;
  for (let k = pos; k < bytes.length; k++) {
    node = node.next.get(bytes[k] ?? 0);
    if (node === undefined) break;
    if (node.key !== undefined && (best === undefined || node.key.rank < best.rank)) best = node.key;
  }
  return best;
}

/**
 * Token rendering identical to the data column of `aureport --tty`
 * (print_tty_data in audit-userspace src/ausearch-lookup.c, auditd 3.0.9):
 * named keys as `<name>`, runs of other bytes in double quotes, tokens joined
 * by commas. Example: `"ls -la",<ret>`.
 *
 * Empty input gives "" (aureport itself prints `conversion error()` for an
 * empty `data=`, which is a property of the hex string, not of the bytes).
 */
export function renderTtyTokens(bytes: Uint8Array): string {
  const out: string[] = [];
  let inQuote = false;
  let pos = 0;
  while (pos < bytes.length) {
    const key = matchNamedKey(bytes, pos);
    if (key !== undefined) {
      if (inQuote) out.push('"');
      inQuote = false;
      if (pos > 0) out.push(",");
      out.push(key.token);
      pos += key.length;
    } else {
      if (!inQuote) out.push(pos > 0 ? ',"' : '"');
      inQuote = true;
      out.push(QUOTED_BYTE[bytes[pos] ?? 0] ?? "");
      pos++;
    }
  }
  if (inQuote) out.push('"');
  return out.join("");
}

// ---------------------------------------------------------------------------
// (b) line editing
// ---------------------------------------------------------------------------

/** One command line as the user left it, after applying the editing keys. */
export interface TtyLine {
  /**
   * Final line text. UTF-8 is decoded (the shell edits whole characters);
   * bytes that are not valid UTF-8 appear as U+FFFD here (exact in `bytes`).
   * Control characters that are not editing keys are kept raw; escape them
   * before display.
   */
  text: string;
  /** Exact bytes of the final line (invalid UTF-8 preserved). */
  bytes: Uint8Array;
  /** Ended by Enter (\r, \n or \r\n). */
  submitted: boolean;
  /** Ended by ^C: the shell discarded it. */
  abandoned: boolean;
  /** Ended by ^D on an empty line: end-of-input (shell exits). */
  eof: boolean;
  /** Tab was pressed: the shell may have inserted text we cannot see. */
  usedCompletion: boolean;
  /** Up/Down, ^P/^N, ^R, M-. … recalled history: text is only what was typed on top. */
  usedHistory: boolean;
  /** Keys whose effect is not modelled (F-keys, ^X, ^_, unknown escapes …): text may differ from what ran. */
  unmodelledKeys: boolean;
  /** Input beyond LINE_CAP characters was dropped. */
  truncated: boolean;
  /** Byte offsets [start, end) of the input that produced this line. */
  start: number;
  end: number;
}

/**
 * Per-line cap, the size of the kernel's canonical-mode line buffer
 * (N_TTY_BUF_SIZE). Together with the scan and yank budgets below it bounds
 * the cost of every key, keeping total work linear in the input.
 */
export const LINE_CAP = 4096;

/** What a key does to the line (readline emacs-mode defaults, as bash uses). */
type EditAction =
  | "enter"
  | "interrupt"
  | "eofOrDeleteChar"
  | "backspace"
  | "deleteChar"
  | "killLineBefore"
  | "killLineAfter"
  | "killSpaceWordBefore"
  | "killWordBefore"
  | "killWordAfter"
  | "left"
  | "right"
  | "home"
  | "end"
  | "wordLeft"
  | "wordRight"
  | "transpose"
  | "yank"
  | "quotedInsert"
  | "acceptAndNext"
  | "complete"
  | "history"
  | "pasteStart"
  | "pasteEnd"
  | "ignore"
  | "unmodelled";

/** Byte-indexed lookup built from [byte, action] pairs. */
function byteTable(
  pairs: ReadonlyArray<readonly [number, EditAction]>,
): ReadonlyArray<EditAction | undefined> {
  const table: Array<EditAction | undefined> = new Array(256).fill(undefined);
  for (const [byte, action] of pairs) table[byte] = action;
  return table;
}

/** Control bytes. Unlisted ones (0x1C-0x1E) are unbound in readline and are inserted raw. */
const CONTROL_ACTIONS = byteTable([
  [0x00, "unmodelled"], // ^@ set-mark
  [0x01, "home"], // ^A
  [0x02, "left"], // ^B
  [0x03, "interrupt"], // ^C (SIGINT discards the line)
  [0x04, "eofOrDeleteChar"], // ^D
  [0x05, "end"], // ^E
  [0x06, "right"], // ^F
  [0x07, "ignore"], // ^G abort: only rings the bell on a plain line
  [0x08, "backspace"], // ^H
  [0x09, "complete"], // Tab
  [0x0a, "enter"], // ^J
  [0x0b, "killLineAfter"], // ^K
  [0x0c, "ignore"], // ^L clear-screen keeps the line
  [0x0d, "enter"], // ^M
  [0x0e, "history"], // ^N next-history
  [0x0f, "acceptAndNext"], // ^O operate-and-get-next
  [0x10, "history"], // ^P previous-history
  [0x11, "ignore"], // ^Q flow control
  [0x12, "history"], // ^R reverse-search-history
  [0x13, "unmodelled"], // ^S flow control or forward-search-history
  [0x14, "transpose"], // ^T
  [0x15, "killLineBefore"], // ^U unix-line-discard
  [0x16, "quotedInsert"], // ^V
  [0x17, "killSpaceWordBefore"], // ^W unix-word-rubout
  [0x18, "unmodelled"], // ^X prefix: we do not know the second key's binding
  [0x19, "yank"], // ^Y
  [0x1a, "unmodelled"], // ^Z
  [0x1f, "unmodelled"], // ^_ undo
  [0x7f, "backspace"], // DEL
]);

/** CSI sequences (ESC [ params final), keyed by params + final. */
const CSI_ACTIONS: Readonly<Record<string, EditAction>> = {
  A: "history",
  B: "history",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "3~": "deleteChar",
  // Ctrl+arrows: forward-/backward-word in Debian's /etc/inputrc.
  "1;5C": "wordRight",
  "1;5D": "wordLeft",
  "5C": "wordRight",
  "5D": "wordLeft",
  "200~": "pasteStart",
  "201~": "pasteEnd",
};

/** SS3 sequences (ESC O final): arrows/Home/End in application-cursor mode. */
const SS3_ACTIONS: Readonly<Record<string, EditAction>> = {
  A: "history",
  B: "history",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
};

/** Meta (ESC + byte) bindings we model; other meta keys are unmodelled. */
const META_ACTIONS = byteTable([
  [0x62, "wordLeft"], // M-b
  [0x66, "wordRight"], // M-f
  [0x64, "killWordAfter"], // M-d
  [0x7f, "killWordBefore"], // M-DEL
  [0x08, "killWordBefore"], // M-^H
  [0x2e, "history"], // M-. yank-last-arg
  [0x5f, "history"], // M-_ yank-last-arg
  [0x3c, "history"], // M-< beginning-of-history
  [0x3e, "history"], // M-> end-of-history
]);

/** Longest CSI we try to parse; longer runs are treated as garbage. */
const MAX_CSI = 16;

/** A line unit: a Unicode code point, or INVALID_BASE + byte for a byte that is not valid UTF-8. */
const INVALID_BASE = 0x110000;

const isBlank = (u: number) => u === 0x20 || u === 0x09;

/**
 * readline's word characters: letters and digits. Non-ASCII characters all
 * count as letters: cheap, and right for what people type in a shell.
 */
const isWordChar = (u: number) =>
  (u >= 0x30 && u <= 0x39) ||
  (u >= 0x41 && u <= 0x5a) ||
  (u >= 0x61 && u <= 0x7a) ||
  (u >= 0x80 && u < INVALID_BASE);

/** Length of a valid UTF-8 sequence at pos (RFC 3629: no overlongs, surrogates or > U+10FFFF), else 0. */
function utf8Length(bytes: Uint8Array, pos: number): number {
  const b0 = bytes[pos] ?? 0;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) len = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 === 0xe0) lo = 0xa0;
    if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 === 0xf0) lo = 0x90;
    if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  if (pos + len > bytes.length) return 0;
  const b1 = bytes[pos + 1] ?? 0;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k < len; k++) {
    const b = bytes[pos + k] ?? 0;
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return len;
}

/** Decodes one unit at pos: [unit, bytes consumed]. */
function readUnit(bytes: Uint8Array, pos: number): [number, number] {
  const b0 = bytes[pos] ?? 0;
  if (b0 < 0x80) return [b0, 1];
  const len = utf8Length(bytes, pos);
  if (len === 0) return [INVALID_BASE + b0, 1];
  let cp = b0 & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) cp = (cp << 6) | ((bytes[pos + k] ?? 0) & 0x3f);
  return [cp, len];
}

/**
 * Gap buffer of fixed capacity: units before the cursor live in
 * [0, gapStart), units after it in [gapEnd, LINE_CAP). Inserting and moving
 * by one are O(1); everything else is at most one copy of LINE_CAP units.
 */
class LineBuffer {
  private readonly buf = new Int32Array(LINE_CAP);
  private gapStart = 0;
  private gapEnd = LINE_CAP;

  /**
   * @param scanBudget total units the scans may step over. Word motions rescan
   * the line and are not paid for by deletions, so M-b M-f over one long word,
   * repeated, would cost LINE_CAP per input byte; the budget caps that.
   */
  constructor(private scanBudget: number) {}

  get cursor(): number {
    return this.gapStart;
  }
  get length(): number {
    return this.gapStart + LINE_CAP - this.gapEnd;
  }
  /**
   * Index reached by stepping back from `from` (<= cursor) while `skip` holds
   * for the unit before it; -1 once the scan budget is spent.
   */
  scanBack(skip: (unit: number) => boolean, from = this.gapStart): number {
    if (from < 0) return -1;
    let i = from;
    while (i > 0 && skip(this.buf[i - 1] ?? 0)) i--;
    return this.charge(from - i) ? i : -1;
  }
  /** Index reached by stepping forward from `from` (>= cursor) while `skip` holds; -1 once the budget is spent. */
  scanForward(skip: (unit: number) => boolean, from = this.gapStart): number {
    if (from < 0) return -1;
    const offset = this.gapEnd - this.gapStart;
    let p = from + offset;
    while (p < LINE_CAP && skip(this.buf[p] ?? 0)) p++;
    return this.charge(p - offset - from) ? p - offset : -1;
  }
  private charge(steps: number): boolean {
    this.scanBudget -= steps;
    return this.scanBudget >= 0;
  }
  clear(): void {
    this.gapStart = 0;
    this.gapEnd = LINE_CAP;
  }
  /** False when full (the unit is dropped). */
  insert(unit: number): boolean {
    if (this.gapStart === this.gapEnd) return false;
    this.buf[this.gapStart++] = unit;
    return true;
  }
  moveTo(target: number): void {
    const pos = Math.max(0, Math.min(target, this.length));
    if (pos < this.gapStart) {
      const n = this.gapStart - pos;
      this.buf.copyWithin(this.gapEnd - n, pos, this.gapStart);
      this.gapStart = pos;
      this.gapEnd -= n;
    } else if (pos > this.gapStart) {
      const n = pos - this.gapStart;
      this.buf.copyWithin(this.gapStart, this.gapEnd, this.gapEnd + n);
      this.gapStart += n;
      this.gapEnd += n;
    }
  }
  /** Removes units [from, cursor) and returns them. */
  deleteBefore(from: number): Int32Array {
    const start = Math.max(0, Math.min(from, this.gapStart));
    const removed = this.buf.slice(start, this.gapStart);
    this.gapStart = start;
    return removed;
  }
  /** Removes units [cursor, to) and returns them. */
  deleteAfter(to: number): Int32Array {
    const n = Math.max(0, Math.min(to, this.length) - this.gapStart);
    const removed = this.buf.slice(this.gapEnd, this.gapEnd + n);
    this.gapEnd += n;
    return removed;
  }
  contents(): Int32Array {
    const out = new Int32Array(this.length);
    out.set(this.buf.subarray(0, this.gapStart));
    out.set(this.buf.subarray(this.gapEnd), this.gapStart);
    return out;
  }
}

function unitsToText(units: Int32Array): string {
  const parts: string[] = [];
  const CHUNK = 1024; // keeps fromCodePoint's argument list small
  for (let i = 0; i < units.length; i += CHUNK) {
    const cps = Array.from(units.subarray(i, i + CHUNK), (u) => (u >= INVALID_BASE ? 0xfffd : u));
    parts.push(String.fromCodePoint(...cps));
  }
  return parts.join("");
}

function unitsToBytes(units: Int32Array): Uint8Array {
  const out: number[] = [];
  for (const u of units) {
    if (u >= INVALID_BASE) out.push(u - INVALID_BASE);
    else if (u < 0x80) out.push(u);
    else if (u < 0x800) out.push(0xc0 | (u >> 6), 0x80 | (u & 0x3f));
    else if (u < 0x10000) out.push(0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f));
    else out.push(0xf0 | (u >> 18), 0x80 | ((u >> 12) & 0x3f), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Reads the escape sequence at pos (bytes[pos] is ESC): [action, bytes consumed]. */
function readEscape(bytes: Uint8Array, pos: number): [EditAction, number] {
  const next = bytes[pos + 1];
  if (next === undefined) return ["unmodelled", 1];
  // ESC ESC: treat the first as a stray key so a following ESC [ C still parses.
  if (next === 0x1b) return ["unmodelled", 1];
  if (next === 0x5b) {
    // CSI: parameter/intermediate bytes 0x20-0x3F, then a final byte 0x40-0x7E.
    let j = pos + 2;
    while (j < bytes.length && j - pos < MAX_CSI) {
      const c = bytes[j] ?? 0;
      if (c >= 0x20 && c <= 0x3f) {
        j++;
        continue;
      }
      if (c >= 0x40 && c <= 0x7e) {
        const key = String.fromCharCode(...bytes.subarray(pos + 2, j + 1));
        return [CSI_ACTIONS[key] ?? "unmodelled", j + 1 - pos];
      }
      break;
    }
    return ["unmodelled", j - pos];
  }
  if (next === 0x4f) {
    const fin = bytes[pos + 2];
    if (fin === undefined) return ["unmodelled", 2];
    return [SS3_ACTIONS[String.fromCharCode(fin)] ?? "unmodelled", 3];
  }
  return [META_ACTIONS[next] ?? "unmodelled", 2];
}

/** Is ESC [ 2 0 1 ~ at pos (end of bracketed paste)? */
function isPasteEnd(bytes: Uint8Array, pos: number): boolean {
  const end = [0x1b, 0x5b, 0x32, 0x30, 0x31, 0x7e];
  return end.every((b, k) => bytes[pos + k] === b);
}

/**
 * Replays readline-style (bash emacs mode) line editing over TTY input and
 * returns the resulting lines in order, the last one unsubmitted if input
 * ended mid-line. Example: `sdo<DEL><DEL>udo id<CR>` gives one submitted
 * line `sudo id`.
 */
export function editTtyLines(bytes: Uint8Array): TtyLine[] {
  const lines: TtyLine[] = [];
  // 64 scanned units per input byte: far above anything typed by a person.
  const line = new LineBuffer(64 * bytes.length + 4 * LINE_CAP);
  // The kill buffer outlives a line (^U, run something else, ^Y brings it back).
  const killed = new KillBuffer();
  let lastWasKill = false;
  // Yanking copies up to LINE_CAP units per key; a budget of the input length
  // stops hostile ^Y^M^Y^M… from producing output quadratic in the input.
  let yankBudget = bytes.length;

  let start = 0;
  let usedCompletion = false;
  let usedHistory = false;
  let unmodelledKeys = false;
  let truncated = false;
  let inPaste = false;

  const finish = (end: number, how: "enter" | "interrupt" | "eof" | "open") => {
    const units = line.contents();
    lines.push({
      text: unitsToText(units),
      bytes: unitsToBytes(units),
      submitted: how === "enter",
      abandoned: how === "interrupt",
      eof: how === "eof",
      usedCompletion,
      usedHistory,
      unmodelledKeys,
      truncated,
      start,
      end,
    });
    line.clear();
    start = end;
    usedCompletion = usedHistory = unmodelledKeys = truncated = inPaste = false;
  };

  const insert = (unit: number) => {
    if (!line.insert(unit)) truncated = true;
  };

  const kill = (removed: Int32Array, backward: boolean, joinPrevious: boolean) => {
    if (removed.length > 0) killed.add(removed, backward, joinPrevious);
    lastWasKill = true;
  };

  const notWordChar = (u: number) => !isWordChar(u);
  const notBlank = (u: number) => !isBlank(u);
  // Target index of a word motion, or -1 when the scan budget is spent.
  const wordStartBefore = () => line.scanBack(isWordChar, line.scanBack(notWordChar));
  const wordEndAfter = () => line.scanForward(isWordChar, line.scanForward(notWordChar));
  const blankWordStartBefore = () => line.scanBack(notBlank, line.scanBack(isBlank));
  /** Applies a word-based edit unless its scan ran out of budget. */
  const withTarget = (target: number, apply: (target: number) => void) => {
    if (target < 0) unmodelledKeys = true;
    else apply(target);
  };

  let pos = 0;
  while (pos < bytes.length) {
    const b = bytes[pos] ?? 0;

    if (inPaste) {
      // Bracketed paste: everything up to ESC [201~ is inserted literally.
      if (b === 0x1b && isPasteEnd(bytes, pos)) {
        inPaste = false;
        pos += 6;
      } else {
        const [unit, used] = readUnit(bytes, pos);
        insert(unit);
        pos += used;
      }
      lastWasKill = false;
      continue;
    }

    let action: EditAction | undefined;
    let used = 1;
    if (b === 0x1b) [action, used] = readEscape(bytes, pos);
    else if (b < 0x20 || b === 0x7f) action = CONTROL_ACTIONS[b];

    if (action === undefined) {
      const [unit, n] = readUnit(bytes, pos);
      insert(unit);
      pos += n;
      lastWasKill = false;
      continue;
    }

    pos += used;
    const wasKill = lastWasKill;
    lastWasKill = false;
    switch (action) {
      case "enter":
        // \r\n is one Enter (a terminal or pasted text sending both).
        if (b === 0x0d && bytes[pos] === 0x0a) pos++;
        finish(pos, "enter");
        break;
      case "acceptAndNext":
        finish(pos, "enter");
        usedHistory = true; // the next line starts pre-filled from history
        break;
      case "interrupt":
        finish(pos, "interrupt");
        break;
      case "eofOrDeleteChar":
        if (line.length === 0) finish(pos, "eof");
        else line.deleteAfter(line.cursor + 1);
        break;
      case "backspace":
        line.deleteBefore(line.cursor - 1);
        break;
      case "deleteChar":
        line.deleteAfter(line.cursor + 1);
        break;
      case "killLineBefore":
        kill(line.deleteBefore(0), true, wasKill);
        break;
      case "killLineAfter":
        kill(line.deleteAfter(line.length), false, wasKill);
        break;
      case "killSpaceWordBefore":
        // unix-word-rubout: words are delimited by blanks only.
        withTarget(blankWordStartBefore(), (t) => kill(line.deleteBefore(t), true, wasKill));
        break;
      case "killWordBefore":
        withTarget(wordStartBefore(), (t) => kill(line.deleteBefore(t), true, wasKill));
        break;
      case "killWordAfter":
        withTarget(wordEndAfter(), (t) => kill(line.deleteAfter(t), false, wasKill));
        break;
      case "left":
        line.moveTo(line.cursor - 1);
        break;
      case "right":
        line.moveTo(line.cursor + 1);
        break;
      case "home":
        line.moveTo(0);
        break;
      case "end":
        line.moveTo(line.length);
        break;
      case "wordLeft":
        withTarget(wordStartBefore(), (t) => line.moveTo(t));
        break;
      case "wordRight":
        withTarget(wordEndAfter(), (t) => line.moveTo(t));
        break;
      case "transpose": {
        // readline transpose-chars: at end of line swap the last two chars.
        if (line.length < 2 || line.cursor === 0) break;
        if (line.cursor === line.length) line.moveTo(line.cursor - 1);
        const [after] = line.deleteAfter(line.cursor + 1);
        const [before] = line.deleteBefore(line.cursor - 1);
        if (after !== undefined) line.insert(after);
        if (before !== undefined) line.insert(before);
        break;
      }
      case "yank": {
        const text = killed.contents();
        if (text.length > yankBudget) {
          unmodelledKeys = true;
          break;
        }
        yankBudget -= text.length;
        for (const u of text) insert(u);
        break;
      }
      case "quotedInsert":
        // ^V inserts the next character literally, whatever it is.
        if (pos < bytes.length) {
          const [unit, n] = readUnit(bytes, pos);
          insert(unit);
          pos += n;
        }
        break;
      case "complete":
        usedCompletion = true;
        break;
      case "history":
        usedHistory = true;
        break;
      case "pasteStart":
        inPaste = true;
        break;
      case "pasteEnd":
      case "ignore":
        break;
      case "unmodelled":
        unmodelledKeys = true;
        break;
    }
  }

  if (pos > start) finish(pos, "open");
  return lines;
}

/**
 * readline's kill buffer (one entry). Consecutive kills join into one entry,
 * backward ones in front; the entry lives in the middle of a 2×LINE_CAP array
 * so both joins cost only the killed length.
 */
class KillBuffer {
  private readonly buf = new Int32Array(2 * LINE_CAP);
  private from = LINE_CAP;
  private to = LINE_CAP;

  add(units: Int32Array, backward: boolean, joinPrevious: boolean): void {
    if (!joinPrevious) this.from = this.to = LINE_CAP;
    const keep = Math.min(units.length, LINE_CAP - (this.to - this.from));
    if (backward) {
      // Keep the part next to the existing entry.
      this.from -= keep;
      this.buf.set(units.subarray(units.length - keep), this.from);
    } else {
      this.buf.set(units.subarray(0, keep), this.to);
      this.to += keep;
    }
  }
  contents(): Int32Array {
    return this.buf.subarray(this.from, this.to);
  }
}
