import type { Store } from "../store/db";

export interface DatasetRow {
  id: number;
  name: string;
  status: string;
  error: string | null;
  createdAt: Date;
}

export async function listDatasets(store: Store): Promise<DatasetRow[]> {
  return store.prisma.dataset.findMany({
    select: { id: true, name: true, status: true, error: true, createdAt: true },
    orderBy: { id: "desc" },
  });
}
