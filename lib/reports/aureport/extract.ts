// biome-ignore-all lint/suspicious/noConfusingLabels: each parser step is a labeled `try` block, so a step can stop early without a closure (this runs for every record ingested).
import { formatIpv6 } from "../../audit/sockaddr";
import { cString, isXDigit, strtoul, toI32, unescapeHex } from "./c-text";
import {
  AVC_DENIED,
  AVC_GRANTED,
  AVC_UNSET,
  type AvcNode,
  Blind,
  emptyItems,
  type FileName,
  Flag,
  LOGINUID_UNSET,
  S_FAILED,
  S_SUCCESS,
  SESSION_UNSET,
  type SearchItems,
  type Success,
  UID_UNSET,
} from "./items";
import { isUserMessage, T } from "./types";

/**
 * A port of audit-userspace 3.0.9's ausearch-parse.c extract_search_items(), the parser every
 * aureport report runs on each event: the same strstr() searches from the same positions, so the
 * values (and their quirks) are aureport's.
 *
 * aureport switches parser steps on per report and skips an event when a switched-on step fails.
 * Here every step runs once; a failing step is treated as switched off (its values stay unread)
 * and its flag is added to `failed`, so a report drops the event exactly when
 * `failed & (its flags | Flag.ALWAYS)` is not 0.
 */

export interface RecordMessage {
  type: number;
  /** The line as read. */
  raw: string;
  /** The line as aureport holds it (cut at the ENRICHED separator and at any NUL), once needed. */
  text?: string;
}

export function messageOf(record: RecordMessage): string {
  record.text ??= messageText(record.raw);
  return record.text;
}

export interface Extraction {
  items: SearchItems;
  failed: number;
  /** A user record's uid step moved on: the uid-reading reports may read this event differently. */
  uidMatters: boolean;
}

/** fgets() in aureport reads at most MAX_AUDIT_MESSAGE_LENGTH - 1 bytes of a line. */
const MAX_LINE = 8969;
const NAME_OFFSET = 28;
const PATH_MAX = 4096;
const KEY_SEPARATOR = "\x01";
const SYSCALL_ARGS = ["a0=", "a1="] as const;
const AVC_CONTEXTS = [
  [Flag.SUBJECT, "scontext=", "scontext"],
  [Flag.OBJECT, "tcontext=", "tcontext"],
] as const;

/**
 * What a step does when its label is missing, or when its value has no space after it (the C
 * parsers decide this step by step): without LABEL the value stays unread, without SPACE it runs
 * to the end of the line; with them, the step fails.
 */
const Need = { NONE: 0, LABEL: 1, SPACE: 2, BOTH: 3 } as const;

type NumberField = "pid" | "uid" | "loginuid" | "session";
/** scontext and tcontext (subj=, obj=, …) each start an AVC node, as ausearch's do. */
type TextField = "terminal" | "hostname" | "scontext" | "tcontext";
type QuotedField = "comm" | "exe";

/** The parser step (aureport's switch) each value is read under. */
const STEP_OF = {
  pid: Flag.ALWAYS,
  uid: Flag.UID,
  loginuid: Flag.LOGINUID,
  session: Flag.SESSION,
  terminal: Flag.TERMINAL,
  hostname: Flag.HOSTNAME,
  scontext: Flag.SUBJECT,
  tcontext: Flag.OBJECT,
  comm: Flag.COMM,
  exe: Flag.EXE,
  cwd: Flag.FILENAME,
} as const;

export function messageText(raw: string): string {
  const gs = raw.indexOf("\x1d");
  const line = gs === -1 ? raw : raw.slice(0, gs);
  return cString(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line, 0);
}

/** Thrown by a step that fails. */
class StepFailed {}
const STEP_FAILED = new StepFailed();

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** The C string `m` from `from` to `term` (or to its end when term is -1). */
const cut = (m: string, from: number, term: number) => m.slice(from, term === -1 ? m.length : term);

class Parser {
  readonly s: SearchItems = emptyItems();
  failed = 0;
  m = "";

  /**
   * Whether reading a uid moves the search position, as in the two reports that read uids (auth,
   * user); in the others the uid steps are off. Old-style user records (`… uid=500: exe=…`) read
   * differently in the two.
   */
  constructor(private readonly uidMovesTerm: boolean) {}

  uidMatters = false;

  uidMoved(next: number, current: number): number {
    return this.uidMovesTerm ? next : current;
  }

  /**
   * Each step is a `try { … } catch { this.caught(…) }` block: a step method below, or a labelled
   * `step:` block in the parser whose step it alone has (no closures: this runs for every record).
   * A step fails (throws) before it changes anything, so a failed step has had no effect, exactly
   * as if aureport had it switched off.
   */
  caught(error: unknown, flags: number): void {
    if (error !== STEP_FAILED) throw error;
    this.failed |= flags;
  }

  fail(): never {
    throw STEP_FAILED;
  }

  find(needle: string, from: number): number {
    return this.m.indexOf(needle, Math.min(from, this.m.length));
  }

  /** strtoul over [from, end) where the step has put its NUL; errno (overflow) fails the step. */
  number(from: number, end: number, base = 10): number {
    const value = strtoul(this.m, from, end === -1 ? this.m.length : end, base);
    if (Number.isNaN(value)) this.fail();
    return value;
  }

