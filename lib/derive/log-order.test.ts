import { describe, expect, it } from "vitest";
import { LogOrderWindow } from "./log-order";

const at = (timeMs: number, serial: number, label = `${timeMs}:${serial}`) => ({ timeMs, serial, label });
type Item = ReturnType<typeof at>;

/** Feeds the items; returns their labels in the order the window let them go. */
function order(window: LogOrderWindow<Item>, items: Item[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const released = window.add(item);
    if (released) out.push(released.label);
  }
  return [...out, ...window.drain().map((item) => item.label)];
}

describe("LogOrderWindow", () => {
  it("puts events back in order of time, then serial, within the window", () => {
    const reversed = [at(2, 9), at(2, 8), at(1, 7), at(1, 3)];
    expect(order(new LogOrderWindow(4), reversed)).toEqual(["1:3", "1:7", "2:8", "2:9"]);
  });

  it("lets the earliest held event go once it holds more than its capacity", () => {
    const window = new LogOrderWindow<Item>(2);
    expect(window.add(at(5, 5))).toBeNull();
    expect(window.add(at(4, 4))).toBeNull();
    expect(window.add(at(6, 6))?.label).toBe("4:4");
    // Later than the window could see: it goes when its turn comes, not before what already went.
    expect(window.add(at(1, 1))?.label).toBe("1:1");
    expect(window.drain().map((item) => item.label)).toEqual(["5:5", "6:6"]);
    expect(window.drain()).toEqual([]);
  });

  it("keeps the order events came in at the same time and serial (two nodes' logs)", () => {
    const items = [at(1, 1, "a"), at(1, 1, "b"), at(0, 1, "c"), at(1, 1, "d")];
    expect(order(new LogOrderWindow(10), items)).toEqual(["c", "a", "b", "d"]);
  });

  it("passes events through as they come with capacity 0", () => {
    const items = [at(2, 2), at(1, 1)];
    expect(order(new LogOrderWindow(0), items)).toEqual(["2:2", "1:1"]);
  });
});
