/** Shown while a report is computed (a filtered or sorted view of a big dataset can take a second). */
export default function ReportLoading() {
  return (
    <p className="muted" role="status">
      Computing the report…
    </p>
  );
}
