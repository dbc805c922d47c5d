import { readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import { parseBuffer } from "../audit/parser";
import { ingest } from "../ingest/ingest";
import { expandSources } from "../ingest/sources";
import { detailedRows, reportRanking, reportSummary } from "../reports";
import { messageText } from "../reports/aureport/extract";
import { Blind, Flag, S_FAILED, S_SUCCESS } from "../reports/aureport/items";
import { REPORT_KINDS, type ReportKind } from "../reports/aureport/kinds";
import { SUMMARY_FLAGS } from "../reports/aureport/summary-counters";
import { typeName } from "../reports/aureport/types";
import { aureportDate } from "../reports/output/dates";
import {
  type AureportEvent,
  addToSummary,
  aureportEvents,
  type EmulatedView,
  emptySummary,
  emulatedRanking,
  emulatedRows,
  emulatedView,
  eventKey,
  ourSubEvents,
  readBy,
  type Success,
} from "./aureport-emulation";
import { aureportOutput, detailedRowsOf, rankingOf, summaryOf } from "./aureport-runs";

/**
 * The parity check of one log, report by report, for all, --failed and --success:
 *  1. aureport's rules, computed by our code over aureport's own events (ausearch-lol simulated),
 *     give exactly aureport's output: rows (every column), rankings and summary counters;
 *  2. the store (aureportOnly) gives aureport's detailed rows (same serials; each of our rows is
 *     one of aureport's rows for that serial), its rankings less the duplicates of the serials
 *     aureport splits (LOGIN and other single-record heads), and its summary counters, `events`
 *     counting our events;
 *  3. the store gives exactly what the same rules give over our grouping of the records (first
 *     qualifying row per event), and our grouping is aureport's for every serial but those it
 *     splits by its time-out (a record arriving after a later event: docs/aureport-parity.md),
 *     which are set apart (for a log with such serials, 2's rankings and counters are not compared).
 */

export interface ParityResult {
  problems: string[];
  /** Serials whose records aureport groups differently from us (time-out splits). */
  lateSerials: string[];
  /** Serials aureport splits the way our store counts once (LOGIN-style). */
  splitSerials: string[];
}

const FILTERS: readonly Success[] = [undefined, "failed", "success"];
const filterArgs = (success: Success) => (success ? [`--${success}`] : []);
const PRINTABLE = /^[\x20-\x7e]*$/;

function countAll(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function diffCounts(label: string, ours: Map<string, number>, theirs: Map<string, number>): string | null {
  const diffs: string[] = [];
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
    if ((ours.get(key) ?? 0) !== (theirs.get(key) ?? 0))
      diffs.push(`${key}: ${ours.get(key) ?? 0} vs ${theirs.get(key) ?? 0}`);
  }
  return diffs.length === 0
    ? null
    : `${label}: ${diffs.slice(0, 5).join("; ")}${diffs.length > 5 ? ` (+${diffs.length - 5})` : ""}`;
}

/** aureport prints type rankings as numbers; ours name the type. */
function theirRanking(kind: ReportKind, output: string): Map<string, number> {
  const ranking = rankingOf(output);
  if (kind.summary?.what !== "type") return ranking;
  return new Map([...ranking].map(([value, n]) => [typeName(Number(value)), n]));
}

const sameRecords = (a: AureportEvent["records"], b: AureportEvent["records"]) =>
  a.length === b.length &&
  a.every(
    (r, i) => messageText(r.raw).replace(/\r$/, "") === messageText(b[i]?.raw ?? "").replace(/\r$/, ""),
  );

export async function checkReportParity(db: Database.Database, file: string): Promise<ParityResult> {
  const data = readFileSync(file);
  const { events } = parseBuffer(data);
  const result = await ingest(expandSources([file]), { db, name: file, worker: false });
  if (result.dataset === null) throw new Error(`${file}: not ingested (${result.status})`);
  const dataset = result.dataset;

  // aureport's events, and ours, by key.
  const theirs = new Map<string, EmulatedView[]>();
  const theirEvents = new Map<string, AureportEvent[]>();
  for (const e of aureportEvents(data, events)) {
    theirs.set(e.key, [...(theirs.get(e.key) ?? []), emulatedView(e.serial, e.sec, e.records)]);
    theirEvents.set(e.key, [...(theirEvents.get(e.key) ?? []), e]);
  }
  const lateSerials = new Set<string>();
  const splitSerials = new Set<string>();
  const ours = new Map<string, EmulatedView[]>();
  for (const event of events) {
    const key = eventKey(event.node, event.sec, event.ms, event.serial);
    const subs = ourSubEvents(event);
    ours.set(
      key,
      subs.map((records) => emulatedView(event.serial, event.sec, records)),
    );
    const aureport = theirEvents.get(key) ?? [];
    if (aureport.length === 0 && subs.length === 0) continue;
    const aligned =
      aureport.length === subs.length && aureport.every((e, i) => sameRecords(e.records, subs[i] ?? []));
    if (!aligned) lateSerials.add(String(event.serial));
    else if (subs.length > 1) splitSerials.add(String(event.serial));
  }
  const exact = lateSerials.size === 0;
  const problems: string[] = [];

  for (const success of FILTERS) {
    const tag = success ?? "all";
    // The summary report.
    const summaryOut = summaryOf(await aureportOutput(file, filterArgs(success)));
    const emulated = emptySummary();
    for (const views of theirs.values()) for (const e of views) addToSummary(emulated, e, success);
    const ourSummary = emptySummary();
    for (const views of ours.values()) for (const e of views) addToSummary(ourSummary, e, success);
    const store = reportSummary(db, dataset, { success, aureportOnly: true });
    let ourEvents = 0;
    for (const views of ours.values()) {
      const counted = views.some(
        (e) =>
          !(e.view.failed & (SUMMARY_FLAGS | Flag.ALWAYS | Blind.APPARMOR)) &&
          (success === undefined || e.view.items.success === (success === "failed" ? S_FAILED : S_SUCCESS)),
      );
      if (counted) ourEvents++;
    }
    for (const { label, value } of store.counts) {
      const aureport = summaryOut.get(label);
      const mine =
        label === "events"
          ? emulated.events
          : (emulated.counters.get(label) ?? emulated.sets.get(label)?.size ?? 0);
      if (mine !== aureport)
        problems.push(`[${tag}] summary emulation "${label}": ${mine} vs aureport ${aureport}`);
      const expected = label === "events" ? ourEvents : aureport;
      if (exact && value !== expected) problems.push(`[${tag}] summary "${label}": ${value} vs ${expected}`);
      const ourRules =
        label === "events"
          ? ourEvents
          : (ourSummary.counters.get(label) ?? ourSummary.sets.get(label)?.size ?? 0);
      if (value !== ourRules)
        problems.push(`[${tag}] summary "${label}": ${value} vs our grouping ${ourRules}`);
    }

    for (const kind of REPORT_KINDS) {
      // The detailed report.
      const output = await aureportOutput(file, [kind.option, ...filterArgs(success)]);
      const aureportRows = detailedRowsOf(output, kind.name === "event" || kind.name === "tty");
      const emulatedTexts: string[] = [];
      for (const views of theirs.values()) {
        for (const e of views) {
          const view = readBy(kind, e, success);
          if (view) emulatedTexts.push(...emulatedRows(kind, e, view));
        }
      }
      const printable = (rows: string[]) => rows.filter((text) => PRINTABLE.test(text));
      const rowDiff = diffCounts(
        `[${tag}] ${kind.name} rows emulation`,
        countAll(printable(emulatedTexts)),
        countAll(printable(aureportRows.map((r) => r.text))),
      );
      if (rowDiff) problems.push(rowDiff);

      const theirSerials = new Set(aureportRows.map((r) => r.serial).filter((s) => !lateSerials.has(s)));
      const textsBySerial = new Map<string, Set<string>>();
      for (const row of aureportRows)
        textsBySerial.set(row.serial, (textsBySerial.get(row.serial) ?? new Set()).add(row.text));
      const ourSerials = new Set<string>();
      for (const row of detailedRows(db, dataset, kind.name, { success, aureportOnly: true })) {
        const serial = String(
          kind.name === "event" || kind.name === "tty" ? row.cells[0] : row.cells[row.cells.length - 1],
        );
        if (lateSerials.has(serial)) continue;
        ourSerials.add(serial);
        const text = `${aureportDate(row.timeMs)} ${row.cells.join(" ")}`;
        if (PRINTABLE.test(text) && !textsBySerial.get(serial)?.has(text)) {
          problems.push(`[${tag}] ${kind.name} row not aureport's: ${text}`);
        }
      }
      const missing = [...theirSerials].filter((s) => !ourSerials.has(s));
      const extra = [...ourSerials].filter((s) => !theirSerials.has(s));
      if (missing.length || extra.length) {
        problems.push(
          `[${tag}] ${kind.name} serials: missing ${missing.slice(0, 5)} extra ${extra.slice(0, 5)}`,
        );
      }

      // The --summary ranking.
      if (kind.summary === null) continue;
      const aureportRanking = theirRanking(
        kind,
        await aureportOutput(file, [kind.option, "--summary", ...filterArgs(success)]),
      );
      const emulatedValues: string[] = [];
      const duplicates: string[] = [];
      for (const views of theirs.values()) {
        let counted = false;
        for (const e of views) {
          const view = readBy(kind, e, success);
          if (!view) continue;
          const values = emulatedRanking(kind, view);
          emulatedValues.push(...values);
          // The store counts an event once: its first ranked row (later ones are aureport's duplicates).
          if (counted) duplicates.push(...values);
          if (kind.ranked(view)) counted = true;
        }
      }
      const rankDiff = diffCounts(
        `[${tag}] ${kind.name} ranking emulation`,
        countAll(emulatedValues),
        aureportRanking,
      );
      if (rankDiff) problems.push(rankDiff);
      const stored = new Map(
        reportRanking(db, dataset, kind.name, { success, aureportOnly: true }).rows.map((r) => [
          r.value,
          r.total,
        ]),
      );
      const ourValues: string[] = [];
      for (const views of ours.values()) {
        const first = views
          .map((e) => readBy(kind, e, success))
          .find((view) => view !== null && kind.ranked(view));
        if (first) ourValues.push(...emulatedRanking(kind, first));
      }
      const ourDiff = diffCounts(
        `[${tag}] ${kind.name} ranking vs our grouping`,
        stored,
        countAll(ourValues),
      );
      if (ourDiff) problems.push(ourDiff);
      if (!exact) continue;
      const expected = new Map(aureportRanking);
      for (const value of duplicates) expected.set(value, (expected.get(value) ?? 0) - 1);
      for (const [value, n] of expected) if (n === 0) expected.delete(value);
      const storeDiff = diffCounts(`[${tag}] ${kind.name} ranking`, stored, expected);
      if (storeDiff) problems.push(storeDiff);
    }
  }
  return { problems, lateSerials: [...lateSerials], splitSerials: [...splitSerials] };
}
