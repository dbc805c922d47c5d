"use client";

export default function DatasetError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section className="error-state" role="alert">
      <h1>This dataset could not be shown</h1>
      <p>The server log has the details{error.digest ? ` (reference ${error.digest})` : ""}.</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
