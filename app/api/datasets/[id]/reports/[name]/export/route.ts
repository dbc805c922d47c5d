import { pieceStream } from "@/lib/http/piece-stream";
import { reportExportQuery, reportParams, resolveFilters } from "@/lib/http/report-params";
import { isCrossSiteSubresource, jsonError } from "@/lib/http/same-origin";
import { getDataset } from "@/lib/queries/get-dataset";
import type { ReportName } from "@/lib/reports";
import { exportFileName, exportPieces, streamsRows } from "@/lib/reports/export";
import { getStore } from "@/lib/store/db";
import { openReader } from "@/lib/store/reader";

export const dynamic = "force-dynamic";

interface Context {
  params: Promise<{ id: string; name: string }>;
}

const TYPES = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" } as const;

/** A report view (the page's URL parameters) as a CSV or JSON download, streamed. */
export async function GET(request: Request, context: Context) {
  if (isCrossSiteSubresource(request.headers))
    return jsonError(403, "exports are not served to other sites' pages");
  const params = reportParams.safeParse(await context.params);
  if (!params.success) return jsonError(404, "no such dataset or report");
  const query = reportExportQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const store = getStore();
  const dataset = await getDataset(store, params.data.id);
  if (!dataset) return jsonError(404, "no such dataset");
  const { filters, problems } = resolveFilters(query, dataset.lastMs);
  if (problems.length > 0) return jsonError(400, problems.join(" "));
  const what = {
    name: params.data.name as ReportName | "log",
    view: query.view,
    filters,
    order: { sort: query.sort, order: query.dir },
  };
  // Detailed rows stream from a connection of their own; rankings are whole (and may be cached).
  const reader = streamsRows(what) ? openReader(store.file) : null;
  const pieces = exportPieces(reader ?? store.db, dataset.id, what, query.format)[Symbol.iterator]();
  const body = pieceStream(pieces, () => reader?.close());
  return new Response(body, {
    headers: {
      "content-type": TYPES[query.format],
      "content-disposition": `attachment; filename="${exportFileName(dataset.name, dataset.id, what, query.format)}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}
