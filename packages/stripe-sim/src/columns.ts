/** Growable typed-array columns: compact storage for millions of generated records. */
type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;
type TypedCtor<T extends TypedArray> = { new (n: number): T };

export class Column<T extends TypedArray> {
  data: T;
  constructor(
    private readonly ctor: TypedCtor<T>,
    capacity = 1024,
  ) {
    this.data = new ctor(capacity);
  }

  ensure(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < n) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.data as never);
    this.data = next;
  }

  /** Shrinks the backing array to `n` entries (after generation) when it is much larger. */
  trim(n: number): void {
    if (this.data.length <= Math.max(n * 1.25, 1024)) return;
    const next = new this.ctor(Math.max(n, 1));
    next.set(this.data.subarray(0, n) as never);
    this.data = next;
  }
}

/** A table of parallel columns sharing one row count. */
export abstract class Table {
  length = 0;
  protected abstract columns(): Column<TypedArray>[];

  /** Appends one zeroed row and returns its index. */
  add(): number {
    const i = this.length++;
    for (const c of this.columns()) c.ensure(this.length);
    return i;
  }

  trim(): void {
    for (const c of this.columns()) c.trim(this.length + 64);
  }

  /** Pre-allocates room for n rows (avoids repeated doubling when the size is known roughly). */
  reserve(n: number): void {
    for (const c of this.columns()) c.ensure(n);
  }

  bytes(): number {
    let b = 0;
    for (const c of this.columns()) b += c.data.byteLength;
    return b;
  }
}
