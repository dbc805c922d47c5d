import path from "node:path";
import type Database from "better-sqlite3";
import { datasetIdOption } from "../../lib/cli/dataset-option";
import { parseOptions } from "../../lib/cli/parse-options";
import { UsageError } from "../../lib/cli/usage-error";
import { writeText } from "../../lib/cli/write-lines";
import {
  detailedRows,
  hasRanking,
  isReportName,
  listReports,
  REPORT_NAMES,
  type ReportFilters,
  type ReportName,
  reportLogTimes,
  reportRanking,
  reportSummary,
  resolveTime,
} from "../../lib/reports";
import { displayJson } from "../../lib/reports/output/display";
import { logTimesJson, rankingJson, summaryJson } from "../../lib/reports/output/json";
import { batched, detailedJsonPieces, detailedTextPieces } from "../../lib/reports/output/pieces";
import { logTimesText, rankingText, summaryText } from "../../lib/reports/output/text";
import { closeStore, databasePath, openStore, type Store } from "../../lib/store/db";

/** Breaks a long line at spaces so no line is wider than `width`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, indent + line].join("\n");
}

const HELP = `Usage: auditscope report [NAME] [--db FILE] [--dataset ID] [--summary] [--failed|--success]
                         [--start T] [--end T] [--node N] [--json] [--aureport-compatible]

Prints one of aureport's reports, computed from the store. NAME is summary (the default), log,
or one of:
${wrap(REPORT_NAMES.join(", "), 90, "  ")}

  --summary     the report's ranking (total per value) instead of its rows
  --failed      only failed events; --success: only successful ones
  --start T, --end T
                a time range, inclusive: ISO-8601 (2024-05-01, 2024-05-01T10:00:00Z) or one of
                aureport's words now, recent, today, yesterday, this-week, week-ago, this-month,
                this-year, taken relative to the dataset's last event (not to the clock)
  --node N      only events of this node
  --json        JSON instead of aureport's layout
  --aureport-compatible
                leave out what aureport 3.0.9 cannot read (see docs/aureport-parity.md)
--dataset defaults to the newest dataset. Times are UTC.
`;

function datasetOf(store: Store, value: string | undefined): { id: number; lastMs: number | null } {
  const id = datasetIdOption(store, value);
  const row = store.db
    .prepare<[number], { last_ms: number | null }>(`SELECT last_ms FROM datasets WHERE id = ?`)
    .get(id);
  if (!row) throw new UsageError(`there is no dataset ${id}`);
  return { id, lastMs: row.last_ms };
}

function timeOf(
  text: string | undefined,
  edge: "start" | "end",
  anchorMs: number | null,
): number | undefined {
  if (text === undefined) return undefined;
  const sec = resolveTime(text, edge, anchorMs);
  if (sec === null)
    throw new UsageError(`--${edge} takes an ISO-8601 time or one of aureport's words, got '${text}'`);
  return sec;
}

/** Writes every row of a detailed report, streamed a slice at a time (a report can have millions). */
async function writeDetailed(
  db: Database.Database,
  datasetId: number,
  name: ReportName,
  filters: ReportFilters,
  json: boolean,
): Promise<void> {
  const rows = detailedRows(db, datasetId, name, filters);
  const columns = listReports().find((r) => r.name === name)?.columns ?? [];
  const pieces = json ? detailedJsonPieces(name, columns, rows) : detailedTextPieces(name, rows);
  for (const text of batched(pieces)) await writeText(process.stdout, text);
}

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      db: { type: "string" },
      dataset: { type: "string" },
      summary: { type: "boolean" },
      failed: { type: "boolean" },
      success: { type: "boolean" },
      start: { type: "string" },
      end: { type: "string" },
      node: { type: "string" },
      json: { type: "boolean" },
      "aureport-compatible": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const name = positionals[0] ?? "summary";
  if (positionals.length > 1) throw new UsageError("give one report name (see 'auditscope report --help')");
  if (name !== "summary" && name !== "log" && !isReportName(name)) {
    throw new UsageError(`unknown report '${name}' (see 'auditscope report --help')`);
  }
  if (values.failed && values.success) throw new UsageError("--failed and --success exclude each other");
  if (values.summary && isReportName(name) && !hasRanking(name)) {
    throw new UsageError(`the ${name} report has no --summary (aureport has none either)`);
  }
  const store = openStore(path.resolve(values.db ?? databasePath()));
  try {
    const dataset = datasetOf(store, values.dataset);
    const filters: ReportFilters = {
      success: values.failed ? "failed" : values.success ? "success" : undefined,
      start: timeOf(values.start, "start", dataset.lastMs),
      end: timeOf(values.end, "end", dataset.lastMs),
      node: values.node,
      aureportOnly: values["aureport-compatible"] === true,
    };
    const json = values.json === true;
    const print = (value: unknown, text: string) =>
      writeText(process.stdout, json ? `${displayJson(value)}\n` : text);
    if (name === "summary") {
      const summary = reportSummary(store.db, dataset.id, filters);
      await print(summaryJson(summary), summaryText(summary, filters));
    } else if (name === "log") {
      const files = reportLogTimes(store.db, dataset.id);
      await print(logTimesJson(files), logTimesText(files));
    } else if (values.summary) {
      const ranking = reportRanking(store.db, dataset.id, name, filters);
      await print(rankingJson(ranking), rankingText(ranking, filters));
    } else {
      await writeDetailed(store.db, dataset.id, name, filters, json);
    }
    return 0;
  } finally {
    await closeStore(store);
  }
}
