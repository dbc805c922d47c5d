/** How a value of fixed numeric fields is laid out in a row of numbers (NaN stands for null). */
export interface RowCodec<T> {
  width: number;
  write(value: T, data: Float64Array, at: number): void;
  read(data: Float64Array, at: number): T;
}

const FIRST_ROWS = 256;

/**
 * A Map from pid to a value of fixed numeric fields, with the fields in one Float64Array rather
 * than an object per pid: ~80 bytes a pid, not ~145 (the process tracker holds up to 200,000 pids,
 * half of a parse worker's live heap, and its boxed numbers made every full GC longer). It keeps
 * a Map's order: a pid set again stays in place, one deleted and set again goes last. `get`
 * returns a copy; change it through `set`.
 */
export class PidTable<T> {
  private readonly rows = new Map<number, number>();
  private readonly free: number[] = [];
  private data: Float64Array;
  private used = 0;

  constructor(private readonly codec: RowCodec<T>) {
    this.data = new Float64Array(codec.width * FIRST_ROWS);
  }

  get size(): number {
    return this.rows.size;
  }

  get(pid: number): T | undefined {
    const row = this.rows.get(pid);
    return row === undefined ? undefined : this.codec.read(this.data, row * this.codec.width);
  }

  set(pid: number, value: T): void {
    let row = this.rows.get(pid);
    if (row === undefined) {
      row = this.free.pop() ?? this.newRow();
      this.rows.set(pid, row);
    }
    this.codec.write(value, this.data, row * this.codec.width);
  }

  delete(pid: number): void {
    const row = this.rows.get(pid);
    if (row === undefined) return;
    this.rows.delete(pid);
    this.free.push(row);
  }

  *[Symbol.iterator](): IterableIterator<[number, T]> {
    for (const [pid, row] of this.rows) yield [pid, this.codec.read(this.data, row * this.codec.width)];
  }

  /** Each pid then its fields, in order: the table as plain numbers, to keep or send. */
  pack(): Float64Array {
    const stride = this.codec.width + 1;
    const out = new Float64Array(this.rows.size * stride);
    let at = 0;
    for (const [pid, row] of this.rows) {
      out[at] = pid;
      const from = row * this.codec.width;
      out.set(this.data.subarray(from, from + this.codec.width), at + 1);
      at += stride;
    }
    return out;
  }

  static unpack<T>(codec: RowCodec<T>, packed: Float64Array): PidTable<T> {
    const table = new PidTable(codec);
    const stride = codec.width + 1;
    for (let at = 0; at + stride <= packed.length; at += stride) {
      const pid = packed[at] ?? 0;
      const row = table.rows.get(pid) ?? table.newRow();
      table.rows.set(pid, row);
      table.data.set(packed.subarray(at + 1, at + stride), row * codec.width);
    }
    return table;
  }

  private newRow(): number {
    if ((this.used + 1) * this.codec.width > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return this.used++;
  }
}
