/**
 * Route handlers get no CSRF protection from Next: a request that changes state must come from
 * a page of this site. Browsers always send Origin on cross-site POST/PATCH/DELETE.
 */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  const host = request.headers.get("host");
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * A request another site's page makes for something to embed or fetch (an `<img>`, a script, a
 * `fetch`), by the Fetch Metadata the browser adds: refused, so no page elsewhere can make the
 * analyst's browser run this server's heavy reports. Following a link to us (a shared view) is a
 * navigation, and is let through; so are requests without the headers (curl, older browsers).
 */
export function isCrossSiteSubresource(headers: Headers): boolean {
  const dest = headers.get("sec-fetch-dest");
  return headers.get("sec-fetch-site") === "cross-site" && dest !== null && dest !== "document";
}

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
