import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { editTtyLines, LINE_CAP, renderTtyTokens, TTY_NAMED_KEYS, type TtyLine } from "./tty";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = path.resolve(REPO_ROOT, "../shared/corpus");
const AUREPORT = "/usr/sbin/aureport";
const haveAureport = existsSync(AUREPORT);
const haveCorpus = existsSync(CORPUS);
if (!haveAureport) console.warn(`tty.test: ${AUREPORT} not found, skipping the aureport comparisons`);
if (!haveCorpus) console.warn(`tty.test: corpus ${CORPUS} not found, skipping the corpus comparison`);
/** Suite title that says why it was skipped. */
const unless = (title: string, missing: string[]) =>
  missing.length ? `${title} (skipped: ${missing.join(" and ")} missing)` : title;

/** Test-only hex decoder (the real record parser lives elsewhere). */
function hex(s: string): Uint8Array {
  if (!/^(?:[0-9A-Fa-f]{2})*$/.test(s)) throw new Error(`bad hex: ${s}`);
  return Uint8Array.from(Buffer.from(s, "hex"));
}
/** One byte per char (chars must be <= 0xFF), so tests can write "\x1b[A". */
const b = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();

/** Deterministic PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** Runs `aureport --tty -if FILE` and returns event serial → data column. */
function aureportTty(file: string): Map<number, string> {
  const out = execFileSync(AUREPORT, ["--tty", "-if", file], {
    env: { ...process.env, TZ: "UTC" },
    maxBuffer: 64 * 1024 * 1024,
  }).toString("latin1");
  const rows = new Map<number, string>();
  const listed = out.split("\n").filter((l) => /^\d+\. /.test(l));
  for (const row of listed) {
    // "N. date time event auid term sess comm data" — data is the rest of the line.
    const m = /^\d+\. \S+ \S+ (\d+) \S+ \S+ \S+ \S+ (.*)$/.exec(row);
    if (!m?.[1] || m[2] === undefined) throw new Error(`unparsed aureport row: ${row}`);
    rows.set(Number(m[1]), m[2]);
  }
  return rows;
}

interface TtyRecord {
  serial: number;
  data: Uint8Array;
}

/** First TTY/USER_TTY record per event serial, with its data= decoded. */
function ttyRecords(text: string): Map<number, TtyRecord> {
  const records = new Map<number, TtyRecord>();
  const re = /type=(?:USER_)?TTY msg=audit\(\d+\.\d+:(\d+)\):.*?\bdata=("[^"]*"|[0-9A-Fa-f]+)/g;
  for (const m of text.matchAll(re)) {
    const serial = Number(m[1]);
    const raw = m[2] ?? "";
    // A quoted value is the typed text itself (aureport prints it verbatim).
    const data = raw.startsWith('"') ? b(raw.slice(1, -1)) : hex(raw.length % 2 ? raw.slice(0, -1) : raw);
    if (!records.has(serial)) records.set(serial, { serial, data });
  }
  return records;
}

function corpusFilesWithTty(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...corpusFilesWithTty(full));
    else if (entry.isFile() && /type=(?:USER_)?TTY msg=/.test(readFileSync(full, "latin1"))) found.push(full);
  }
  return found.sort();
}

// The RHEL 7 bash session in go-libaudit/auparse/audit-rhel7.log (and two other corpus files).
const RHEL7_HEX =
  "65687F7F6563686F20746573740D76696D202F6574632F70616D2E642F70617373776F72642D617574682D61630D6D616E2070616D5F7474795F61756469740D6D616E2070616D2E640D76696D202F657463017375646F20052F70616D642E73797F7F7F7F7F2E7F6D2E642F7379092D6109617F2D61090D6D616E2070616D0D747F67726570207379737F7F7F2F7661722F6C6F09672F6D65097309207C20677265702070616D5F7474790D677265702070616D5F747479202F7661722F6C6F672F6D6573090D1B5B41017375646F200D7375646F2073750D";
// What auditd 3.0.9's aureport printed for it.
const RHEL7_AUREPORT =
  '"eh",<backspace>,<backspace>,"echo test",<ret>,"vim /etc/pam.d/password-auth-ac",<ret>,"man pam_tty_audit",<ret>,"man pam.d",<ret>,"vim /etc",<^A>,"sudo ",<^E>,"/pamd.sy",<backspace>,<backspace>,<backspace>,<backspace>,<backspace>,".",<backspace>,"m.d/sy",<tab>,"-a",<tab>,"a",<backspace>,"-a",<tab>,<ret>,"man pam",<ret>,"t",<backspace>,"grep sys",<backspace>,<backspace>,<backspace>,"/var/lo",<tab>,"g/me",<tab>,"s",<tab>," | grep pam_tty",<ret>,"grep pam_tty /var/log/mes",<tab>,<ret>,<up>,<^A>,"sudo ",<ret>,"sudo su",<ret>';

