import path from "node:path";
import { datasetIdOption } from "../../lib/cli/dataset-option";
import { parseOptions } from "../../lib/cli/parse-options";
import { UsageError } from "../../lib/cli/usage-error";
import { jsonWithoutInvisible } from "../../lib/format/escape";
import { getDatasetStats } from "../../lib/queries/get-dataset-stats";
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
    const id = datasetIdOption(store, values.dataset);
    const stats = getDatasetStats(store, id);
    if (!stats) throw new UsageError(`there is no dataset ${id}`);
    process.stdout.write(`${jsonWithoutInvisible(stats)}\n`);
    return 0;
  } finally {
    await closeStore(store);
  }
}
