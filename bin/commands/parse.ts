import { eventToJson } from "../../lib/audit/event-json";
import { AuditParser, type ParseOutput } from "../../lib/audit/parser";
import type { AuditEvent } from "../../lib/audit/types";
import { parseOptions } from "../../lib/cli/parse-options";
import { sourcePaths } from "../../lib/cli/source-paths";
import { writeText } from "../../lib/cli/write-lines";
import { escapeInvisible, jsonWithoutInvisible } from "../../lib/format/escape";
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
  // The files given are one log: an event a rotation split goes on in the next file's parser,
  // and is printed and counted with the file it began in.
  let parser: AuditParser | null = null;
  const carried = new Map<AuditEvent, FileCount>();
  const take = async (out: ParseOutput, file: FileCount) => {
    let text = "";
    for (const event of out.events) {
      const beganIn = carried.get(event) ?? file;
      carried.delete(event);
      beganIn.events++;
      if (!values.count) text += `${jsonWithoutInvisible(eventToJson(event, beganIn.path))}\n`;
    }
    if (text) await writeText(process.stdout, text);
    for (const entry of out.malformed) {
      if (reported++ < MAX_MALFORMED_REPORTED) {
        process.stderr.write(`${escapeInvisible(file.path)}:${entry.line}: ${entry.message}\n`);
      }
    }
  };
  for (const source of expandSources(sourcePaths("parse", positionals))) {
    if (source.unreadable !== null) {
      unreadable++;
      process.stderr.write(`auditscope: ${escapeInvisible(source.unreadable)}\n`);
      continue;
    }
    const file: FileCount = { path: source.path, lines: 0, records: 0, events: 0, malformed: 0 };
    files.push(file);
    let corrupt: Error | null = null;
    const input = source.open(undefined, (error) => {
      corrupt = error;
    });
    const current: AuditParser = parser?.nextFile() ?? new AuditParser();
    parser = current;
    for await (const chunk of input) await take(current.push(chunk as Buffer), file);
    await take(current.endInput(), file);
    for (const event of current.openEvents()) if (!carried.has(event)) carried.set(event, file);
    Object.assign(file, {
      lines: current.stats.lines,
      records: current.stats.records,
      malformed: current.stats.malformed,
    });
    if (corrupt) {
      // As ingest keeps it: one more malformed entry where the gzip data stopped.
      file.malformed++;
      process.stderr.write(
        `${escapeInvisible(source.path)}:${file.lines + 1}: ${corruptGzipNote(corrupt)}\n`,
      );
    }
  }
  const last = files.at(-1);
  if (parser && last) await take(parser.flush(), last);
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
