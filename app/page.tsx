import Link from "next/link";
import { connection } from "next/server";
import { DatasetActions } from "@/components/dataset-actions";
import { TimeText } from "@/components/time-zone";
import { UploadPanel } from "@/components/upload-panel";
import { escapeInvisible } from "@/lib/format/escape";
import { formatBytes } from "@/lib/format/numbers";
import { listDatasets } from "@/lib/queries/list-datasets";
import { displayText } from "@/lib/reports/output/display";
import { getStore } from "@/lib/store/db";

export default async function DatasetsPage() {
  await connection();
  const datasets = await listDatasets(getStore());
  return (
    <>
      <div className="page-title">
        <h1>Datasets</h1>
        <p className="muted">
          Each dataset is a set of audit logs from one investigation, parsed into the event store.
        </p>
      </div>
      <UploadPanel
        datasets={datasets
          .filter((d) => d.status !== "ingesting")
          .map((d) => ({ id: d.id, name: escapeInvisible(d.name) }))}
      />
      {datasets.length === 0 ? (
        <section className="empty-state" aria-labelledby="empty-title">
          <h2 id="empty-title">No datasets yet</h2>
          <p>Upload logs above, or load them from the command line:</p>
          <pre className="code-block">
            <code>bin/auditscope ingest /var/log/audit/audit.log</code>
          </pre>
          <p className="muted">
            Plain or gzip files, or a directory of rotated logs (<code>audit.log</code>,{" "}
            <code>audit.log.1</code>, …).
          </p>
        </section>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Hosts</th>
              <th scope="col">Time range</th>
              <th scope="col" className="num">
                Events
              </th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col" className="num">
                Unreadable lines
              </th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr key={dataset.id}>
                <td>
                  <Link href={`/datasets/${dataset.id}`}>{escapeInvisible(dataset.name)}</Link>
                </td>
                <td>
                  <span className={`status status-${dataset.status}`}>{dataset.status}</span>
                  {dataset.error ? <div className="muted small">{escapeInvisible(dataset.error)}</div> : null}
                </td>
                <td>{dataset.nodes.length > 0 ? dataset.nodes.map(displayText).join(", ") : "—"}</td>
                <td>
                  {dataset.firstMs !== null && dataset.lastMs !== null ? (
                    <>
                      <TimeText ms={dataset.firstMs} /> – <TimeText ms={dataset.lastMs} />
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="num">{dataset.events.toLocaleString("en-US")}</td>
                <td className="num">{formatBytes(dataset.bytes)}</td>
                <td className="num">
                  {dataset.malformed > 0 ? (
                    <Link href={`/datasets/${dataset.id}/malformed`}>
                      {dataset.malformed.toLocaleString("en-US")}
                    </Link>
                  ) : (
                    "0"
                  )}
                </td>
                <td>
                  <TimeText ms={dataset.createdAt.getTime()} />
                </td>
                <td>
                  <DatasetActions id={dataset.id} name={escapeInvisible(dataset.name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
