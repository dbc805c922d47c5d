import { z } from "zod";

/** The query of POST /api/uploads: which job this is, and where the files go. */
export const uploadQuery = z.object({
  job: z.uuid(),
  name: z.string().trim().min(1).max(200).optional(),
  dataset: z.coerce.number().int().positive().optional(),
});

export const jobParams = z.object({ job: z.uuid() });

const GIB = 1024 ** 3;

/** AUDITSCOPE_MAX_UPLOAD in bytes (default 4 GiB). */
export function maxUploadBytes(): number {
  const value = Number(process.env.AUDITSCOPE_MAX_UPLOAD);
  return Number.isFinite(value) && value > 0 ? value : 4 * GIB;
}
