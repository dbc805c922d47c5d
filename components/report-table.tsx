"use client";

import { createColumnHelper, rowSortingFeature, tableFeatures, useTable } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { escapeInvisible } from "@/lib/format/escape";
import { TimeText } from "./time-zone";

export interface TableColumn {
  id: string;
  label: string;
  /** time: ms since the epoch; event: the serial, linked to the row's event; number: right-aligned. */
  kind: "time" | "event" | "number" | "text";
  /** The URL that sorts by this column, and whether the page is sorted by it now. */
  sort?: { href: string; active: "asc" | "desc" | null };
}

export interface TableRow {
  key: string;
  cells: (string | number)[];
  eventHref?: string;
}

const ARIA_SORT = { asc: "ascending", desc: "descending" } as const;

function Cell({ column, value, row }: { column: TableColumn; value: string | number; row: TableRow }) {
  if (column.kind === "time" && typeof value === "number") return <TimeText ms={value} />;
  const text =
    typeof value === "number"
      ? value.toLocaleString("en-US", { useGrouping: false })
      : escapeInvisible(value);
  if (column.kind === "event" && row.eventHref) return <Link href={row.eventHref}>{text}</Link>;
  return <>{text}</>;
}

const features = tableFeatures({ rowSortingFeature });
const helper = createColumnHelper<typeof features, TableRow>();

/**
 * A page of a report, sorted and paginated by the server (the URL holds both): the table only
 * lays out what it is given, so a report of millions of rows costs the browser one page.
 */
export function ReportTable({
  columns,
  rows,
  caption,
}: {
  columns: TableColumn[];
  rows: TableRow[];
  caption: string;
}) {
  const defs = useMemo(
    () =>
      helper.columns(
        columns.map((column, index) =>
          helper.accessor((row) => row.cells[index] ?? "", {
            id: column.id,
            header: column.label,
            cell: (context) => <Cell column={column} value={context.getValue()} row={context.row.original} />,
          }),
        ),
      ),
    [columns],
  );
  const sorting = useMemo(
    () =>
      columns.flatMap((column) =>
        column.sort?.active ? [{ id: column.id, desc: column.sort.active === "desc" }] : [],
      ),
    [columns],
  );
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    getRowId: (row) => row.key,
    manualSorting: true,
    state: { sorting },
  });
  return (
    <table className="data-table report-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header, index) => {
              const column = columns[index] as TableColumn;
              const sorted = header.column.getIsSorted();
              return (
                <th
                  key={header.id}
                  scope="col"
                  className={column.kind === "number" ? "num" : undefined}
                  aria-sort={sorted ? ARIA_SORT[sorted] : undefined}
                >
                  {column.sort ? (
                    <Link href={column.sort.href} className="sort-link" title={`Sort by ${column.label}`}>
                      <table.FlexRender header={header} />
                      <span aria-hidden="true">
                        {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
                      </span>
                    </Link>
                  ) : (
                    <table.FlexRender header={header} />
                  )}
                </th>
              );
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getAllCells().map((cell, index) => (
              <td key={cell.id} className={columns[index]?.kind === "number" ? "num" : "mono wrap-anywhere"}>
                <table.FlexRender cell={cell} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
