import Link from "next/link";

export default function NotFound() {
  return (
    <section className="error-state">
      <h1>Not found</h1>
      <p>There is nothing at this address. The dataset may have been deleted, or the link is incomplete.</p>
      <Link className="button" href="/">
        Back to datasets
      </Link>
    </section>
  );
}
