import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { Pager } from "@/components/pager";
import { RankingChart } from "@/components/ranking-chart";
import { ReportFilters } from "@/components/report-filters";
import { ReportTable, type TableColumn, type TableRow } from "@/components/report-table";
import { TimeText } from "@/components/time-zone";
import { escapeInvisible } from "@/lib/format/escape";
import type { PageProps } from "@/lib/http/dataset-params";
import {
  type ReportQuery,
  reportParams,
  reportPath,
  reportQuery,
  reportSearch,
  resolveFilters,
} from "@/lib/http/report-params";
import { getDataset } from "@/lib/queries/get-dataset";
import {
  detailedReport,
  type ReportFilters as Filters,
  hasRanking,
  listReports,
  type ReportName,
  reportLogTimes,
  reportRanking,
  sortableColumns,
} from "@/lib/reports";
import { getStore } from "@/lib/store/db";

const PAGE_SIZE = 100;
const CHART_VALUES = 20;

interface View {
  datasetId: number;
  name: ReportName;
  filters: Filters;
  query: ReportQuery;
  href: (changes: Partial<ReportQuery>) => string;
}

function sortColumn(view: View, sortKey: string | undefined): TableColumn["sort"] {
  const current =
    view.query.sort !== undefined && sortableColumns(view.name).includes(view.query.sort)
      ? view.query.sort
      : undefined;
  const isTime = (key: string | undefined) => key === undefined || key === "date" || key === "time";
  const active = (isTime(sortKey) ? isTime(current) : current === sortKey) ? view.query.dir : null;
  const dir = active === "asc" ? "desc" : "asc";
  return { href: view.href({ sort: sortKey, dir, page: 0 }), active };
}

function DetailedRows({ view }: { view: View }) {
  const store = getStore();
  const sortable = sortableColumns(view.name);
  const sort =
    view.query.sort !== undefined && sortable.includes(view.query.sort) ? view.query.sort : undefined;
  const report = detailedReport(store.db, view.datasetId, view.name, view.filters, {
    limit: PAGE_SIZE,
    offset: view.query.page * PAGE_SIZE,
    sort,
    order: view.query.dir,
  });
  const columns: TableColumn[] = [
    { id: "time", label: "time", kind: "time", sort: sortColumn(view, undefined) },
    ...report.columns.slice(2).map(
      (column): TableColumn => ({
        id: column,
        label: column,
        kind: column === "event" ? "event" : "text",
        sort: sortable.includes(column) ? sortColumn(view, column) : undefined,
      }),
    ),
  ];
  const rows: TableRow[] = report.rows.map((row, i) => ({
    key: `${row.eventId}-${view.query.page * PAGE_SIZE + i}`,
    cells: [row.timeMs, ...row.cells],
    eventHref: `/datasets/${view.datasetId}/events/${row.eventId}`,
  }));
  if (report.total === 0) return <p className="muted">No events of interest were found.</p>;
  return (
    <>
      <ReportTable columns={columns} rows={rows} caption={report.title} />
      <Pager
        page={view.query.page}
        pageSize={PAGE_SIZE}
        total={report.total}
        href={(page) => view.href({ page })}
      />
    </>
  );
}

function Ranking({ view }: { view: View }) {
  const store = getStore();
  const ranking = reportRanking(store.db, view.datasetId, view.name, view.filters, {
    limit: PAGE_SIZE,
    offset: view.query.page * PAGE_SIZE,
  });
  const top =
    view.query.page === 0
      ? ranking.rows.slice(0, CHART_VALUES)
      : reportRanking(store.db, view.datasetId, view.name, view.filters, { limit: CHART_VALUES, offset: 0 })
          .rows;
  if (ranking.count === 0) return <p className="muted">No events of interest were found.</p>;
  const columns: TableColumn[] = [
    { id: "total", label: "total", kind: "number" },
    { id: "value", label: ranking.what, kind: "text" },
  ];
  const rows: TableRow[] = ranking.rows.map((row) => ({ key: row.value, cells: [row.total, row.value] }));
  return (
    <>
      <RankingChart rows={top} what={ranking.what} />
      <ReportTable columns={columns} rows={rows} caption={ranking.title} />
      <Pager
        page={view.query.page}
        pageSize={PAGE_SIZE}
        total={ranking.count}
        href={(page) => view.href({ page })}
      />
    </>
  );
}

/** Downloads of what the page shows: every row of the view, with its filters and sort. */
function ExportLinks({ href }: { href: (format: "csv" | "json") => string }) {
  return (
    <span className="exports">
      Export all rows: <a href={href("csv")}>CSV</a> · <a href={href("json")}>JSON</a>
    </span>
  );
}

function LogTimes({ datasetId }: { datasetId: number }) {
  const files = reportLogTimes(getStore().db, datasetId);
  return (
    <table className="data-table">
      <caption className="visually-hidden">Log Time Range Report</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">First event</th>
          <th scope="col">Last event</th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={`${file.path}|${file.firstMs}|${file.lastMs}`}>
            <td className="mono">{escapeInvisible(file.path)}</td>
            <td>{file.firstMs === null ? "no records" : <TimeText ms={file.firstMs} withMs />}</td>
            <td>{file.lastMs === null ? "" : <TimeText ms={file.lastMs} withMs />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
  const view: View | null =
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
          {ranked ? <Ranking view={view} /> : <DetailedRows view={view} />}
        </>
      ) : (
        <>
          <ExportLinks href={exportHref} />
          <LogTimes datasetId={dataset.id} />
        </>
      )}
    </>
  );
}
