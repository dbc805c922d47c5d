import { formatBytes } from "@/lib/format/numbers";
import { isSameOrigin, jsonError } from "@/lib/http/same-origin";
import { maxUploadBytes, uploadQuery } from "@/lib/http/upload-params";
import { ingest } from "@/lib/ingest/ingest";
import { finishJob, listJobs, startJob } from "@/lib/ingest/jobs";
import { UploadTooLarge, uploadSources } from "@/lib/ingest/upload";
import { warmReportCache } from "@/lib/reports";
import { getStore } from "@/lib/store/db";

export const dynamic = "force-dynamic";

/** The ingests this server is running or ran recently (a reloaded page picks them up here). */
export function GET() {
  return Response.json({ jobs: listJobs() });
}

/**
 * Streams a multipart upload straight into ingest(): nothing is buffered whole, in memory or on
 * disk. Progress is kept in the server's job registry (GET /api/uploads/{job}).
 */
export async function POST(request: Request) {
  if (!isSameOrigin(request)) return jsonError(403, "uploads must come from this site");
  const query = uploadQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return jsonError(400, "bad upload parameters (job must be a UUID, dataset an id)");
  const limit = maxUploadBytes();
  const length = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length > limit) {
    return jsonError(
      413,
      `the upload is ${formatBytes(length)}, over the ${formatBytes(limit)} limit (AUDITSCOPE_MAX_UPLOAD)`,
    );
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data") || !request.body) {
    return jsonError(400, "send the files as multipart/form-data");
  }
  const started = startJob(
    query.data.job,
    query.data.name ?? "upload",
    Number.isFinite(length) ? length : null,
  );
  if (!started) return jsonError(409, "this upload job id is already in use");
  const { job, signal } = started;
  const sources = uploadSources(request.body, { "content-type": contentType }, limit, (count) => {
    job.bytesReceived += count;
  });
  try {
    const result = await ingest(sources, {
      db: getStore().db,
      dataset: query.data.dataset,
      name: query.data.name,
      signal,
      bytesTotal: Number.isFinite(length) ? length : undefined,
      onProgress: (progress) => {
        job.progress = progress;
      },
    });
    // The pages of a new dataset then open at once, not after a first slow computation.
    if (result.status === "ready" && result.dataset !== null) {
      job.preparingReports = true;
      // The events are in and the dataset is ready: a failure here only means the pages compute
      // the reports on first view, so it is logged, not reported as a failed upload.
      await warmReportCache(getStore().db, result.dataset).catch((error: unknown) =>
        console.error(`auditscope: preparing the reports of dataset ${result.dataset} failed:`, error),
      );
    }
    finishJob(job, result);
    const tooLarge = result.error !== null && /larger than the upload limit/.test(result.error);
    const status = tooLarge ? 413 : result.status === "refused" ? 422 : result.status === "ready" ? 200 : 500;
    return Response.json({ job: job.id, ...result }, { status });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    finishJob(job, { status: "failed", error: message });
    return jsonError(error instanceof UploadTooLarge ? 413 : 500, message);
  }
}
