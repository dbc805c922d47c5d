export type TimeZoneMode = "utc" | "local";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-11-22 04:17:57 UTC` (or `.123` with ms): the zone is always written. */
export function formatTime(ms: number, mode: TimeZoneMode, withMs = false): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "invalid time";
  const utc = mode === "utc";
  const parts = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      ]
    : [
        d.getFullYear(),
        d.getMonth() + 1,
        d.getDate(),
        d.getHours(),
        d.getMinutes(),
        d.getSeconds(),
        d.getMilliseconds(),
      ];
  const [year, month, day, hour, minute, second, millis] = parts as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const clock = `${pad(hour)}:${pad(minute)}:${pad(second)}${withMs ? `.${pad(millis, 3)}` : ""}`;
  return `${year}-${pad(month)}-${pad(day)} ${clock} ${utc ? "UTC" : localZoneLabel(d)}`;
}

function localZoneLabel(d: Date): string {
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
