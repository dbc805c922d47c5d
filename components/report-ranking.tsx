import { reportRanking } from "@/lib/reports";
import { displayText } from "@/lib/reports/output/display";
import { getStore } from "@/lib/store/db";
import { Pager } from "./pager";
import { RankingChart } from "./ranking-chart";
import { PAGE_SIZE, type ReportView } from "./report-rows";
import { ReportTable, type TableColumn, type TableRow } from "./report-table";

const CHART_VALUES = 20;

/** A page of a report's --summary ranking, with the first values as a chart. */
export function ReportRanking({ view }: { view: ReportView }) {
  const store = getStore();
  const ranking = reportRanking(store.db, view.datasetId, view.name, view.filters, {
    limit: PAGE_SIZE,
    offset: view.query.page * PAGE_SIZE,
  });
  const top = (
    view.query.page === 0
      ? ranking.rows.slice(0, CHART_VALUES)
      : reportRanking(store.db, view.datasetId, view.name, view.filters, { limit: CHART_VALUES, offset: 0 })
          .rows
  ).map((row) => ({ total: row.total, value: displayText(row.value) }));
  if (ranking.count === 0) return <p className="muted">No events of interest were found.</p>;
  const columns: TableColumn[] = [
    { id: "total", label: "total", kind: "number" },
    { id: "value", label: ranking.what, kind: "text" },
  ];
  const rows: TableRow[] = ranking.rows.map((row) => ({
    key: row.value,
    cells: [row.total, displayText(row.value)],
  }));
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
