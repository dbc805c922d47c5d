import { newestDatasetId } from "../queries/get-dataset-stats";
import type { Store } from "../store/db";
import { UsageError } from "./usage-error";

/** `--dataset ID` as a dataset id: digits only (not `0x1`, `1e0` or ` 1`, which Number() takes). */
export function parseDatasetId(value: string): number {
  // Fifteen digits at most: every such number is exact in a double.
  if (!/^[1-9][0-9]{0,14}$/.test(value)) {
    throw new UsageError(`--dataset takes a dataset id (a positive whole number), got '${value}'`);
  }
  return Number(value);
}

/** The dataset a command works on: `--dataset ID`, else the newest one. */
export function datasetIdOption(store: Store, value: string | undefined): number {
  const id = value === undefined ? newestDatasetId(store) : parseDatasetId(value);
  if (id === null) throw new UsageError("there are no datasets yet");
  return id;
}
