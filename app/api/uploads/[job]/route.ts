import { isSameOrigin, jsonError } from "@/lib/http/same-origin";
import { jobParams } from "@/lib/http/upload-params";
import { cancelJob, getJob } from "@/lib/ingest/jobs";

export const dynamic = "force-dynamic";

interface Context {
  params: Promise<{ job: string }>;
}

export async function GET(_request: Request, context: Context) {
  const params = jobParams.safeParse(await context.params);
  if (!params.success) return jsonError(400, "the job id must be a UUID");
  const job = getJob(params.data.job);
  return job ? Response.json(job) : jsonError(404, "no such upload job on this server");
}

/** Cancels a running upload; its dataset is marked cancelled, never left half-complete as ready. */
export async function DELETE(request: Request, context: Context) {
  if (!isSameOrigin(request)) return jsonError(403, "cancel from this site");
  const params = jobParams.safeParse(await context.params);
  if (!params.success) return jsonError(400, "the job id must be a UUID");
  return cancelJob(params.data.job)
    ? Response.json({ cancelled: true })
    : jsonError(404, "no running upload with this id");
}