  /** Quoted value from `at` (the quote) to the next quote, or the hex-decoded value. */
  quotedOrHex(at: number): { value: string | null; term: number | null } {
    if (this.m.charCodeAt(at) === 0x22) {
      const close = this.m.indexOf('"', at + 1);
      if (close === -1) this.fail();
      return { value: this.m.slice(at + 1, close), term: close };
    }
    return { value: unescapeHex(this.m, at), term: null };
  }

  /** Unquoted `acct=`, `cwd=`, `exe=` of user records: hex, or as written if any byte is not hex. */
  legacyValue(at: number): { value: string | null; term: number } {
    let end = at;
    let legacy = false;
    while (end < this.m.length && this.m.charCodeAt(end) !== 0x20) {
      if (!isXDigit(this.m.charCodeAt(end))) legacy = true;
      end++;
    }
    return { value: legacy ? this.m.slice(at, end) : unescapeHex(this.m, at), term: end };
  }

  addAvc(node: Partial<AvcNode>): void {
    this.s.avc ??= [];
    this.s.avc.push({
      scontext: null,
      tcontext: null,
      avcClass: null,
      avcPerm: null,
      result: AVC_UNSET,
      ...node,
    });
  }

  /** Writes a byte into the message for good, as parsers that do not restore their NUL do. */
  poke(at: number, char: string): void {
    this.m = this.m.slice(0, at) + char + this.m.slice(at + 1);
  }

  // -------------------------------------------------------------------------------------------
  // The steps most parsers share: a labelled value, read from a search position (`from`), that
  // return the position after what they read (null when they read nothing), so a parser goes on
  // with `term = step(…) ?? term`.

  /** Where `label`'s value starts, searching from `from`; -1 when the label is missing. */
  valueAt(label: string, from: number, need: number): number {
    const str = this.find(label, from);
    if (str !== -1) return str + label.length;
    if (need & Need.LABEL) this.fail();
    return -1;
  }

  /** Where the value at `at` ends: at the first `stop`, else the first `orElse` (neither fails the step). */
  endAt(at: number, stop: string, orElse: string): number {
    const end = this.find(stop, at);
    if (end !== -1) return end;
    const other = this.find(orElse, at);
    if (other === -1) this.fail();
    return other;
  }

  /** The space that ends the value at `at`, or -1 (the end of the line). */
  spaceAfter(at: number, need: number): number {
    const end = this.find(" ", at);
    if (end === -1 && need & Need.SPACE) this.fail();
    return end;
  }

  /**
   * A number up to the next space. `absent` is what parse_kernel() sets when the label is
   * missing.
   */
  numberStep(field: NumberField, label: string, from: number, need: number, absent?: number): number | null {
    try {
      const at = this.valueAt(label, from, need);
      if (at === -1) {
        if (absent !== undefined) this.setNumber(field, absent);
        return null;
      }
      const end = this.spaceAfter(at, need);
      this.setNumber(field, this.number(at, end));
      return end === -1 ? at : end;
    } catch (error) {
      this.caught(error, STEP_OF[field]);
      return null;
    }
  }

  /** One store per field (faster than `this.s[field]` in a step that runs for every record). */
  setNumber(field: NumberField, value: number): void {
    // pid_t is signed; uid_t and session ids are unsigned.
    if (field === "pid") this.s.pid = toI32(value);
    else if (field === "uid") this.s.uid = value;
    else if (field === "loginuid") this.s.loginuid = value;
    else this.s.session = value;
  }

  /** A uid: it moves the search position only in the uid-reading reports. */
  uidStep(label: string, from: number, need: number, absent?: number): number | null {
    const end = this.numberStep("uid", label, from, need, absent);
    return this.uidMovesTerm ? end : null;
  }

  /** `auid=`, or older kernels' `loginuid=` (parse_task_info(), parse_user()). */
  auidStep(from: number): number | null {
    const auid = this.find("auid=", from);
    if (auid === -1) return this.numberStep("loginuid", "loginuid=", from, Need.BOTH);
    return this.numberStep("loginuid", "auid=", auid, Need.BOTH);
  }

  /** ` uid=` read from its `=` (ausearch's off-by-one), so the uid always reads as 0. */
  uidAfterSpace(from: number): number | null {
    try {
      const str = this.find(" uid=", from);
      if (str === -1) return null;
      const end = this.spaceAfter(str + 4, Need.SPACE);
      this.s.uid = this.number(str + 4, end);
      return this.uidMovesTerm ? end : null;
    } catch (error) {
      this.caught(error, Flag.UID);
      return null;
    }
  }

  /** Text up to the next space. */
  textStep(field: TextField, label: string, from: number, need: number, absent?: string): number | null {
    try {
      const at = this.valueAt(label, from, need);
      if (at === -1) {
        if (absent !== undefined) this.setText(field, absent);
        return null;
      }
      const end = this.spaceAfter(at, need);
      this.setText(field, cut(this.m, at, end));
      return end === -1 ? at : end;
    } catch (error) {
      this.caught(error, STEP_OF[field]);
      return null;
    }
  }

