import { grown } from './typed-arrays.ts';

/**
 * A max-heap of weighted pairs `(similarity, a, b)`: the highest similarity comes out first, ties by the
 * smaller `a`, then the smaller `b` (a total order, so the order out does not depend on the order in).
 * One typed array holds each pair's three numbers side by side: no object per pair, comparisons on
 * numbers only, and a node's two children close together (in a large heap, a pop is mostly cache misses).
 */
export class PairHeap {
  private entries = new Float64Array(3 * 1024);
  private count = 0;
  /** The pair `pop` took out last. */
  similarity = 0;
  a = 0;
  b = 0;

  get size(): number {
    return this.count;
  }

  // Both sifts move the other pairs along the path and write the moving one once at its place.
  push(similarity: number, a: number, b: number): void {
    if (3 * this.count === this.entries.length) this.grow();
    const entries = this.entries;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const at = 3 * parent;
      if (
        !first(similarity, a, b, entries[at] as number, entries[at + 1] as number, entries[at + 2] as number)
      )
        break;
      move(entries, at, 3 * i);
      i = parent;
    }
    place(entries, 3 * i, similarity, a, b);
  }

  /** Takes out the first pair into `similarity`, `a` and `b`; false when the heap is empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const entries = this.entries;
    this.similarity = entries[0] as number;
    this.a = entries[1] as number;
    this.b = entries[2] as number;
    const last = --this.count;
    if (last === 0) return true;
    // The last pair moves down from the top, past every child that comes out before it.
    const similarity = entries[3 * last] as number;
    const a = entries[3 * last + 1] as number;
    const b = entries[3 * last + 2] as number;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      let at = 3 * left;
      if (
        left + 1 < last &&
        first(
          entries[at + 3] as number,
          entries[at + 4] as number,
          entries[at + 5] as number,
          entries[at] as number,
          entries[at + 1] as number,
          entries[at + 2] as number,
        )
      )
        at += 3;
      if (
        !first(entries[at] as number, entries[at + 1] as number, entries[at + 2] as number, similarity, a, b)
      )
        break;
      move(entries, at, 3 * i);
      i = at / 3;
    }
    place(entries, 3 * i, similarity, a, b);
    return true;
  }

  private grow(): void {
    this.entries = grown(this.entries, this.entries.length * 2);
  }
}

/** Whether pair `(s1, a1, b1)` comes out before pair `(s2, a2, b2)`. */
function first(s1: number, a1: number, b1: number, s2: number, a2: number, b2: number): boolean {
  return s1 > s2 || (s1 === s2 && (a1 < a2 || (a1 === a2 && b1 < b2)));
}

function move(entries: Float64Array, from: number, to: number): void {
  entries[to] = entries[from] as number;
  entries[to + 1] = entries[from + 1] as number;
  entries[to + 2] = entries[from + 2] as number;
}

function place(entries: Float64Array, at: number, similarity: number, a: number, b: number): void {
  entries[at] = similarity;
  entries[at + 1] = a;
  entries[at + 2] = b;
}

/** A binary heap of any items: `pop` gives the one that ranks first by `before` (summaries' lazy selection). */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  push(item: T): void {
    const { items, before } = this;
    let at = items.length;
    items.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!before(item, items[parent] as T)) break;
      items[at] = items[parent] as T;
      at = parent;
    }
    items[at] = item;
  }

  pop(): T | undefined {
    const { items, before } = this;
    const first = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return first;
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && before(items[child + 1] as T, items[child] as T)) child++;
      if (!before(items[child] as T, last)) break;
      items[at] = items[child] as T;
      at = child;
    }
    items[at] = last;
    return first;
  }
}
