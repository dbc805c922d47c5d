import type { ReportQuery } from "@/lib/http/report-params";
import { detailedReport, type ReportFilters, type ReportName, sortableColumns } from "@/lib/reports";
import { displayCell } from "@/lib/reports/output/display";
import { getStore } from "@/lib/store/db";
import { Pager } from "./pager";
import { ReportTable, type TableColumn, type TableRow } from "./report-table";

export const PAGE_SIZE = 100;

/** One report view as its URL says: the report, its filters, and how to link to a changed view. */
export interface ReportView {
  datasetId: number;
  name: ReportName;
  filters: ReportFilters;
  query: ReportQuery;
  href: (changes: Partial<ReportQuery>) => string;
}

/** A column header's sort link: the other direction when the page is sorted by it, else ascending. */
function sortColumn(view: ReportView, sortKey: string | undefined): TableColumn["sort"] {
  const current =
    view.query.sort !== undefined && sortableColumns(view.name).includes(view.query.sort)
      ? view.query.sort
      : undefined;
  const isTime = (key: string | undefined) => key === undefined || key === "date" || key === "time";
  const active = (isTime(sortKey) ? isTime(current) : current === sortKey) ? view.query.dir : null;
  const dir = active === "asc" ? "desc" : "asc";
  return { href: view.href({ sort: sortKey, dir, page: 0 }), active };
}

/** A page of a detailed report, sorted as the URL says, with links that sort and page. */
export function ReportRows({ view }: { view: ReportView }) {
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
    cells: [row.timeMs, ...row.cells.map(displayCell)],
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
