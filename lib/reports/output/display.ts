import { latin1ToText } from "../../audit/decode";
import { escapeInvisible } from "../../format/escape";
import type { Cell } from "../aureport/kinds";

/**
 * A cell as a person reads it. Report values keep the log's bytes one character per byte (as
 * aureport prints them); pages decode the UTF-8 in them and escape what is invisible, on the
 * server, so no control or bidi character reaches the browser, not even in the page's data.
 */
export const displayText = (text: string): string => escapeInvisible(latin1ToText(text));

export const displayCell = (cell: Cell): Cell => (typeof cell === "string" ? displayText(cell) : cell);

/** JSON of a report with every string in it as `displayText` shows it (the exports' JSON, the CLI's `--json`). */
export const displayJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? displayText(v) : v));
