import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { EventsChart } from "@/components/events-chart";
import { SummaryCounters } from "@/components/summary-counters";
import { TimeText } from "@/components/time-zone";
import { latin1ToName } from "@/lib/audit/decode";
import { escapeInvisible } from "@/lib/format/escape";
import { formatBytes } from "@/lib/format/numbers";
import { datasetParams } from "@/lib/http/dataset-params";
import { reportPath, reportSearch } from "@/lib/http/report-params";
import { getDataset } from "@/lib/queries/get-dataset";
import { getDatasetOverview, NO_NODE, type TopItem } from "@/lib/queries/get-dataset-overview";
import { type ReportName, reportSummary } from "@/lib/reports";
import { displayText } from "@/lib/reports/output/display";
import { getStore } from "@/lib/store/db";

function TopTable({
  title,
  items,
  href,
  label = (item) => escapeInvisible(item.value),
}: {
  title: string;
  items: TopItem[];
  /** Where an item leads (the report that ranks or lists it). */
  href: (item: TopItem) => string;
  /** How it reads: values are text, but for host names, kept as the log's bytes. */
  label?: (item: TopItem) => string;
}) {
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
                <td className="mono">
                  <Link href={href(item)}>{label(item)}</Link>
                </td>
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
  const reports = `/datasets/${dataset.id}/reports`;
  const ranking = (name: ReportName, result?: "failed") =>
    reportPath(dataset.id, name) + reportSearch({ view: "ranking", result });
  return (
    <>
      <Breadcrumbs />
      <div className="page-title">
        <h1>{escapeInvisible(dataset.name)}</h1>
        <p className="muted">
          <span className={`status status-${dataset.status}`}>{dataset.status}</span>{" "}
          {dataset.nodes.length > 0 ? `${dataset.nodes.map(displayText).join(", ")} · ` : ""}
          {formatBytes(dataset.bytes)}
          {dataset.firstMs !== null && dataset.lastMs !== null ? (
            <>
              {" · "}
              <TimeText ms={dataset.firstMs} /> – <TimeText ms={dataset.lastMs} />
            </>
          ) : null}
        </p>
        <p>
          <Link href={reports}>aureport&apos;s reports</Link>
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
            <TopTable title="Users (auid)" items={overview.users} href={() => ranking("user")} />
            <TopTable title="Executables" items={overview.executables} href={() => ranking("executable")} />
            <TopTable title="Keys" items={overview.keys} href={() => ranking("key")} />
            <TopTable
              title="Hosts"
              items={overview.hosts}
              label={(item) => (item.value === NO_NODE ? NO_NODE : displayText(item.value))}
              href={(item) =>
                `${reports}${item.value === NO_NODE ? "" : reportSearch({ node: latin1ToName(item.value) })}`
              }
            />
            <TopTable
              title="Failed syscalls"
              items={overview.failedSyscalls}
              href={() => ranking("syscall", "failed")}
            />
          </div>
          <h2>
            aureport summary{" "}
            <Link href={reports} className="small">
              all reports →
            </Link>
          </h2>
          <SummaryCounters
            counts={reportSummary(store.db, dataset.id).counts}
            label="aureport summary counters"
            href={(count) =>
              reportPath(dataset.id, count.link.report) + reportSearch({ result: count.link.success })
            }
          />
        </>
      ) : (
        <p className="muted">This dataset has no events yet.</p>
      )}
    </>
  );
}
