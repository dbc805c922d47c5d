const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** aureport's "%x %T" in the C locale, UTC: `11/14/23 22:13:20`. */
export function aureportDate(ms: number, withMs = false): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${time}${withMs ? `.${pad(d.getUTCMilliseconds(), 3)}` : ""}`;
}

/** The JSON date and time columns: `2023-11-14` and `22:13:20` (UTC). */
export function isoDateTime(ms: number): [date: string, time: string] {
  const iso = new Date(ms).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 19)];
}
