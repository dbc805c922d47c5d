import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { ExportLinks } from "@/components/export-links";
import { LogTimesTable } from "@/components/log-times-table";
import { ReportFilters } from "@/components/report-filters";
import { ReportRanking } from "@/components/report-ranking";
import { ReportRows, type ReportView } from "@/components/report-rows";
import type { PageProps } from "@/lib/http/dataset-params";
import {
  reportParams,
  reportPath,
  reportQuery,
  reportSearch,
  resolveFilters,
} from "@/lib/http/report-params";
import { getDataset } from "@/lib/queries/get-dataset";
import { hasRanking, listReports, type ReportName } from "@/lib/reports";
import { getStore } from "@/lib/store/db";

export default async function ReportPage({ params, searchParams }: PageProps<{ id: string; name: string }>) {
  await connection();
  const parsed = reportParams.safeParse(await params);
  if (!parsed.success) notFound();
  const query = reportQuery.parse(await searchParams);
  const store = getStore();
  const dataset = await getDataset(store, parsed.data.id);
  if (!dataset) notFound();
  const name = parsed.data.name as ReportName | "log";
  const path = reportPath(dataset.id, name);
  const exportHref = (format: "csv" | "json") => {
    const search = new URLSearchParams(reportSearch({ ...query, page: 0 }).slice(1));
    search.set("format", format);
    return `/api/datasets/${dataset.id}/reports/${name}/export?${search}`;
  };
  const info = listReports().find((report) => report.name === name);
  const { filters, problems } = resolveFilters(query, dataset.lastMs);
  const ranked = info !== undefined && info.summary !== null && query.view === "ranking";
  const view: ReportView | null =
    name === "log"
      ? null
      : {
          datasetId: dataset.id,
          name,
          filters,
          query,
          href: (changes) => path + reportSearch({ ...query, ...changes }),
        };
  const result = filters.success === "failed" ? "Failed " : filters.success === "success" ? "Success " : "";
  return (
    <>
      <Breadcrumbs
        dataset={dataset}
        trail={[
          {
            label: "Reports",
            href: `/datasets/${dataset.id}/reports${reportSearch({ result: query.result, start: query.start, end: query.end, node: query.node })}`,
          },
        ]}
      />
      <div className="page-title">
        <h1>
          {name === "log"
            ? "Log Time Range Report"
            : `${ranked ? result : ""}${ranked ? info?.summary?.title : info?.title}`}
        </h1>
        {info ? (
          <p className="muted">
            aureport <span className="mono">{info.option}</span>
            {ranked ? " --summary" : ""}
            {filters.success ? ` --${filters.success}` : ""}, from the store.
          </p>
        ) : null}
      </div>
      {view ? (
        <>
          <ReportFilters
            action={path}
            query={query}
            nodes={dataset.nodes}
            lastMs={dataset.lastMs}
            problems={problems}
          />
          <div className="report-bar">
            {hasRanking(view.name) ? (
              <nav className="tabs" aria-label="View">
                <Link
                  className="tab"
                  href={view.href({ view: "rows", page: 0 })}
                  aria-current={ranked ? undefined : "page"}
                >
                  Rows
                </Link>
                <Link
                  className="tab"
                  href={view.href({ view: "ranking", page: 0, sort: undefined, dir: undefined })}
                  aria-current={ranked ? "page" : undefined}
                >
                  Summary ranking
                </Link>
              </nav>
            ) : (
              <span />
            )}
            <ExportLinks href={exportHref} />
          </div>
          {ranked ? <ReportRanking view={view} /> : <ReportRows view={view} />}
        </>
      ) : (
        <>
          <ExportLinks href={exportHref} />
          <LogTimesTable datasetId={dataset.id} />
        </>
      )}
    </>
  );
}
