/** Downloads of what the page shows: every row of the view, with its filters and sort. */
export function ExportLinks({ href }: { href: (format: "csv" | "json") => string }) {
  return (
    <span className="exports">
      Export all rows: <a href={href("csv")}>CSV</a> · <a href={href("json")}>JSON</a>
    </span>
  );
}
