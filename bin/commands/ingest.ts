import path from "node:path";
import { parseDatasetId } from "../../lib/cli/dataset-option";
import { parseOptions } from "../../lib/cli/parse-options";
import { sourcePaths } from "../../lib/cli/source-paths";
import { UsageError } from "../../lib/cli/usage-error";
import { escapeInvisible, jsonWithoutInvisible } from "../../lib/format/escape";
import { formatBytes } from "../../lib/format/numbers";
import { type IngestProgress, ingest } from "../../lib/ingest/ingest";
import { expandSources } from "../../lib/ingest/sources";
import { warmReportCache } from "../../lib/reports";
import { databasePath, openDatabase } from "../../lib/store/db";

const HELP = `Usage: auditscope ingest [--db FILE] [--name NAME] [--dataset ID] [--json] PATH...

Parses audit logs into the event store: a new dataset (named NAME, default the name of the
first PATH a file goes in from), or more files for --dataset ID. PATH is a file (plain or gzip), a
directory of rotated logs (oldest first), or - for stdin. Files already in the dataset are
skipped; a file that cannot be read or is not an audit log is refused, and the others go in.
  --json   print one JSON object with the counts when done
Exit status: 0 when every file went in, 1 when any was refused or the ingest failed, 2 on usage errors.
`;

function progressLine(p: IngestProgress): string {
  if (p.linking) {
    const { events, of } = p.linking;
    const share = of > 0 ? ` (${Math.floor((100 * events) / of)}%)` : "";
    return `\rlinking the processes again: ${events.toLocaleString("en-US")} of ${of.toLocaleString("en-US")} stored events${share}\x1b[K`;
  }
  const of = p.bytesTotal
    ? ` of ${formatBytes(p.bytesTotal)} (${Math.floor((100 * p.bytesRead) / p.bytesTotal)}%)`
    : "";
  return `\r${formatBytes(p.bytesRead)}${of}, ${p.events.toLocaleString("en-US")} events — ${escapeInvisible(path.basename(p.file))}\x1b[K`;
}

export async function ingestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      db: { type: "string" },
      name: { type: "string" },
      dataset: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const datasetId = values.dataset === undefined ? undefined : parseDatasetId(values.dataset);
  if (values.name !== undefined && values.name.trim() === "") throw new UsageError("--name cannot be empty");
  if (values.name !== undefined && datasetId !== undefined) {
    throw new UsageError("--name names a new dataset: it cannot be used with --dataset");
  }
  const sources = expandSources(sourcePaths("ingest", positionals));
  const db = openDatabase(path.resolve(values.db ?? databasePath()));
  const showProgress = process.stderr.isTTY === true;
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  try {
    const result = await ingest(sources, {
      db,
      dataset: datasetId,
      name: values.name,
      signal: controller.signal,
      onProgress: showProgress ? (p) => process.stderr.write(progressLine(p)) : undefined,
    });
    if (result.status === "ready" && result.dataset !== null) {
      if (showProgress) process.stderr.write("\r\x1b[Kpreparing the reports…");
      await warmReportCache(db, result.dataset);
    }
    if (showProgress) process.stderr.write("\r\x1b[K");
    for (const file of result.files) {
      if (file.refused) process.stderr.write(`auditscope: ${escapeInvisible(file.refused)}\n`);
    }
    if (result.status === "cancelled") process.stderr.write("auditscope: ingest cancelled\n");
    else if (result.error)
      process.stderr.write(`auditscope: ingest ${result.status}: ${escapeInvisible(result.error)}\n`);
    if (values.json) {
      const { dataset, status, error, bytes, lines, records, events, duplicates, malformed, seconds, files } =
        result;
      const summary = {
        dataset,
        status,
        error,
        bytes,
        lines,
        records,
        events,
        duplicates,
        malformed,
        seconds: Math.round(seconds * 1000) / 1000,
        files,
      };
      process.stdout.write(`${jsonWithoutInvisible(summary)}\n`);
    } else if (result.dataset !== null) {
      const refused = result.files.filter((f) => f.refused !== null).length;
      process.stdout.write(
        `dataset ${result.dataset}: ${result.events.toLocaleString("en-US")} events from ${result.files.length - refused} file(s)` +
          `${refused ? `, ${refused} refused` : ""}` +
          `${result.duplicates ? `; ${result.duplicates.toLocaleString("en-US")} more were in the dataset already` : ""}` +
          `${result.malformed ? `, ${result.malformed} lines could not be read` : ""} (${result.status})\n`,
      );
    }
    return result.status === "ready" && result.files.every((f) => f.refused === null) ? 0 : 1;
  } finally {
    db.close();
  }
}
