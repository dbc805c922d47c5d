import { z } from "zod";

/** `[id]` of the dataset routes. */
export const datasetParams = z.object({ id: z.coerce.number().int().positive() });

/** `?page=` of paginated lists (0-based). */
export const pageQuery = z.object({ page: z.coerce.number().int().min(0).max(1_000_000).catch(0) });

/** What Next passes a page: its route's parameters and the URL's query, both as promises. */
export interface PageProps<Params> {
  params: Promise<Params>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}
