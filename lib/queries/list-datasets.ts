import type { Store } from "../store/db";

export interface DatasetRow {
  id: number;
  name: string;
  status: string;
  error: string | null;
  events: number;
  malformed: number;
  bytes: number;
  firstMs: number | null;
  lastMs: number | null;
  nodes: string[];
  createdAt: Date;
}

const num = (value: bigint | null) => (value === null ? null : Number(value));

export async function listDatasets(store: Store): Promise<DatasetRow[]> {
  const rows = await store.prisma.dataset.findMany({
    select: {
      id: true,
      name: true,
      status: true,
      error: true,
      events: true,
      malformed: true,
      bytes: true,
      firstMs: true,
      lastMs: true,
      nodes: true,
      createdAt: true,
    },
    orderBy: { id: "desc" },
  });
  return rows.map((row) => ({
    ...row,
    events: Number(row.events),
    malformed: Number(row.malformed),
    bytes: Number(row.bytes),
    firstMs: num(row.firstMs),
    lastMs: num(row.lastMs),
    nodes: row.nodes ? row.nodes.split("\n") : [],
  }));
}
