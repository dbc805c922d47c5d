import { renderTtyTokens } from "../../audit/tty";
import { isXDigit } from "./c-text";
import { messageOf, type RecordMessage } from "./extract";
import { uidText } from "./format";
import { AVC_UNSET, type AvcNode } from "./items";
import type { Cell } from "./kinds";
import type { SubEventView } from "./view";

/** The rows of the two reports that list more than one row per event: AVC and TTY. */

const RESULTS = ["unset", "denied", "granted"];

/** print_tty_data(): the keystrokes of `data=` (hex) as aureport's TTY report shows them. */
function ttyData(text: string): string | null {
  const at = text.indexOf("data=");
  if (at === -1) return null;
  let value = text.slice(at + 5);
  const space = value.lastIndexOf(" ");
  if (space !== -1) value = value.slice(0, space);
  for (let i = 0; i < value.length; i++) if (!isXDigit(value.charCodeAt(i))) return value;
  if (value.length < 2) return `conversion error(${value})`;
  const bytes = new Uint8Array(value.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(value.slice(i * 2, i * 2 + 2), 16);
  return renderTtyTokens(bytes);
}

/** A TTY report row for a TTY/USER_TTY record of the event; null when it has no data. */
export function ttyCells(view: SubEventView, record: RecordMessage, serial: number): Cell[] | null {
  const data = ttyData(messageOf(record));
  if (data === null) return null;
  const { items } = view;
  return [serial, uidText(items.loginuid), items.terminal ?? "?", items.session, items.comm ?? "?", data];
}

/** The AVC report's rows: each decision, or (aureport's do-while) the last node when none. */
export function avcShown(view: SubEventView): AvcNode[] {
  const nodes = view.items.avc ?? [];
  const decided = nodes.filter((n) => n.result !== AVC_UNSET);
  const last = nodes[nodes.length - 1];
  return decided.length > 0 ? decided : last ? [last] : [];
}

export function avcCells(view: SubEventView, node: AvcNode, serial: number): Cell[] {
  return [
    view.items.comm ?? "?",
    node.scontext ?? "(null)",
    view.items.syscall,
    node.avcClass ?? "(null)",
    node.avcPerm ?? "(null)",
    node.tcontext ?? "(null)",
    RESULTS[node.result] ?? "unset",
    serial,
  ];
}
