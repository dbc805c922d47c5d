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

export function jsonError(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}
