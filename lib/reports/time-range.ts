/**
 * --start/--end for reports: ISO-8601 or aureport's keywords. aureport reads its keywords against
 * the clock; a dataset is a past log, so ours are relative to the dataset's last event (the
 * anchor). All in UTC. Results are epoch seconds, compared with each event's second.
 */

export const TIME_KEYWORDS = [
  "now",
  "recent",
  "today",
  "yesterday",
  "this-week",
  "week-ago",
  "this-month",
  "this-year",
] as const;

export type TimeKeyword = (typeof TIME_KEYWORDS)[number];

const DAY = 86_400;

const dayStart = (sec: number) => Math.floor(sec / DAY) * DAY;
const timeOfDay = (sec: number) => sec - dayStart(sec);

/** The day (its 00:00:00) each keyword names, for the anchor's second. */
const KEYWORD_DAY: Readonly<Record<Exclude<TimeKeyword, "now" | "recent">, (anchor: number) => number>> = {
  today: (a) => dayStart(a),
  yesterday: (a) => dayStart(a - DAY),
  "this-week": (a) => dayStart(a) - new Date(a * 1000).getUTCDay() * DAY,
  "week-ago": (a) => dayStart(a - 7 * DAY),
  "this-month": (a) => {
    const d = new Date(a * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  },
  "this-year": (a) => Date.UTC(new Date(a * 1000).getUTCFullYear(), 0, 1) / 1000,
};

function keyword(text: string, anchor: number, edge: "start" | "end"): number | null {
  if (text === "now") return anchor;
  if (text === "recent") return anchor - 10 * 60;
  if (!Object.hasOwn(KEYWORD_DAY, text)) return null;
  const day = KEYWORD_DAY[text as keyof typeof KEYWORD_DAY](anchor);
  // As aureport: a start is that day's midnight; an end is that day at the anchor's time of day,
  // except `today`, which ends now.
  if (edge === "start") return day;
  return text === "today" ? anchor : day + timeOfDay(anchor);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const AUREPORT_DATE = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;

function offsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return 0;
  const value = Number(m[2]) * 3600 + Number(m[3]) * 60;
  return m[1] === "-" ? -value : value;
}

function calendar(
  year: number,
  month: number,
  day: number,
  clock: [string | undefined, string | undefined, string | undefined],
  edge: "start" | "end",
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const [h, m, s] = clock;
  const date = Date.UTC(year, month - 1, day) / 1000;
  if (new Date(date * 1000).getUTCDate() !== day) return null;
  // A date alone covers the whole day: it starts at 00:00:00 and ends at 23:59:59.
  if (h === undefined) return edge === "start" ? date : date + DAY - 1;
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = Number(s ?? 0);
  if (hours > 23 || minutes > 59 || seconds > 60) return null;
  return date + hours * 3600 + minutes * 60 + seconds;
}

/**
 * Epoch seconds for a --start (edge "start") or --end value, or null when the text is not a time.
 * `anchorMs`: the dataset's last event, for keywords.
 */
export function resolveTime(text: string, edge: "start" | "end", anchorMs: number | null): number | null {
  const value = text.trim();
  if ((TIME_KEYWORDS as readonly string[]).includes(value)) {
    return anchorMs === null ? null : keyword(value, Math.floor(anchorMs / 1000), edge);
  }
  const iso = ISO.exec(value);
  if (iso) {
    const sec = calendar(Number(iso[1]), Number(iso[2]), Number(iso[3]), [iso[4], iso[5], iso[6]], edge);
    return sec === null ? null : sec - offsetSeconds(iso[7]);
  }
  const us = AUREPORT_DATE.exec(value);
  if (us) {
    const yy = Number(us[3]);
    const year = (us[3] ?? "").length === 2 ? (yy < 70 ? 2000 + yy : 1900 + yy) : yy;
    return calendar(year, Number(us[1]), Number(us[2]), [us[4], us[5], us[6]], edge);
  }
  return null;
}
