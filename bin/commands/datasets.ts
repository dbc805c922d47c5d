import path from "node:path";
import { parseOptions } from "../../lib/cli/parse-options";
import { escapeInvisible, jsonWithoutInvisible } from "../../lib/format/escape";
import { listDatasets } from "../../lib/queries/list-datasets";
import { closeStore, databasePath, openStore } from "../../lib/store/db";

const HELP = `Usage: auditscope datasets [--db FILE] [--json]

Lists the datasets: id, name, status, events and time range (UTC); under a dataset whose last
ingest failed, was cancelled or stopped, why.
`;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function datasetsCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    db: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const store = openStore(path.resolve(values.db ?? databasePath()));
  try {
    const rows = (await listDatasets(store)).map((d) => ({
      id: d.id,
      name: d.name,
      status: d.status,
      /** Why an ingest failed, was cancelled or stopped. */
      error: d.error,
      events: d.events,
      first: iso(d.firstMs),
      last: iso(d.lastMs),
    }));
    if (values.json) {
      process.stdout.write(`${jsonWithoutInvisible(rows)}\n`);
    } else if (rows.length === 0) {
      process.stdout.write("no datasets yet: add one with 'auditscope ingest PATH'\n");
    } else {
      for (const d of rows) {
        const range = d.first ? `${d.first} … ${d.last}` : "no events";
        process.stdout.write(
          `${String(d.id).padStart(4)}  ${d.status.padEnd(11)} ${String(d.events).padStart(10)} events  ${range}  ${escapeInvisible(d.name)}\n`,
        );
        if (d.error) process.stdout.write(`      ${escapeInvisible(d.error)}\n`);
      }
    }
    return 0;
  } finally {
    await closeStore(store);
  }
}