describe("renderTtyTokens", () => {
  it("renders a plain command", () => {
    expect(renderTtyTokens(b("ls -la\r"))).toBe('"ls -la",<ret>');
    expect(renderTtyTokens(new Uint8Array(0))).toBe("");
  });

  it("matches aureport on the RHEL 7 corpus record (no binary needed)", () => {
    expect(renderTtyTokens(hex(RHEL7_HEX))).toBe(RHEL7_AUREPORT);
  });

  it("names every key in aureport's table, first table match winning", () => {
    TTY_NAMED_KEYS.forEach(([seq, name], i) => {
      // An earlier entry that is a prefix of this one shadows it (aureport takes the first match).
      const shadow = TTY_NAMED_KEYS.slice(0, i).find(([s]) => seq.startsWith(s));
      const rendered = renderTtyTokens(b(seq));
      if (shadow) expect(rendered.startsWith(`<${shadow[1]}>`)).toBe(true);
      else expect(rendered).toBe(`<${name}>`);
    });
  });

  it("renders the common keys by name", () => {
    const cases: Array<[string, string]> = [
      ["\r", "<ret>"],
      ["\n", "<nl>"],
      ["\t", "<tab>"],
      ["\x7f", "<backspace>"],
      ["\x08", "<backspace>"], // 3.0.9 names ^H backspace too (older tables said ^H)
      ["\x03", "<^C>"],
      ["\x15", "<^U>"],
      ["\x17", "<^W>"],
      ["\x1a", "<^Z>"],
      ["\x1b", "<esc>"],
      ["\x1b[A", "<up>"],
      ["\x1b[B", "<down>"],
      ["\x1b[C", "<right>"],
      ["\x1b[D", "<left>"],
      ["\x1bOA", "<up>"],
      ["\x1bOD", "<left>"],
      ["\x1b[H", "<home>"],
      ["\x1b[F", "<end>"],
      ["\x1b[1~", "<home>"],
      ["\x1b[3~", "<delete>"],
      ["\x1b[5~", "<page-up>"],
      ["\x1bOP", "<F1>"],
      ["\x1b[24~", "<F12>"],
      ["\x1b[Z", "<back-tab>"],
      ["\x9b2~", "<insert>"],
      ["\x8fA", "<up>"],
    ];
    for (const [seq, token] of cases) expect(renderTtyTokens(b(seq)), JSON.stringify(seq)).toBe(token);
  });

  it("quotes and escapes like aureport", () => {
    expect(renderTtyTokens(b('say "hi" \\o/\r'))).toBe('"say \\"hi\\" \\\\o/",<ret>');
    expect(renderTtyTokens(b("\x00\x1c\x1f"))).toBe('"\\000\\034\\037"');
    expect(renderTtyTokens(b("\x80\x9f\xa0\xff"))).toBe('"\\200\\237\\240\\377"');
    expect(renderTtyTokens(b("caf\xc3\xa9"))).toBe('"caf\\303\\251"'); // no UTF-8 decoding
    expect(renderTtyTokens(b("\ra\rb"))).toBe('<ret>,"a",<ret>,"b"');
    expect(renderTtyTokens(b("\x1b["))).toBe('<esc>,"["'); // incomplete sequence
    expect(renderTtyTokens(b("\x1b[1;5D"))).toBe('<esc>,"[1;5D"'); // not in the table
    expect(renderTtyTokens(b("\x1b\x1b[A"))).toBe("<esc>,<up>");
  });
});

const corpusMissing = [...(haveAureport ? [] : [AUREPORT]), ...(haveCorpus ? [] : [CORPUS])];
describe.skipIf(corpusMissing.length > 0)(
  unless("renderTtyTokens vs aureport on the corpus", corpusMissing),
  () => {
    const files = haveCorpus ? corpusFilesWithTty(CORPUS) : [];

    it("finds corpus files with TTY records", () => {
      expect(files.length).toBeGreaterThan(0);
    });

    it.each(files.map((f) => [path.relative(CORPUS, f), f]))(
      "%s: data column is byte-identical",
      (_name, file) => {
        const records = ttyRecords(readFileSync(file, "latin1"));
        const rows = aureportTty(file);
        expect(rows.size).toBeGreaterThan(0);
        for (const [serial, expected] of rows) {
          const record = records.get(serial);
          expect(record, `event ${serial} listed by aureport`).toBeDefined();
          if (record) expect(renderTtyTokens(record.data), `event ${serial}`).toBe(expected);
        }
      },
    );
  },
);