  /** As setNumber(), for the text values. */
  setText(field: TextField | QuotedField | "cwd", value: string | null): void {
    if (field === "scontext") this.addAvc({ scontext: value });
    else if (field === "tcontext") this.addAvc({ tcontext: value });
    else if (field === "terminal") this.s.terminal = value;
    else if (field === "hostname") this.s.hostname = value;
    else if (field === "comm") this.s.comm = value;
    else if (field === "exe") this.s.exe = value;
    else this.s.cwd = value;
  }

  /** A quoted or hex-encoded value; the position of its closing quote. */
  quotedStep(field: QuotedField, label: string, from: number, need: number, absent?: string): number | null {
    try {
      const at = this.valueAt(label, from, need);
      if (at === -1) {
        if (absent !== undefined) this.setText(field, absent);
        return null;
      }
      const { value, term } = this.quotedOrHex(at);
      this.setText(field, value);
      return term;
    } catch (error) {
      this.caught(error, STEP_OF[field]);
      return null;
    }
  }

  /** parse_user()'s `cwd=` and `exe=`: quoted, or unquoted as legacyValue() reads it. */
  legacyStep(field: "cwd" | "exe", label: string, from: number): void {
    try {
      const at = this.valueAt(label, from, Need.NONE);
      if (at === -1) return;
      if (this.m.charCodeAt(at) === 0x22) {
        const close = this.find('"', at + 1);
        if (close === -1) this.fail();
        this.setText(field, this.m.slice(at + 1, close));
      } else this.setText(field, this.legacyValue(at).value);
    } catch (error) {
      this.caught(error, STEP_OF[field]);
    }
  }

  /** A file name (common_path_parser()); the position of the name. */
  fileStep(label: string, from: number, need: number): number | null {
    try {
      const at = this.valueAt(label, from, need);
      if (at === -1) return null;
      this.pathName(at);
      return at;
    } catch (error) {
      this.caught(error, Flag.FILENAME);
      return null;
    }
  }

  /** `key="a"`, or the hex of keys joined by 0x01, or `(null)`; the position of a closing quote. */
  keyStep(from: number): number | null {
    try {
      const at = this.valueAt("key=", from, Need.NONE);
      if (at === -1) return null;
      let keys: string[];
      let end: number | null = null;
      if (this.m.charCodeAt(at) === 0x22) {
        end = this.find('"', at + 1);
        if (end === -1) this.fail();
        keys = [this.m.slice(at + 1, end)];
      } else {
        const decoded = unescapeHex(this.m, at);
        if (decoded === null) this.fail();
        keys = decoded.split(KEY_SEPARATOR).filter((key) => key !== "");
      }
      this.s.keys ??= [];
      this.s.keys.push(...keys);
      return end;
    } catch (error) {
      this.caught(error, Flag.KEY);
      return null;
    }
  }

  /** `res=` read as a number (kernel records write res=0/1). */
  result(term: number, flags: number): void {
    step: try {
      const str = this.find("res=", term);
      if (str === -1) break step;
      const end = this.find(" ", str + 4);
      this.s.success = toI32(this.number(str + 4, end)) as Success;
    } catch (error) {
      this.caught(error, flags);
    }
  }

