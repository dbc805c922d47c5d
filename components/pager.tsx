import Link from "next/link";

/** Previous/next links of a paginated list (pages from 0), with where the shown rows sit. */
export function Pager({
  page,
  pageSize,
  total,
  href,
}: {
  page: number;
  pageSize: number;
  total: number;
  href: (page: number) => string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total === 0) return null;
  const first = page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return (
    <nav className="pager" aria-label="Pages">
      {page > 0 ? <Link href={href(page - 1)}>← Previous</Link> : null}
      <span>
        {first <= total
          ? `${first.toLocaleString("en-US")}–${last.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`
          : `${total.toLocaleString("en-US")} in all`}
        {pages > 1 ? ` · page ${(page + 1).toLocaleString("en-US")} of ${pages.toLocaleString("en-US")}` : ""}
      </span>
      {page + 1 < pages ? <Link href={href(page + 1)}>Next →</Link> : null}
    </nav>
  );
}
