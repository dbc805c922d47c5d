"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deleteDataset } from "@/lib/store/datasets";
import { getStore } from "@/lib/store/db";

// Server actions: Next checks that they come from this site's pages (Origin against Host).
const datasetId = z.number().int().positive();
const datasetName = z.string().trim().min(1, "the name cannot be empty").max(200, "the name is too long");

export async function renameDatasetAction(id: number, name: string): Promise<{ error: string } | null> {
  const parsedId = datasetId.safeParse(id);
  const parsedName = datasetName.safeParse(name);
  if (!parsedId.success) return { error: "no such dataset" };
  if (!parsedName.success) return { error: parsedName.error.issues[0]?.message ?? "bad name" };
  await getStore().prisma.dataset.update({ where: { id: parsedId.data }, data: { name: parsedName.data } });
  revalidatePath("/");
  return null;
}

export async function deleteDatasetAction(id: number): Promise<{ error: string } | null> {
  const parsed = datasetId.safeParse(id);
  if (!parsed.success) return { error: "no such dataset" };
  const store = getStore();
  const row = store.db
    .prepare<[number], { status: string }>(`SELECT status FROM datasets WHERE id = ?`)
    .get(parsed.data);
  if (!row) return { error: "no such dataset" };
  if (row.status === "ingesting") return { error: "the dataset is being ingested: cancel the ingest first" };
  deleteDataset(store.db, parsed.data);
  revalidatePath("/");
  return null;
}
