import type { RecordMessage } from "./extract";
import type { SearchItems } from "./items";
import { isNotable, type TypeRange } from "./types";

/** One of aureport's events as its report rules see it: the record types and what was read. */
export interface SubEventView {
  head: number;
  types: readonly number[];
  items: SearchItems;
  /** Flags of the parser steps that failed (see extract.ts), plus Blind bits. */
  failed: number;
  /** Some record type is one a type rule looks for (types.ts isNotable); false skips those rules. */
  notable: boolean;
}

export function viewOf(records: readonly RecordMessage[], items: SearchItems, failed: number): SubEventView {
  const types = records.map((r) => r.type);
  return { head: types[0] ?? -1, types, items, failed, notable: types.some(isNotable) };
}

// Plain loops: these run for every report and counter on every event.

/** list_find_msg(): some record of the event has this type. */
export function has(view: SubEventView, type: number): boolean {
  for (const t of view.types) if (t === type) return true;
  return false;
}

/** list_find_msg_range(). */
export function hasIn(view: SubEventView, range: TypeRange): boolean {
  const [low, high] = range;
  for (const t of view.types) if (t >= low && t <= high) return true;
  return false;
}

/** How many of `types` the event has (each counted once). */
export function countOf(view: SubEventView, types: readonly number[]): number {
  let n = 0;
  for (const type of types) if (has(view, type)) n++;
  return n;
}

export function hasAny(view: SubEventView, types: readonly number[]): boolean {
  return countOf(view, types) > 0;
}
