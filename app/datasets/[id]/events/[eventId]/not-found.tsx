import Link from "next/link";

export default function EventNotFound() {
  return (
    <section className="error-state">
      <h1>No such event</h1>
      <p>This dataset has no event at this address; the link may be from another database.</p>
      <Link className="button" href="/">
        Back to datasets
      </Link>
    </section>
  );
}
