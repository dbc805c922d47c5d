import { describe, expect, it } from "vitest";
import { resolveTime } from "./time-range";

const utc = (...parts: [number, number, number, number?, number?, number?]) => {
  const [y, m, d, h = 0, min = 0, s = 0] = parts;
  return Date.UTC(y, m - 1, d, h, min, s) / 1000;
};

// The dataset's last event: Wednesday 2025-03-12 16:40:05.250 UTC.
const ANCHOR = utc(2025, 3, 12, 16, 40, 5) * 1000 + 250;

describe("report time ranges", () => {
  it("reads aureport's words relative to the dataset's last event", () => {
    expect(resolveTime("now", "start", ANCHOR)).toBe(utc(2025, 3, 12, 16, 40, 5));
    expect(resolveTime("recent", "start", ANCHOR)).toBe(utc(2025, 3, 12, 16, 30, 5));
    expect(resolveTime("today", "start", ANCHOR)).toBe(utc(2025, 3, 12));
    expect(resolveTime("yesterday", "start", ANCHOR)).toBe(utc(2025, 3, 11));
    expect(resolveTime("this-week", "start", ANCHOR)).toBe(utc(2025, 3, 9));
    expect(resolveTime("week-ago", "start", ANCHOR)).toBe(utc(2025, 3, 5));
    expect(resolveTime("this-month", "start", ANCHOR)).toBe(utc(2025, 3, 1));
    expect(resolveTime("this-year", "start", ANCHOR)).toBe(utc(2025, 1, 1));
  });

  it("ends a word's day at the anchor's time of day, as aureport ends it at the clock's, and today now", () => {
    expect(resolveTime("today", "end", ANCHOR)).toBe(utc(2025, 3, 12, 16, 40, 5));
    expect(resolveTime("yesterday", "end", ANCHOR)).toBe(utc(2025, 3, 11, 16, 40, 5));
  });

  it("reads ISO-8601, a date alone covering its whole day", () => {
    expect(resolveTime("2025-03-12", "start", null)).toBe(utc(2025, 3, 12));
    expect(resolveTime("2025-03-12", "end", null)).toBe(utc(2025, 3, 12, 23, 59, 59));
    expect(resolveTime("2025-03-12T16:35:00Z", "start", null)).toBe(utc(2025, 3, 12, 16, 35));
    expect(resolveTime("2025-03-12 16:35", "start", null)).toBe(utc(2025, 3, 12, 16, 35));
    expect(resolveTime("2025-03-12T18:35:00+02:00", "start", null)).toBe(utc(2025, 3, 12, 16, 35));
  });

  it("reads aureport's own date form", () => {
    expect(resolveTime("03/12/2025 16:35:00", "start", null)).toBe(utc(2025, 3, 12, 16, 35));
    expect(resolveTime("03/12/25", "start", null)).toBe(utc(2025, 3, 12));
  });

  it("refuses anything else, and words without a dataset to anchor them", () => {
    for (const text of ["", "tomorrow", "2025-13-01", "2025-02-30", "12:00", "2025-03-12T25:00"]) {
      expect(resolveTime(text, "start", ANCHOR)).toBeNull();
    }
    expect(resolveTime("today", "start", null)).toBeNull();
  });
});
