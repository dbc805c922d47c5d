import Link from "next/link";
import type { SummaryCount } from "@/lib/reports";

/** aureport's "Number of …" counters as cards, each a link to the report that lists what it counts. */
export function SummaryCounters({
  counts,
  href,
  label,
}: {
  counts: SummaryCount[];
  href: (count: SummaryCount) => string;
  label: string;
}) {
  return (
    <ul className="counters" aria-label={label}>
      {counts.map((count) => (
        <li key={count.key}>
          <Link className="counter counter-link" href={href(count)}>
            <span className="counter-value">{count.value.toLocaleString("en-US")}</span>
            <span className="counter-label">{count.label}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
