import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { EventsChart } from "@/components/events-chart";
import { TimeText } from "@/components/time-zone";
import { escapeInvisible } from "@/lib/format/escape";
import { formatBytes } from "@/lib/format/numbers";
import { datasetParams } from "@/lib/http/dataset-params";
import { getDataset } from "@/lib/queries/get-dataset";
import { getDatasetOverview, type TopItem } from "@/lib/queries/get-dataset-overview";
import { getStore } from "@/lib/store/db";

function TopTable({ title, items }: { title: string; items: TopItem[] }) {
  return (
    <section className="top-table" aria-label={title}>
      <h3>{title}</h3>
      {items.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="data-table compact">
          <tbody>
            {items.map((item) => (
              <tr key={item.value}>
                <td className="mono">{escapeInvisible(item.value)}</td>
                <td className="num">{item.count.toLocaleString("en-US")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const parsed = datasetParams.safeParse(await params);
  if (!parsed.success) notFound();
  const store = getStore();
  const dataset = await getDataset(store, parsed.data.id);
  if (!dataset) notFound();
  const overview =
    dataset.firstMs !== null && dataset.lastMs !== null
      ? getDatasetOverview(store, dataset.id, dataset.firstMs, dataset.lastMs)
      : null;
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link href="/">Datasets</Link> ›
      </nav>
      <div className="page-title">
        <h1>{escapeInvisible(dataset.name)}</h1>
        <p className="muted">
          <span className={`status status-${dataset.status}`}>{dataset.status}</span>{" "}
          {dataset.nodes.length > 0 ? `${dataset.nodes.map(escapeInvisible).join(", ")} · ` : ""}
          {formatBytes(dataset.bytes)}
          {dataset.firstMs !== null && dataset.lastMs !== null ? (
            <>
              {" · "}
              <TimeText ms={dataset.firstMs} /> – <TimeText ms={dataset.lastMs} />
            </>
          ) : null}
        </p>
        {dataset.error ? <p className="error-text">{escapeInvisible(dataset.error)}</p> : null}
        {dataset.malformed > 0 ? (
          <p>
            <Link href={`/datasets/${dataset.id}/malformed`}>
              {dataset.malformed.toLocaleString("en-US")} line{dataset.malformed === 1 ? "" : "s"} could not
              be read
            </Link>
          </p>
        ) : null}
      </div>
      {overview ? (
        <>
          <ul className="counters" aria-label="Counts">
            {overview.counters.map((counter) => (
              <li key={counter.label} className="counter">
                <span className="counter-value">{counter.value.toLocaleString("en-US")}</span>
                <span className="counter-label">{counter.label}</span>
              </li>
            ))}
          </ul>
          <EventsChart buckets={overview.buckets} bucketMs={overview.bucketMs} />
          <div className="top-grid">
            <TopTable title="Users (auid)" items={overview.users} />
            <TopTable title="Executables" items={overview.executables} />
            <TopTable title="Keys" items={overview.keys} />
            <TopTable title="Hosts" items={overview.hosts} />
            <TopTable title="Failed syscalls" items={overview.failedSyscalls} />
          </div>
        </>
      ) : (
        <p className="muted">This dataset has no events yet.</p>
      )}
    </>
  );
}