  /** `res=success|failed` read as a word. */
  wordResult(from: number): void {
    step: try {
      const str = this.find("res=", from);
      if (str === -1) break step;
      let end = str + 4;
      while (isAlpha(this.m.charCodeAt(end))) end++;
      if (end === str + 4) this.fail();
      this.s.success = this.m.slice(str + 4, end).startsWith("failed") ? S_FAILED : S_SUCCESS;
    } catch (error) {
      this.caught(error, Flag.ALWAYS);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The parsers of ausearch-parse.c, one per record type (see PARSERS).

  parse(record: RecordMessage): void {
    this.m = messageOf(record);
    const parser = PARSERS.get(record.type) ?? rangeParser(record.type);
    parser?.(this, record.type);
  }

  /** parse_task_info(): SYSCALL (after its own fields), FEATURE_CHANGE, ANOM_LINK. */
  taskInfo(): void {
    let term = this.numberStep("pid", " pid=", 0, Need.BOTH) ?? 0;
    term = this.auidStep(term) ?? term;
    // The first uid= that is not the end of an auid= (no such uid= fails the step).
    let uid = this.find("uid=", term);
    while (uid !== -1 && this.m.charCodeAt(uid - 1) === 0x61 /* a */) uid = this.find("uid=", uid + 1);
    term = this.uidStep("uid=", uid === -1 ? this.m.length : uid, Need.BOTH) ?? term;
    term = this.textStep("terminal", "tty=", term, Need.SPACE) ?? term;
    term = this.numberStep("session", "ses=", term, Need.SPACE) ?? term;
    term = this.quotedStep("comm", "comm=", term, Need.LABEL) ?? term;
    term = this.quotedStep("exe", "exe=", 0, Need.LABEL) ?? term;
    term = this.textStep("scontext", "subj=", term, Need.SPACE) ?? term;
    this.result(term, Flag.ALWAYS);
  }

  /** parse_syscall(). */
  syscall(): void {
    let term = 0;
    try {
      let at = term;
      let str = this.find("syscall=", at);
      if (str === -1) this.fail();
      let end = this.find(" ", str + 8);
      if (end === -1) this.fail();
      const syscall = toI32(this.number(str + 8, end));
      at = end;
      let success: Success | null = null;
      str = this.find("success=", at);
      if (str !== -1) {
        end = this.find(" ", str + 8);
        if (end === -1) this.fail();
        success = this.m.slice(str + 8, end) === "yes" ? S_SUCCESS : S_FAILED;
        at = end;
      }
      for (const arg of SYSCALL_ARGS) {
        str = this.find(arg, at);
        if (str === -1) this.fail();
        end = this.find(" ", str + 3);
        if (end === -1) this.fail();
        // Read only for its errno: more than 16 hex digits overflow strtoull.
        if (end - str - 3 > 16) this.number(str + 3, end, 16);
        at = end;
      }
      this.s.syscall = syscall;
      if (success !== null) this.s.success = success;
      term = at;
    } catch (error) {
      this.caught(error, Flag.ALWAYS);
      return;
    }
    this.taskInfo();
    this.keyStep(term);
  }

  /** parse_dir(): CWD. */
  dir(): void {
    step: try {
      const str = this.find(" cwd=", NAME_OFFSET);
      if (str === -1) break step;
      const at = str + 5;
      if (this.m.charCodeAt(at) === 0x22) {
        const close = this.find('"', at + 1);
        if (close === -1) this.fail();
        this.s.cwd ??= this.m.slice(at + 1, close);
      } else this.s.cwd ??= unescapeHex(this.m, at);
    } catch (error) {
      this.caught(error, Flag.FILENAME);
    }
  }

  /** common_path_parser(): appends one file name. */
  pathName(at: number): FileName {
    let name: string | null;
    if (this.m.charCodeAt(at) === 0x22) {
      const close = this.find('"', at + 1);
      if (close === -1) this.fail();
      name = this.m.slice(at + 1, close);
    } else if (this.m.startsWith("(null)", at)) {
      return this.addFile("(null)");
    } else {
      if (!isXDigit(this.m.charCodeAt(at))) this.fail();
      if (this.m.startsWith("00", at)) name = unescapeHex(this.m, at + 2);
      else {
        if (this.find(" ", at) === -1) this.fail();
        name = unescapeHex(this.m, at);
      }
      if (name === null) this.fail();
    }
    const relative =
      name.charCodeAt(0) === 0x2e && (name.charCodeAt(1) === 0x2e || name.charCodeAt(1) === 0x2f);
    if (relative && this.s.cwd !== null) name = `${this.s.cwd}/${name}`.slice(0, PATH_MAX - 1);
    return this.addFile(name);
  }

  addFile(name: string): FileName {
    const file: FileName = { name, key: null };
    this.s.filenames ??= [];
    this.s.filenames.push(file);
    return file;
  }

  /** avc_parse_path(): older AVCs and CONFIG_CHANGE carry ` path=`. */
  avcPath(): void {
    this.fileStep(" path=", 0, Need.LABEL);
  }

  /** parse_path(). */
  path(): void {
    let term = Math.min(NAME_OFFSET, this.m.length);
    step: try {
      const str = this.find(" name=", term);
      if (str === -1) break step;
      const file = this.pathName(str + 6);
      term = str + 6;
      const type = this.find("type=", term);
      if (type !== -1) file.key = this.m.slice(type + 5);
    } catch (error) {
      this.caught(error, Flag.FILENAME);
    }
    this.textStep("tcontext", "obj=", term, Need.NONE);
  }

  /** parse_obj(): IPC, OBJ_PID. */
  obj(): void {
    this.textStep("tcontext", "obj=", 0, Need.NONE);
  }

  /** parse_user(); `avc` is the node a USER_AVC fills. */
  user(type: number, avc: AvcNode | null): void {
    let term = this.numberStep("pid", "pid=", 0, Need.BOTH) ?? 0;
    term = this.uidStep("uid=", term, Need.BOTH) ?? term;
    term = this.auidStep(term) ?? term;
    term = this.numberStep("session", "ses=", term, Need.SPACE) ?? term;
    if (avc === null) term = this.textStep("scontext", "subj=", term, Need.SPACE) ?? term;
    else term = this.userAvcContexts(avc, term);
    if (type === T.VIRT_MACHINE_ID) {
      const at = this.textStep("scontext", "vm-ctx=", term, Need.SPACE) ?? term;
      this.textStep("tcontext", "img-ctx=", at, Need.SPACE);
    } else if (type === T.VIRT_RESOURCE) {
      const label = this.find(" path=", term) !== -1 ? " path=" : " new-disk=";
      term = this.fileStep(label, term, Need.NONE) ?? term;
    }
    // Some user records (USER_LOGIN of old) carry the uid that matters a second time in msg='…'.
    step: try {
      let at = term;
      let str = this.find("uid=", at);
      while (str !== -1 && this.m.charCodeAt(str - 1) === 0x61 /* a */) {
        at = str + 1;
        str = this.find("uid=", at);
      }
      const before = this.m.charCodeAt(str - 1);
      if (str === -1 || before === 0x73 /* s */ || before === 0x75 /* u */) {
        if (at !== term) this.uidMatters = true;
        term = this.uidMoved(at, term);
        break step;
      }
      if (before !== 0x27 && before !== 0x20) this.fail();
      const ptr = str + 4;
      let end = ptr;
      while (isDigit(this.m.charCodeAt(end))) end++;
      if (end === ptr) this.fail();
      this.s.uid = this.number(ptr, end);
      this.uidMatters = true;
      term = this.uidMoved(end, term);
    } catch (error) {
      this.caught(error, Flag.UID);
    }
    let mptr = term + 1;
    term = this.quotedStep("comm", "comm=", mptr, Need.NONE) ?? term;
    step: try {
      const str = this.find("acct=", mptr);
      if (str === -1) break step;
      const ptr = str + 5;
      if (this.m.charCodeAt(ptr) === 0x22) {
        let end = ptr + 1;
        while (end < this.m.length && this.m.charCodeAt(end) !== 0x22) end++;
        this.s.acct = this.m.slice(ptr + 1, end);
        term = end;
      } else {
        const { value, term: end } = this.legacyValue(ptr);
        this.s.acct = value;
        term = end;
      }
    } catch (error) {
      this.caught(error, Flag.ALWAYS);
    }
    mptr = term + 1;
    step: try {
      let str = this.find("hostname=", mptr);
      if (str === -1) break step;
      str += 9;
      const end = this.endAt(str, ",", " ");
      let hostname = this.m.slice(str, end);
      // "?" is no name: the address may be more meaningful.
      const addr = hostname === "?" ? this.find("addr=", end + 1) : -1;
      if (addr !== -1) hostname = this.m.slice(addr + 5, this.endAt(addr + 5, ",", " "));
      this.s.hostname = hostname;
    } catch (error) {
      this.caught(error, Flag.HOSTNAME);
    }
    this.legacyStep("cwd", "cwd=", mptr);
    step: try {
      const str = this.find("terminal=", mptr);
      if (str === -1) break step;
      const end = this.endAt(str + 9, " ", ")");
      this.s.terminal = this.m.slice(str + 9, end);
      this.poke(end, " ");
    } catch (error) {
      this.caught(error, Flag.TERMINAL);
    }
    this.legacyStep("exe", "exe=", mptr);
    step: try {
      let str = this.find("res=", mptr);
      if (str !== -1) {
        const end = this.find("'", str + 4);
        if (end === -1) this.fail();
        this.s.success = this.m.startsWith("failed", str + 4) && end - (str + 4) >= 6 ? S_FAILED : S_SUCCESS;
        break step;
      }
      str = this.find("result=", mptr);
      if (str === -1) break step;
      const end = this.find(")", str + 7);
      if (end === -1) this.fail();
      this.s.success = this.m.slice(str + 7, end).toLowerCase() === "success" ? S_SUCCESS : S_FAILED;
    } catch (error) {
      this.caught(error, Flag.ALWAYS);
    }
  }

  /** A USER_AVC's subj=, tcontext= and tclass=, read into its own node. */
  userAvcContexts(avc: AvcNode, from: number): number {
    let term = from;
    step: try {
      const str = this.find("subj=", term);
      if (str === -1) break step;
      const end = this.find(" ", str + 5);
      if (end === -1) this.fail();
      avc.scontext = this.m.slice(str + 5, end);
      term = end;
    } catch (error) {
      this.caught(error, Flag.SUBJECT);
    }
    try {
      let str = this.find("tcontext=", term);
      if (str !== -1) {
        const end = this.find(" ", str + 9);
        if (end !== -1) {
          avc.tcontext = this.m.slice(str + 9, end);
          term = end;
        } else term = str + 9;
      }
      str = this.find("tclass=", term);
      if (str !== -1) {
        const end = this.find(" ", str + 7);
        if (end !== -1) {
          avc.avcClass = this.m.slice(str + 7, end);
          term = end;
        } else term = str + 7;
      }
    } catch (error) {
      this.caught(error, Flag.OBJECT);
    }
    return term;
  }

  /** parse_login(). */
  login(): void {
    let term = this.numberStep("pid", "pid=", 0, Need.BOTH) ?? 0;
    term = this.uidStep("uid=", term, Need.BOTH) ?? term;
    step: try {
      const str = this.find("subj=", term);
      if (str === -1) break step;
      const end = this.find(" ", str + 5);
      if (end === -1) this.fail();
      // ausearch keeps the field name with it here ("subj=…").
      this.addAvc({ scontext: this.m.slice(str, end) });
      term = end;
    } catch (error) {
      this.caught(error, Flag.SUBJECT);
    }
    let after: number | null = term;
    try {
      let str = this.find("new auid=", term);
      let ptr: number;
      if (str !== -1) ptr = str + 9;
      else {
        str = this.find(" auid=", term);
        if (str !== -1) ptr = str + 6;
        else {
          str = this.find("new loginuid=", term);
          if (str === -1) this.fail();
          ptr = str + 13;
        }
      }
      const end = this.find(" ", ptr);
      this.s.loginuid = this.number(ptr, end);
      after = end === -1 ? null : end;
    } catch (error) {
      this.caught(error, Flag.LOGINUID);
    }
    step: try {
      const from = after ?? 0;
      const str = this.find("res=", from);
      if (str === -1) {
        this.s.success = S_SUCCESS; // older kernels: a login was always successful
        break step;
      }
      const end = this.find(" ", str + 4);
      this.s.success = toI32(this.number(str + 4, end)) as Success;
      after = end === -1 ? null : end;
    } catch (error) {
      this.caught(error, Flag.ALWAYS);
    }
    try {
      const from = after ?? 0;
      let str = this.find("new ses=", from);
      let ptr: number;
      if (str !== -1) ptr = str + 8;
      else {
        str = this.find(" ses=", from);
        if (str === -1) this.fail();
        ptr = str + 5;
      }
      this.s.session = this.number(ptr, this.find(" ", ptr));
    } catch (error) {
      this.caught(error, Flag.SESSION);
    }
  }

  /** parse_daemon1(): the daemon's own records, read from after `msg=audit(…)`. */
  daemon1(): void {
    const close = this.find(")", 0);
    const mptr = close === -1 ? 0 : close;
    let term = this.numberStep("loginuid", "auid=", mptr, Need.BOTH) ?? mptr;
    term = this.numberStep("pid", "pid=", term, Need.BOTH) ?? term;
    term = this.uidStep(" uid=", term, Need.SPACE) ?? term;
    term = this.numberStep("session", "ses=", term, Need.SPACE) ?? term;
    this.textStep("scontext", "subj=", term, Need.NONE);
    this.wordResult(mptr);
  }

  /** parse_daemon2(): DAEMON_ACCEPT, DAEMON_CLOSE. */
  daemon2(): void {
    let term = 0;
    step: try {
      const str = this.find("addr=", 0);
      if (str === -1) break step;
      const end = this.endAt(str + 5, ":", " ");
      this.s.hostname = this.m.slice(str + 5, end);
      term = end;
    } catch (error) {
      this.caught(error, Flag.HOSTNAME);
    }
    this.wordResult(term);
  }

  /** parse_sockaddr(). */
  sockaddr(): void {
    const flags = Flag.HOSTNAME | Flag.FILENAME;
    step: try {
      const str = this.find("saddr=", 0);
      if (str === -1) break step;
      const hex = this.m.slice(str + 6);
      const length = Math.floor(hex.length / 2);
      if (unescapeHex(this.m, str + 6) === null && !hex.startsWith("(")) this.fail();
      const bytes = hexBytes(hex);
      const family = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
      if (family === 2 /* AF_INET */) {
        if (length < 16) this.fail();
        this.s.hostname = `${bytes[4]}.${bytes[5]}.${bytes[6]}.${bytes[7]}`;
        break step;
      }
      if (family === 10 /* AF_INET6 */) {
        if (length < 28) this.fail();
        this.s.hostname = formatIpv6(bytes.subarray(8, 24));
        break step;
      }
      if (family === 1 /* AF_UNIX */) {
        const abstract = bytes[2] === 0;
        const path = latin1UpToNul(bytes, abstract ? 3 : 2);
        if (path.length === 0) this.fail();
        this.addFile(path);
      }
      this.s.hostname = null;
    } catch (error) {
      this.caught(error, flags);
    }
  }

  /** parse_avc(): AVC, USER_AVC (whose other fields parse_user() reads). */
  avcRecord(type: number): void {
    const an: AvcNode = { scontext: null, tcontext: null, avcClass: null, avcPerm: null, result: AVC_UNSET };
    let term = 0;
    const avcAt = this.find("avc: ", 0);
    if (avcAt !== -1) {
      const brace = this.find("{", avcAt + 5);
      if (brace !== -1) {
        const denied = this.m.slice(avcAt + 5, brace).includes("denied");
        this.s.success = denied ? S_FAILED : S_SUCCESS;
        an.result = denied ? AVC_DENIED : AVC_GRANTED;
        let str = brace + 1;
        while (this.m.charCodeAt(str) === 0x20) str++;
        let end = this.find("}", str);
        if (end === -1) {
          this.failed |= Flag.ALWAYS;
          return;
        }
        while (this.m.charCodeAt(end - 1) === 0x20) end--;
        an.avcPerm = this.m.slice(str, end);
        this.poke(end, " ");
        term = end;
      }
    }
    if (type === T.USER_AVC) {
      this.user(type, an);
      this.s.avc ??= [];
      this.s.avc.push(an);
      return;
    }
    term = this.numberStep("pid", "pid=", term, Need.SPACE) ?? term;
    step: try {
      if (this.s.comm !== null) break step;
      const str = this.find("comm=", term);
      if (str === -1) this.fail();
      const { value, term: close } = this.quotedOrHex(str + 5);
      this.s.comm = value;
      term = close ?? str + 5 + 6;
    } catch (error) {
      this.caught(error, Flag.COMM);
    }
    const file = this.find(" path=", term) !== -1 ? " path=" : " name=";
    if (this.fileStep(file, term, Need.NONE) !== null) term += 7;
    for (const [flags, label, field] of AVC_CONTEXTS) {
      step: try {
        const str = this.find(label, term);
        if (str === -1) break step;
        const end = this.find(" ", str + 9);
        if (end === -1) this.fail();
        an[field] = this.m.slice(str + 9, end);
        term = end;
      } catch (error) {
        this.caught(error, flags);
      }
    }
    const tclass = this.find("tclass=", term);
    if (tclass === -1) {
      if (this.find("apparmor=", 0) === -1) {
        this.failed |= Flag.ALWAYS;
        return;
      }
      // Not aureport's: it cannot read AppArmor's AVCs and skips their events; we report them.
      this.failed |= Blind.APPARMOR;
      this.s.avc ??= [];
      this.s.avc.push(this.apparmorNode());
      return;
    }
    an.avcClass = cut(this.m, tclass + 7, this.find(" ", tclass + 7));
    this.s.avc ??= [];
    this.s.avc.push(an);
  }

  /** An AppArmor decision as an AVC row: profile as subject, name as object, mask as permission. */
  apparmorNode(): AvcNode {
    const field = (name: string) => {
      const at = this.find(` ${name}=`, 0);
      if (at === -1) return null;
      const start = at + name.length + 2;
      if (this.m.charCodeAt(start) === 0x22) {
        const close = this.find('"', start + 1);
        return this.m.slice(start + 1, close === -1 ? this.m.length : close);
      }
      return cut(this.m, start, this.find(" ", start));
    };
    const verdict = field("apparmor");
    const result =
      verdict === "DENIED"
        ? AVC_DENIED
        : verdict === "ALLOWED" || verdict === "AUDIT"
          ? AVC_GRANTED
          : AVC_UNSET;
    if (result !== AVC_UNSET) this.s.success = result === AVC_DENIED ? S_FAILED : S_SUCCESS;
    return {
      scontext: field("profile"),
      tcontext: field("name") ?? field("peer") ?? field("addr"),
      avcClass: field("class") ?? field("operation"),
      avcPerm: field("denied_mask") ?? field("requested_mask") ?? field("operation"),
      result,
    };
  }

  /** parse_pkt(): NETFILTER_PKT. */
  pkt(): void {
    const term = this.textStep("hostname", "saddr=", 0, Need.SPACE) ?? 0;
    this.textStep("tcontext", "obj=", term, Need.NONE);
  }

  /** parse_kernel_anom(): SECCOMP, ANOM_PROMISCUOUS, ANOM_ABEND. */
  kernelAnomaly(type: number): void {
    let term = this.numberStep("loginuid", "auid=", 0, Need.LABEL) ?? 0;
    term = this.uidStep("uid=", term, Need.SPACE) ?? term;
    term = this.numberStep("session", "ses=", term, Need.NONE) ?? term;
    if (type === T.ANOM_PROMISCUOUS) return;
    term = this.textStep("scontext", "subj=", term, Need.SPACE) ?? term;
    term = this.numberStep("pid", "pid=", term, Need.SPACE) ?? term;
    term = this.quotedStep("comm", "comm=", term, Need.NONE) ?? term;
    const exe = type === T.ANOM_ABEND ? Need.NONE : Need.LABEL; // an ANOM_ABEND may have no exe=
    term = this.quotedStep("exe", "exe=", term, exe) ?? term;
    if (type === T.SECCOMP) {
      try {
        let str = this.find("arch=", term);
        if (str === -1) return; // a few kernels write no arch: nothing more is read
        let end = this.find(" ", str + 5);
        if (end === -1) this.fail();
        this.number(str + 5, end, 16);
        str = this.find("syscall=", end);
        if (str === -1) this.fail();
        end = this.find(" ", str + 8);
        if (end === -1) this.fail();
        this.s.syscall = toI32(this.number(str + 8, end));
        term = end;
      } catch (error) {
        this.caught(error, Flag.ALWAYS);
        return;
      }
    }
    this.result(term, Flag.ALWAYS);
  }

  /** parse_simple_message(): CONFIG_CHANGE (which may lack auid=) and the MAC types. */
  simpleMessage(type: number): void {
    const auid = type === T.CONFIG_CHANGE ? Need.NONE : Need.LABEL;
    let term = this.numberStep("loginuid", "auid=", 0, auid) ?? 0;
    term = this.numberStep("session", "ses=", term, Need.NONE) ?? term;
    term = this.textStep("scontext", "subj=", term, Need.NONE) ?? term;
    term = this.keyStep(term) ?? term;
    if (type === T.CONFIG_CHANGE) this.s.success = S_SUCCESS;
    this.result(term, Flag.ALWAYS);
  }

  /** parse_integrity(): the INTEGRITY_* types. */
  integrity(): void {
    let term = this.numberStep("pid", "pid=", 0, Need.SPACE) ?? 0;
    term = this.uidAfterSpace(term) ?? term;
    term = this.numberStep("loginuid", "auid=", 0, Need.SPACE) ?? term;
    term = this.numberStep("session", "ses=", term, Need.SPACE) ?? term;
    term = this.textStep("scontext", "subj=", term, Need.SPACE) ?? term;
    term = this.quotedStep("comm", "comm=", term, Need.NONE) ?? term;
    this.fileStep(" name=", term, Need.NONE);
    this.result(term, Flag.ALWAYS);
  }

  /** parse_tty(). */
  tty(): void {
    let term = this.numberStep("pid", "pid=", 0, Need.SPACE) ?? 0;
    term = this.uidAfterSpace(term) ?? term;
    term = this.numberStep("loginuid", "auid=", term, Need.LABEL) ?? term;
    term = this.numberStep("session", "ses=", term, Need.SPACE) ?? term;
    this.quotedStep("comm", "comm=", term, Need.NONE);
  }

  /**
   * parse_kernel(): NETFILTER_CFG, EVENT_LISTENER. Each value is read only when no earlier record
   * of the event gave it; a missing one is set to what ausearch fills in.
   */
  kernel(): void {
    let term = 0;
    if (this.s.pid === -1) term = this.numberStep("pid", " pid=", term, Need.BOTH) ?? term;
    if (this.s.uid === UID_UNSET) term = this.uidStep("uid=", term, Need.SPACE, 0) ?? term;
    if (this.s.loginuid === LOGINUID_UNSET) {
      term = this.numberStep("loginuid", "auid=", term, Need.SPACE, UID_UNSET) ?? term;
    }
    if (this.s.terminal === null)
      term = this.textStep("terminal", "tty=", term, Need.SPACE, "(none)") ?? term;
    if (this.s.session === SESSION_UNSET) {
      term = this.numberStep("session", "ses=", term, Need.SPACE, UID_UNSET) ?? term;
    }
    if (this.s.avc === null) term = this.textStep("scontext", "subj=", term, Need.BOTH) ?? term;
    if (this.s.comm === null) term = this.quotedStep("comm", "comm=", term, Need.LABEL) ?? term;
    if (this.s.exe === null) this.quotedStep("exe", "exe=", 0, Need.NONE, "(null)");
    this.result(term, Flag.ALWAYS);
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(Math.floor(hex.length / 2));
  for (let i = 0; i < out.length; i++) {
    const byte = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    if (Number.isNaN(byte)) return out.subarray(0, i);
    out[i] = byte;
  }
  return out;
}

function latin1UpToNul(bytes: Uint8Array, from: number): string {
  let out = "";
  for (let i = from; i < bytes.length && bytes[i] !== 0; i++) out += String.fromCharCode(bytes[i] ?? 0);
  return out;
}

type RecordParser = (p: Parser, type: number) => void;

/** extract_search_items()'s switch: which parser reads which record type. */
const PARSERS = new Map<number, RecordParser>([
  [T.SYSCALL, (p) => p.syscall()],
  [T.CWD, (p) => p.dir()],
  [T.AVC_PATH, (p) => p.avcPath()],
  [T.PATH, (p) => p.path()],
  [T.SOCKADDR, (p) => p.sockaddr()],
  [T.LOGIN, (p) => p.login()],
  [T.IPC, (p) => p.obj()],
  [T.OBJ_PID, (p) => p.obj()],
  [T.DAEMON_ACCEPT, (p) => p.daemon2()],
  [T.DAEMON_CLOSE, (p) => p.daemon2()],
  [
    T.CONFIG_CHANGE,
    (p, type) => {
      p.simpleMessage(type);
      // Its path= is read like an old AVC's; a failure there does not count.
      const failed = p.failed;
      p.avcPath();
      p.failed = failed;
    },
  ],
  [T.AVC, (p, type) => p.avcRecord(type)],
  [T.USER_AVC, (p, type) => p.avcRecord(type)],
  [T.NETFILTER_PKT, (p) => p.pkt()],
  [T.FEATURE_CHANGE, (p) => p.taskInfo()],
  [T.ANOM_LINK, (p) => p.taskInfo()],
  [T.SECCOMP, (p, type) => p.kernelAnomaly(type)],
  [T.ANOM_PROMISCUOUS, (p, type) => p.kernelAnomaly(type)],
  [T.ANOM_ABEND, (p, type) => p.kernelAnomaly(type)],
  [T.NETFILTER_CFG, (p) => p.kernel()],
  [T.EVENT_LISTENER, (p) => p.kernel()],
  [T.TTY, (p) => p.tty()],
  ...[T.DAEMON_START, T.DAEMON_END, T.DAEMON_ABORT, T.DAEMON_CONFIG, T.DAEMON_ROTATE, T.DAEMON_RESUME].map(
    (type): [number, RecordParser] => [type, (p) => p.daemon1()],
  ),
]);

const parseUser: RecordParser = (p, type) => p.user(type, null);
const parseSimple: RecordParser = (p, type) => p.simpleMessage(type);
const parseIntegrity: RecordParser = (p) => p.integrity();

function rangeParser(type: number): RecordParser | undefined {
  if (isUserMessage(type)) return parseUser;
  if (type >= T.MAC_POLICY_LOAD && type <= T.MAC_UNLBL_STCDEL) return parseSimple;
  if (type >= T.INTEGRITY_DATA && type <= T.INTEGRITY_RULE) return parseIntegrity;
  return undefined;
}

/** Whether aureport's parser reads anything from records of this type. */
export function isParsed(type: number): boolean {
  return PARSERS.has(type) || rangeParser(type) !== undefined;
}

/**
 * What aureport's parser reads from one of its events (records in file order); `uidReports`: as
 * the auth and user reports read it (their uid steps move the search position).
 */
export function extractItems(records: readonly RecordMessage[], uidReports = false): Extraction {
  const parser = new Parser(uidReports);
  for (const record of records) if (isParsed(record.type)) parser.parse(record);
  return { items: parser.s, failed: parser.failed, uidMatters: parser.uidMatters };
}
