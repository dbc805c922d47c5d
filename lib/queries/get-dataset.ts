import type { Store } from "../store/db";
import type { DatasetRow } from "./list-datasets";
import { toDatasetRow } from "./list-datasets";

export async function getDataset(store: Store, id: number): Promise<DatasetRow | null> {
  const row = await store.prisma.dataset.findUnique({ where: { id } });
  return row ? toDatasetRow(row) : null;
}
