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

interface DatasetRecord {
  id: number;
  name: string;
  status: string;
  error: string | null;
  events: bigint;
  malformed: bigint;
  bytes: bigint;
  firstMs: bigint | null;
  lastMs: bigint | null;
  nodes: string;
  createdAt: Date;
}

export function toDatasetRow(row: DatasetRecord): DatasetRow {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    error: row.error,
    createdAt: row.createdAt,
    events: Number(row.events),
    malformed: Number(row.malformed),
    bytes: Number(row.bytes),
    firstMs: num(row.firstMs),
    lastMs: num(row.lastMs),
    nodes: row.nodes ? row.nodes.split("\n") : [],
  };
}

export async function listDatasets(store: Store): Promise<DatasetRow[]> {
  const rows = await store.prisma.dataset.findMany({ orderBy: { id: "desc" } });
  return rows.map(toDatasetRow);
}
