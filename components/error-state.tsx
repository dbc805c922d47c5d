"use client";

/** What an error boundary shows: what failed, the server log's reference, and a retry. */
export function ErrorState({ title, digest, reset }: { title: string; digest?: string; reset: () => void }) {
  return (
    <section className="error-state" role="alert">
      <h1>{title}</h1>
      <p>The server log has the details{digest ? ` (reference ${digest})` : ""}.</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