describe.skipIf(!haveAureport)(
  unless("renderTtyTokens vs aureport on generated records", haveAureport ? [] : [AUREPORT]),
  () => {
    it("agrees on single bytes, every table sequence and its prefixes, and random mixes", () => {
      const rand = prng(0x7f7f);
      const inputs: Uint8Array[] = [];
      for (let x = 0; x < 256; x++) inputs.push(Uint8Array.of(x), Uint8Array.of(0x61, x, 0x62));
      const pieces: Uint8Array[] = [];
      for (const [seq] of TTY_NAMED_KEYS) {
        inputs.push(b(seq), b(`x${seq}y`));
        for (let k = 1; k <= seq.length; k++) pieces.push(b(seq.slice(0, k)));
      }
      for (const piece of pieces) inputs.push(Uint8Array.from([...piece, 0x7a]));
      for (let r = 0; r < 800; r++) {
        const out: number[] = [];
        const len = 1 + Math.floor(rand() * 80);
        while (out.length < len) {
          const roll = rand();
          if (roll < 0.35) out.push(...(pieces[Math.floor(rand() * pieces.length)] ?? []));
          else if (roll < 0.55) out.push(Math.floor(rand() * 256));
          else if (roll < 0.65) out.push(Math.floor(rand() * 32));
          else out.push(0x20 + Math.floor(rand() * 95));
        }
        inputs.push(Uint8Array.from(out));
      }

      const dir = mkdtempSync(path.join(tmpdir(), "auditscope-tty-"));
      try {
        const file = path.join(dir, "audit.log");
        const lines = inputs.map(
          (data, i) =>
            `type=TTY msg=audit(1700000000.000:${i + 1}): tty pid=1 uid=0 auid=0 ses=1 major=136 minor=0 comm="bash" data=${toHex(data)}`,
        );
        writeFileSync(file, `${lines.join("\n")}\n`);
        const rows = aureportTty(file);
        expect(rows.size).toBe(inputs.length);
        const mismatches: string[] = [];
        for (const [serial, expected] of rows) {
          const data = inputs[serial - 1] ?? new Uint8Array(0);
          const got = renderTtyTokens(data);
          if (got !== expected) mismatches.push(`${toHex(data)}: aureport ${expected} ours ${got}`);
        }
        expect(mismatches.slice(0, 5)).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);

/** Only the fields a test cares about, with defaults for the rest. */
function line(text: string, extra: Partial<TtyLine> = {}): Partial<TtyLine> {
  return {
    text,
    submitted: true,
    abandoned: false,
    eof: false,
    usedCompletion: false,
    usedHistory: false,
    unmodelledKeys: false,
    truncated: false,
    ...extra,
  };
}
const edit = (s: string) => editTtyLines(b(s)).map(({ bytes: _bytes, start: _s, end: _e, ...rest }) => rest);

describe("editTtyLines", () => {
  it("applies backspace (DEL and ^H): the sudo typo", () => {
    expect(edit("sdo\x7f\x7fudo id\r")).toEqual([line("sudo id")]);
    expect(edit("sdo\x08\x08udo id\r")).toEqual([line("sudo id")]);
    expect(edit("\x7f\x7fok\r")).toEqual([line("ok")]); // backspace at column 0 does nothing
  });

  it("^U kills the text before the cursor", () => {
    expect(edit("rm -rf /\x15ls\r")).toEqual([line("ls")]);
    expect(edit("abcdef\x1b[D\x1b[D\x15x\r")).toEqual([line("xef")]);
  });

  it("^W deletes the previous blank-delimited word", () => {
    expect(edit("echo foo bar\x17baz\r")).toEqual([line("echo foo baz")]);
    expect(edit("echo /etc/pam.d   \x17x\r")).toEqual([line("echo x")]);
    expect(edit("\x17\x17ok\r")).toEqual([line("ok")]);
  });

  it("left/right arrows move the cursor and typing inserts at it", () => {
    expect(edit("cat /etc/pasword\x1b[D\x1b[D\x1b[D\x1b[Ds\r")).toEqual([line("cat /etc/password")]);
    expect(edit("cat /etc/pasword\x1bOD\x1bOD\x1bOD\x1bODs\r")).toEqual([line("cat /etc/password")]);
    expect(edit("ac\x1b[D\x1b[D\x1b[D\x1b[Cb\x1b[C\x1b[Cd\r")).toEqual([line("abcd")]);
    expect(edit("ac\x02b\x06d\r")).toEqual([line("abcd")]); // ^B / ^F
    expect(edit("abc\x1b[D\x7fX\r")).toEqual([line("aXc")]);
  });

  it("Home/End: ^A ^E and the terminal sequences", () => {
    expect(edit("vim /etc\x01sudo \x05/hosts\r")).toEqual([line("sudo vim /etc/hosts")]);
    for (const [home, end] of [
      ["\x1b[H", "\x1b[F"],
      ["\x1bOH", "\x1bOF"],
      ["\x1b[1~", "\x1b[4~"],
      ["\x1b[7~", "\x1b[8~"],
    ]) {
      expect(edit(`id${home}x${end}y\r`)).toEqual([line("xidy")]);
    }
  });

  it("Delete, ^D and ^K delete at or after the cursor", () => {
    expect(edit("abc\x01\x1b[3~\r")).toEqual([line("bc")]);
    expect(edit("abc\x01\x04\r")).toEqual([line("bc")]);
    expect(edit("abcdef\x01\x06\x06\x0b\r")).toEqual([line("ab")]);
    expect(edit("exit\x15\x04")).toEqual([line("", { submitted: false, eof: true })]);
  });

  it("^C abandons the current line", () => {
    expect(edit("ping 10.0.0.1\x03ls\r")).toEqual([
      line("ping 10.0.0.1", { submitted: false, abandoned: true }),
      line("ls"),
    ]);
  });

  it("tab marks completion", () => {
    expect(edit("cat /etc/pass\t\r")).toEqual([line("cat /etc/pass", { usedCompletion: true })]);
    expect(edit("ls\rcd /v\t\r")).toEqual([line("ls"), line("cd /v", { usedCompletion: true })]);
  });

  it("up/down, ^P/^N, ^R and ESC O A mark history recall", () => {
    for (const key of ["\x1b[A", "\x1b[B", "\x1bOA", "\x10", "\x0e", "\x12", "\x1b."]) {
      expect(edit(`${key}\x01sudo \r`), JSON.stringify(key)).toEqual([line("sudo ", { usedHistory: true })]);
    }
    // ^O submits and pre-fills the next line from history.
    expect(edit("make\x0f\r")).toEqual([line("make"), line("", { usedHistory: true })]);
  });

  it("keeps incomplete trailing input as an unsubmitted line", () => {
    expect(edit("ls\rrm -rf /tm")).toEqual([line("ls"), line("rm -rf /tm", { submitted: false })]);
    expect(edit("")).toEqual([]);
  });

  it("treats \\n and \\r\\n as Enter and records byte ranges", () => {
    expect(edit("a\nb\r\nc\r")).toEqual([line("a"), line("b"), line("c")]);
    const lines = editTtyLines(b("ab\r\ncd\rx"));
    expect(lines.map((l) => [l.start, l.end])).toEqual([
      [0, 4],
      [4, 7],
      [7, 8],
    ]);
  });

  it("yank, consecutive kills and transpose", () => {
    expect(edit("one two\x17\x17\rx \x19\r")).toEqual([line(""), line("x one two")]);
    expect(edit("secret\x15id\r\x19\r")).toEqual([line("id"), line("secret")]);
    expect(edit("sl\x14\r")).toEqual([line("ls")]);
    expect(edit("gerp\x02\x02\x14\r")).toEqual([line("grep")]);
  });

  it("meta word motions and kills", () => {
    expect(edit("echo foo-bar\x1bbX\r")).toEqual([line("echo foo-Xbar")]);
    expect(edit("echo foo bar\x01\x1bf\x1bfX\r")).toEqual([line("echo fooX bar")]);
    expect(edit("echo foo bar\x01\x1bd\r")).toEqual([line(" foo bar")]);
    expect(edit("echo foo-bar\x1b\x7f\r")).toEqual([line("echo foo-")]);
    expect(edit("echo foo bar\x1b[1;5D\x1b[1;5DX\r")).toEqual([line("echo Xfoo bar")]);
  });

  it("bracketed paste inserts text literally, newlines included", () => {
    expect(edit("\x1b[200~a\rb\x03\x1b[201~!\r")).toEqual([line("a\rb\x03!")]);
  });

  it("^V inserts the next key literally", () => {
    expect(edit("a\x16\x03b\r")).toEqual([line("a\x03b")]);
  });

  it("flags keys it does not model and keeps other non-printables raw", () => {
    expect(edit("ls\x1bOP\x18\x1bx\r")).toEqual([line("ls", { unmodelledKeys: true })]);
    expect(edit("a\x1cb\r")).toEqual([line("a\x1cb")]);
    expect(edit("a\x1b[99zb\r")).toEqual([line("ab", { unmodelledKeys: true })]);
  });

  it("edits UTF-8 characters as units and keeps invalid bytes exactly", () => {
    expect(edit("caf\xc3\xa9\x7fe\r")).toEqual([line("cafe")]);
    expect(edit("\xe2\x82\xac5\x1b[D\x1b[D$\r")).toEqual([line("$€5")]);
    const [bad] = editTtyLines(b("a\xffb\xc3"));
    expect(bad?.text).toBe("a\ufffdb\ufffd");
    expect(Array.from(bad?.bytes ?? [])).toEqual([0x61, 0xff, 0x62, 0xc3]);
  });

  it("caps a line at LINE_CAP characters", () => {
    const [long] = editTtyLines(new Uint8Array(LINE_CAP + 10).fill(0x61));
    expect(long?.text.length).toBe(LINE_CAP);
    expect(long?.truncated).toBe(true);
  });

  it("reconstructs the RHEL 7 corpus session", () => {
    const lines = editTtyLines(hex(RHEL7_HEX));
    expect(lines.map((l) => [l.text, l.usedCompletion, l.usedHistory])).toEqual([
      ["echo test", false, false],
      ["vim /etc/pam.d/password-auth-ac", false, false],
      ["man pam_tty_audit", false, false],
      ["man pam.d", false, false],
      ["sudo vim /etc/pam.d/sy-a-a", true, false],
      ["man pam", false, false],
      ["grep /var/log/mes | grep pam_tty", true, false],
      ["grep pam_tty /var/log/mes", true, false],
      ["sudo ", false, true],
      ["sudo su", false, false],
    ]);
    expect(lines.every((l) => l.submitted)).toBe(true);
  });
});

describe("hostile input", () => {
  const N = 1 << 20;
  const pattern = (prefix: number[], repeat: number[], n = N): Uint8Array => {
    const out = new Uint8Array(n);
    let i = 0;
    for (const x of prefix) if (i < n) out[i++] = x;
    while (i < n) for (const x of repeat) if (i < n) out[i++] = x;
    return out;
  };
  const longLine = new Array<number>(LINE_CAP + 100).fill(0x61);
  const rand = prng(42);
  const cases: Record<string, Uint8Array> = {
    random: Uint8Array.from({ length: N }, () => Math.floor(rand() * 256)),
    randomControls: Uint8Array.from(
      { length: N },
      () => [0x1b, 0x5b, 0x4f, 0x7f, 0x01, 0x05][Math.floor(rand() * 6)] ?? 0,
    ),
    allEsc: pattern([], [0x1b]),
    unterminatedCsi: pattern([], [0x1b, 0x5b, 0x31, 0x3b]),
    homeEndEdits: pattern(longLine, [0x01, 0x62, 0x05, 0x63, 0x7f, 0x7f]),
    wordMotions: pattern(longLine, [0x1b, 0x62, 0x1b, 0x66]),
    yankFlood: pattern([...longLine, 0x15], [0x19, 0x0d]),
    killChain: pattern([], [0x61, 0x20, 0x61, 0x20, 0x17, 0x17, 0x17]),
    openPaste: pattern([0x1b, 0x5b, 0x32, 0x30, 0x30, 0x7e], [0xe2, 0x82]),
  };

  it.each(Object.keys(cases))("%s: neither function throws and work stays bounded", (name) => {
    const bytes = cases[name] ?? new Uint8Array(0);
    const t0 = performance.now();
    const rendered = renderTtyTokens(bytes);
    const lines = editTtyLines(bytes);
    const elapsed = performance.now() - t0;
    expect(rendered.length).toBeLessThanOrEqual(12 * bytes.length + 2); // "<backspace>," per byte at worst
    // Lines tile the input, and yanks cannot blow the output up.
    let at = 0;
    let units = 0;
    let tiled = true;
    let longest = 0;
    for (const l of lines) {
      tiled &&= l.start === at;
      at = l.end;
      units += l.bytes.length;
      longest = Math.max(longest, l.text.length);
    }
    expect(tiled).toBe(true);
    expect(at).toBe(bytes.length);
    expect(longest).toBeLessThanOrEqual(2 * LINE_CAP);
    expect(units).toBeLessThanOrEqual(5 * bytes.length); // typed + yank budget, <= 4 bytes per char
    expect(elapsed).toBeLessThan(15_000);
  });

  it("never throws on short random sequences", () => {
    const r = prng(7);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 256));
      expect(() => renderTtyTokens(bytes)).not.toThrow();
      expect(() => editTtyLines(bytes)).not.toThrow();
    }
  });
});
