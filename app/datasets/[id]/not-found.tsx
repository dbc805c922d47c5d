import Link from "next/link";

export default function DatasetNotFound() {
  return (
    <section className="error-state">
      <h1>No such dataset</h1>
      <p>It may have been deleted, or the link is incomplete.</p>
      <Link className="button" href="/">
        Back to datasets
      </Link>
    </section>
  );
}
