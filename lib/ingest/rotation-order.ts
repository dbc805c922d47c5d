/** auditd keeps at most 999 rotated logs: a longer number (a date, an address's last part) is not one. */
const ROTATED = /^(.*[^\d.])\.(\d{1,3})(\.gz)?$/;

/** A rotated log's name as its log's name and its number: `audit.log.2.gz` is audit.log's 2; the live log's is -1. */
function rotationRank(name: string): { base: string; n: number } {
  const rotated = ROTATED.exec(name);
  if (rotated) return { base: rotated[1] as string, n: Number(rotated[2]) };
  return { base: name.endsWith(".gz") ? name.slice(0, -3) : name, n: -1 };
}

/** Rotated logs oldest first: `audit.log.3`, `audit.log.2`, `audit.log.1`, `audit.log`. */
export function rotationOrder(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const ra = rotationRank(a);
    const rb = rotationRank(b);
    if (ra.base !== rb.base) return ra.base < rb.base ? -1 : 1;
    return rb.n - ra.n;
  });
}

/**
 * The items in the order given, except that the files of one rotated log are put oldest first,
 * in the places they held: a shell's `audit.log*` and a browser's file list give them newest
 * first, and an event a rotation split is only put back together when read in order. Pure (no
 * file system): the upload panel uses it on file names.
 */
export function rotatedOldestFirst<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  const places = new Map<string, number[]>();
  items.forEach((item, i) => {
    const { base } = rotationRank(nameOf(item));
    places.set(base, [...(places.get(base) ?? []), i]);
  });
  const out = [...items];
  for (const slots of places.values()) {
    const oldestFirst = slots
      .map((i) => items[i] as T)
      .sort((a, b) => rotationRank(nameOf(b)).n - rotationRank(nameOf(a)).n);
    slots.forEach((slot, k) => {
      out[slot] = oldestFirst[k] as T;
    });
  }
  return out;
}
