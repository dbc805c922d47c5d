import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { ReportFilters } from "@/components/report-filters";
import { SummaryCounters } from "@/components/summary-counters";
import { TimeText } from "@/components/time-zone";
import { datasetParams, type PageProps } from "@/lib/http/dataset-params";
import { reportFilterQuery, reportPath, reportSearch, resolveFilters } from "@/lib/http/report-params";
import { getDataset } from "@/lib/queries/get-dataset";
import {
  coversWholeDataset,
  detailedReportTotal,
  listReports,
  reportLogTimes,
  reportSummary,
} from "@/lib/reports";
import { getStore } from "@/lib/store/db";

export default async function ReportsPage({ params, searchParams }: PageProps<{ id: string }>) {
  await connection();
  const parsed = datasetParams.safeParse(await params);
  if (!parsed.success) notFound();
  const query = reportFilterQuery.parse(await searchParams);
  const store = getStore();
  const dataset = await getDataset(store, parsed.data.id);
  if (!dataset) notFound();
  const { filters, problems } = resolveFilters(query, dataset.lastMs);
  const summary = reportSummary(store.db, dataset.id, filters);
  // Whole-dataset row counts are cached; under a time or node filter each would be a scan.
  const counted = coversWholeDataset(filters);
  const href = (name: Parameters<typeof reportPath>[1], result = query.result) =>
    reportPath(dataset.id, name) + reportSearch({ ...query, result });
  return (
    <>
      <Breadcrumbs dataset={dataset} />
      <div className="page-title">
        <h1>
          {filters.success === "failed" ? "Failed " : filters.success === "success" ? "Success " : ""}Summary
          Report
        </h1>
        <p className="muted">
          aureport&apos;s summary, from the store.{" "}
          {summary.firstMs !== null && summary.lastMs !== null ? (
            <>
              Range of time in logs: <TimeText ms={summary.firstMs} /> – <TimeText ms={summary.lastMs} />.
            </>
          ) : null}
        </p>
      </div>
      <ReportFilters
        action={`/datasets/${dataset.id}/reports`}
        query={query}
        nodes={dataset.nodes}
        lastMs={dataset.lastMs}
        problems={problems}
      />
      <SummaryCounters
        counts={summary.counts}
        label="Summary counters"
        href={(count) => href(count.link.report, count.link.success ?? query.result)}
      />
      <h2>Reports</h2>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Report</th>
            <th scope="col">aureport</th>
            {counted ? (
              <th scope="col" className="num">
                Rows
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {listReports().map((report) => (
            <tr key={report.name}>
              <td>
                <Link href={href(report.name)}>{report.title}</Link>
              </td>
              <td className="mono">{report.option}</td>
              {counted ? (
                <td className="num">
                  {detailedReportTotal(store.db, dataset.id, report.name, filters).toLocaleString("en-US")}
                </td>
              ) : null}
            </tr>
          ))}
          <tr>
            <td>
              <Link href={reportPath(dataset.id, "log")}>Log Time Range Report</Link>
            </td>
            <td className="mono">-t</td>
            {counted ? (
              <td className="num">{reportLogTimes(store.db, dataset.id).length.toLocaleString("en-US")}</td>
            ) : null}
          </tr>
        </tbody>
      </table>
    </>
  );
}
