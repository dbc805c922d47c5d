import { describe, expect, it } from "vitest";
import { PidTable, type RowCodec } from "./pid-table";

interface Pair {
  a: number;
  b: number | null;
}

const PAIR: RowCodec<Pair> = {
  width: 2,
  write(value, data, at) {
    data[at] = value.a;
    data[at + 1] = value.b ?? Number.NaN;
  },
  read: (data, at) => {
    const b = data[at + 1] ?? Number.NaN;
    return { a: data[at] ?? 0, b: Number.isNaN(b) ? null : b };
  },
};

describe("PidTable", () => {
  it("keeps each pid's fields and a Map's order: set again in place, deleted then set goes last", () => {
    const table = new PidTable(PAIR);
    const map = new Map<number, Pair>();
    const both = (pid: number, value: Pair) => {
      table.set(pid, value);
      map.set(pid, value);
    };
    both(30, { a: 1, b: null });
    both(10, { a: 2, b: 7 });
    both(20, { a: 3, b: 8 });
    both(30, { a: 4, b: 9 });
    table.delete(10);
    map.delete(10);
    both(10, { a: 5, b: null });
    expect([...table]).toEqual([...map]);
    expect(table.size).toBe(3);
    expect(table.get(30)).toEqual({ a: 4, b: 9 });
    expect(table.get(99)).toBeUndefined();
  });

  it("returns copies: changing one leaves the table as it was", () => {
    const table = new PidTable(PAIR);
    table.set(1, { a: 1, b: 1 });
    const copy = table.get(1) as Pair;
    copy.a = 99;
    expect(table.get(1)).toEqual({ a: 1, b: 1 });
  });

  it("grows past its first rows and reuses the rows of deleted pids", () => {
    const table = new PidTable(PAIR);
    for (let pid = 0; pid < 5000; pid++) table.set(pid, { a: pid * 2, b: pid % 3 === 0 ? null : pid });
    for (let pid = 0; pid < 5000; pid += 2) table.delete(pid);
    for (let pid = 5000; pid < 7500; pid++) table.set(pid, { a: -pid, b: null });
    expect(table.size).toBe(5000);
    expect(table.get(4999)).toEqual({ a: 9998, b: 4999 });
    expect(table.get(3)).toEqual({ a: 6, b: null });
    expect(table.get(4)).toBeUndefined();
    expect(table.get(7499)).toEqual({ a: -7499, b: null });
  });

  it("packs to pid-then-fields rows in order and unpacks to the same table", () => {
    const table = new PidTable(PAIR);
    table.set(7, { a: 1.5, b: null });
    table.set(3, { a: 2, b: 4 });
    const packed = table.pack();
    expect(Array.from(packed)).toEqual([7, 1.5, Number.NaN, 3, 2, 4]);
    expect([...PidTable.unpack(PAIR, packed)]).toEqual([...table]);
  });
});
