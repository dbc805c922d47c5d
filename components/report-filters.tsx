import Form from "next/form";
import Link from "next/link";
import { latin1ToName } from "@/lib/audit/decode";
import { escapeInvisible } from "@/lib/format/escape";
import type { ReportQuery } from "@/lib/http/report-params";
import { TIME_KEYWORDS } from "@/lib/reports";
import { displayText } from "@/lib/reports/output/display";
import { TimeText } from "./time-zone";

/**
 * aureport's --failed/--success, --start/--end and --node as a GET form: the filters live in the
 * URL, so a filtered report is a link to paste. The view and its sort carry over; the page does not.
 */
export function ReportFilters({
  action,
  query,
  nodes,
  lastMs,
  problems,
}: {
  action: string;
  query: Partial<ReportQuery>;
  nodes: string[];
  lastMs: number | null;
  problems: string[];
}) {
  const keep = {
    view: query.view === "ranking" ? "ranking" : undefined,
    sort: query.sort,
    dir: query.dir === "desc" ? "desc" : undefined,
  };
  return (
    <Form action={action} className="report-filters" aria-label="Filters" key={JSON.stringify(query)}>
      {Object.entries(keep).map(([name, value]) =>
        value === undefined ? null : <input key={name} type="hidden" name={name} value={value} />,
      )}
      <label>
        Result
        <select name="result" defaultValue={query.result ?? ""}>
          <option value="">all</option>
          <option value="failed">failed</option>
          <option value="success">succeeded</option>
        </select>
      </label>
      <label>
        From
        <input
          name="start"
          list="time-words"
          defaultValue={query.start ?? ""}
          placeholder="2024-05-01T10:00 or today"
          size={26}
        />
      </label>
      <label>
        To
        <input name="end" list="time-words" defaultValue={query.end ?? ""} placeholder="now" size={22} />
      </label>
      {nodes.length > 0 ? (
        <label>
          Node
          <select name="node" defaultValue={query.node ?? ""}>
            <option value="">all</option>
            {nodes.map((node) => (
              <option key={node} value={latin1ToName(node)}>
                {displayText(node)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <datalist id="time-words">
        {TIME_KEYWORDS.map((word) => (
          <option key={word} value={word} />
        ))}
      </datalist>
      <button type="submit" className="button primary">
        Apply
      </button>
      <Link href={keep.view ? `${action}?view=${keep.view}` : action}>Clear</Link>
      <p className="muted small filter-help">
        Times are UTC unless they name a zone. The words ({TIME_KEYWORDS.join(", ")}) count from the
        dataset&apos;s last event
        {lastMs !== null ? (
          <>
            , <TimeText ms={lastMs} />
          </>
        ) : null}
        , not from today.
      </p>
      {problems.map((problem) => (
        <p key={problem} className="error-text" role="alert">
          {escapeInvisible(problem)} It is left out.
        </p>
      ))}
    </Form>
  );
}
