import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { Breadcrumbs } from "@/components/breadcrumbs";
import { CopyButton } from "@/components/copy-button";
import { TimeText } from "@/components/time-zone";
import { latin1ToText } from "@/lib/audit/decode";
import { escapeInvisible } from "@/lib/format/escape";
import { getDataset } from "@/lib/queries/get-dataset";
import { getEvent } from "@/lib/queries/get-event";
import { displayText } from "@/lib/reports/output/display";
import { getStore } from "@/lib/store/db";

const eventParams = z.object({
  id: z.coerce.number().int().positive(),
  eventId: z.coerce.number().int().positive(),
});

export default async function EventPage({ params }: { params: Promise<{ id: string; eventId: string }> }) {
  await connection();
  const parsed = eventParams.safeParse(await params);
  if (!parsed.success) notFound();
  const store = getStore();
  const dataset = await getDataset(store, parsed.data.id);
  const event = dataset ? getEvent(store, dataset.id, parsed.data.eventId) : null;
  if (!dataset || !event) notFound();
  // Each line escaped on its own, so nothing inside a line can pass for a line break.
  const raw = event.raw
    .split("\n")
    .map((line) => escapeInvisible(latin1ToText(line)))
    .join("\n");
  return (
    <>
      <Breadcrumbs dataset={dataset} />
      <div className="page-title">
        <h1>Event {event.serial}</h1>
        <p className={event.result === "failed" ? "event-summary failed" : "event-summary"}>
          {escapeInvisible(event.summary)}
        </p>
        <dl className="event-meta">
          <dt>Time</dt>
          <dd>
            <TimeText ms={event.timeMs} withMs />
          </dd>
          <dt>Host</dt>
          <dd>{event.node ? displayText(event.node) : "(no node name)"}</dd>
          <dt>Serial</dt>
          <dd>{event.serial}</dd>
        </dl>
      </div>
      {event.records.map((record, index) => (
        <section key={record.key} className="record" aria-label={`Record ${index + 1}: ${record.type}`}>
          <h2>
            {index + 1}. {escapeInvisible(record.type)}
          </h2>
          <table className="data-table compact fields">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Raw</th>
                <th scope="col">Interpreted</th>
              </tr>
            </thead>
            <tbody>
              {record.fields.map(([name, field]) => (
                <tr key={name}>
                  <th scope="row" className="mono">
                    {escapeInvisible(name)}
                  </th>
                  <td className="mono excerpt">{escapeInvisible(field.raw)}</td>
                  <td className="mono excerpt">
                    {field.value === field.raw ? "" : escapeInvisible(field.value)}
                  </td>
                </tr>
              ))}
              {record.enriched.map(([name, value]) => (
                <tr key={`enriched-${name}`}>
                  <th scope="row" className="mono">
                    {escapeInvisible(name)}
                  </th>
                  <td />
                  <td className="mono excerpt">{escapeInvisible(value)}</td>
                </tr>
              ))}
              {record.fieldsOmitted > 0 ? (
                <tr>
                  <td colSpan={3}>
                    {record.fieldsOmitted.toLocaleString("en-US")} more fields: see the raw lines
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </section>
      ))}
      {event.recordsOmitted > 0 ? (
        <p className="muted">
          {event.recordsOmitted.toLocaleString("en-US")} more records: see the raw lines
        </p>
      ) : null}
      <section className="raw-lines" aria-labelledby="raw-title">
        <div className="raw-head">
          <h2 id="raw-title">Raw lines</h2>
          <CopyButton text={raw} label="Copy raw lines" />
        </div>
        <pre className="code-block">{raw}</pre>
      </section>
    </>
  );
}
