import { newestDatasetId } from "../queries/get-dataset-stats";
import type { Store } from "../store/db";
import { UsageError } from "./usage-error";

/** The dataset a command works on: `--dataset ID`, else the newest one. */
export function datasetIdOption(store: Store, value: string | undefined): number {
  const id = value === undefined ? newestDatasetId(store) : Number(value);
  if (id === null) throw new UsageError("there are no datasets yet");
  if (!Number.isInteger(id)) throw new UsageError(`--dataset takes a dataset id, got '${value}'`);
  return id;
}
