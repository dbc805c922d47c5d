import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { latin1ToText } from "@/lib/audit/decode";
import { escapeInvisible } from "@/lib/format/escape";
import { datasetParams, type PageProps, pageQuery } from "@/lib/http/dataset-params";
import { getDataset } from "@/lib/queries/get-dataset";
import { listMalformedLines } from "@/lib/queries/list-malformed-lines";
import { getStore } from "@/lib/store/db";

const PAGE_SIZE = 100;

export default async function MalformedPage({ params, searchParams }: PageProps<{ id: string }>) {
  await connection();
  const parsed = datasetParams.safeParse(await params);
  if (!parsed.success) notFound();
  const { page } = pageQuery.parse(await searchParams);
  const store = getStore();
  const dataset = await getDataset(store, parsed.data.id);
  if (!dataset) notFound();
  const { rows, kept } = listMalformedLines(store, dataset.id, page, PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(kept / PAGE_SIZE));
  return (
    <>
      <Breadcrumbs dataset={dataset} />
      <div className="page-title">
        <h1>Lines that could not be read</h1>
        <p className="muted">
          {dataset.malformed.toLocaleString("en-US")} line{dataset.malformed === 1 ? "" : "s"} in all
          {kept < dataset.malformed ? `; the first ${kept.toLocaleString("en-US")} are kept` : ""}. Control
          characters are shown as escapes.
        </p>
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Reason</th>
            <th scope="col">Start of the line</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{escapeInvisible(row.file)}</td>
              <td className="num">{row.line.toLocaleString("en-US")}</td>
              <td>{row.message}</td>
              <td className="mono excerpt">{escapeInvisible(latin1ToText(row.excerpt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <nav className="pager" aria-label="Pages">
          {page > 0 ? <Link href={`?page=${page - 1}`}>← Previous</Link> : null}
          <span>
            Page {page + 1} of {pages}
          </span>
          {page + 1 < pages ? <Link href={`?page=${page + 1}`}>Next →</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
