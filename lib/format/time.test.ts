import { describe, expect, it } from "vitest";
import { formatTime } from "./time";

describe("formatTime", () => {
  it("writes UTC with the zone named", () => {
    expect(formatTime(Date.UTC(2023, 1, 1, 4, 39, 34, 901), "utc")).toBe("2023-02-01 04:39:34 UTC");
    expect(formatTime(Date.UTC(2023, 1, 1, 4, 39, 34, 901), "utc", true)).toBe("2023-02-01 04:39:34.901 UTC");
  });
  it("writes local time with its offset", () => {
    expect(formatTime(0, "local")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d\d:\d\d$/);
  });
  it("does not throw on an invalid time", () => {
    expect(formatTime(Number.NaN, "utc")).toBe("invalid time");
  });
});
