import { eventToJson } from "../../lib/audit/event-json";
import { parseOptions } from "../../lib/cli/parse-options";
import { sourcePaths } from "../../lib/cli/source-paths";
import { writeText } from "../../lib/cli/write-lines";
import { escapeInvisible, jsonWithoutInvisible } from "../../lib/format/escape";
import { parseStream } from "../../lib/ingest/parse-stream";
import { corruptGzipNote, expandSources } from "../../lib/ingest/sources";

const HELP = `Usage: auditscope parse [--count] PATH...

Parses audit logs and prints one JSON object per event (JSON Lines), for jq and friends.
PATH is a file (plain or gzip), a directory of rotated logs (read oldest first), or - for stdin.
  --count   print one JSON object with line, record, event and malformed counts instead
`;

const MAX_MALFORMED_REPORTED = 20;

interface FileCount {
  path: string;
  lines: number;
  records: number;
  events: number;
  malformed: number;
}

export async function parseCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { count: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    true,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const files: FileCount[] = [];
  let reported = 0;
  let unreadable = 0;
  for (const source of expandSources(sourcePaths("parse", positionals))) {
    if (source.unreadable !== null) {
      unreadable++;
      process.stderr.write(`auditscope: ${escapeInvisible(source.unreadable)}\n`);
      continue;
    }
    let last: FileCount = { path: source.path, lines: 0, records: 0, events: 0, malformed: 0 };
    let corrupt: Error | null = null;
    const input = source.open(undefined, (error) => {
      corrupt = error;
    });
    for await (const { events, malformed, stats } of parseStream(input)) {
      if (!values.count) {
        const text = events
          .map((event) => `${jsonWithoutInvisible(eventToJson(event, source.path))}\n`)
          .join("");
        if (text) await writeText(process.stdout, text);
      }
      for (const entry of malformed) {
        if (reported++ < MAX_MALFORMED_REPORTED) {
          process.stderr.write(`${escapeInvisible(source.path)}:${entry.line}: ${entry.message}\n`);
        }
      }
      last = {
        path: source.path,
        lines: stats.lines,
        records: stats.records,
        events: stats.events,
        malformed: stats.malformed,
      };
    }
    if (corrupt) {
      // As ingest keeps it: one more malformed entry where the gzip data stopped.
      last = { ...last, malformed: last.malformed + 1 };
      process.stderr.write(
        `${escapeInvisible(source.path)}:${last.lines + 1}: ${corruptGzipNote(corrupt)}\n`,
      );
    }
    files.push(last);
  }
  if (reported > MAX_MALFORMED_REPORTED) {
    process.stderr.write(`… and ${reported - MAX_MALFORMED_REPORTED} more lines that could not be read\n`);
  }
  if (values.count) {
    const sum = (key: "lines" | "records" | "events" | "malformed") =>
      files.reduce((total, f) => total + f[key], 0);
    const counts = {
      files,
      lines: sum("lines"),
      records: sum("records"),
      events: sum("events"),
      malformed: sum("malformed"),
    };
    await writeText(process.stdout, `${jsonWithoutInvisible(counts)}\n`);
  }
  return unreadable > 0 ? 1 : 0;
}
