import path from "node:path";
import { parseOptions } from "../../lib/cli/parse-options";
import { UsageError } from "../../lib/cli/usage-error";
import { getDatasetStats, newestDatasetId } from "../../lib/queries/get-dataset-stats";
import { closeStore, databasePath, openStore } from "../../lib/store/db";

const HELP = `Usage: auditscope stats [--db FILE] [--dataset ID] --json

Prints a dataset's counts as JSON: events, records, malformed, sessions, processes, ttyRecords,
nodes, first, last. --dataset defaults to the newest dataset.
`;

export async function statsCommand(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    db: { type: "string" },
    dataset: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const store = openStore(path.resolve(values.db ?? databasePath()));
  try {
    const id = values.dataset === undefined ? newestDatasetId(store) : Number(values.dataset);
    if (id === null) throw new UsageError("there are no datasets yet");
    if (!Number.isInteger(id)) throw new UsageError(`--dataset takes a dataset id, got '${values.dataset}'`);
    const stats = getDatasetStats(store, id);
    if (!stats) throw new UsageError(`there is no dataset ${id}`);
    process.stdout.write(`${JSON.stringify(stats)}\n`);
    return 0;
  } finally {
    await closeStore(store);
  }
}
