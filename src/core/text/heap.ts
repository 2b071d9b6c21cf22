/**
 * A max-heap of weighted pairs `(similarity, a, b)`: the highest similarity comes out first, ties by the
 * smaller `a`, then the smaller `b` (a total order, so the order out does not depend on the order in).
 * Three parallel typed arrays: no object per pair, and comparisons on numbers only.
 */
export class PairHeap {
  private similarities = new Float64Array(1024);
  private firsts = new Int32Array(1024);
  private seconds = new Int32Array(1024);
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
    if (this.count === this.similarities.length) this.grow();
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(similarity, a, b, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, similarity, a, b);
  }

  /** Takes out the first pair into `similarity`, `a` and `b`; false when the heap is empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.similarity = this.similarities[0] as number;
    this.a = this.firsts[0] as number;
    this.b = this.seconds[0] as number;
    const last = --this.count;
    if (last === 0) return true;
    // The last pair moves down from the top, past every child that comes out before it.
    const similarity = this.similarities[last] as number;
    const a = this.firsts[last] as number;
    const b = this.seconds[last] as number;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.precedes(right, left) ? right : left;
      if (!this.precedesPair(child, similarity, a, b)) break;
      this.move(child, i);
      i = child;
    }
    this.place(i, similarity, a, b);
    return true;
  }

  /** Whether `(similarity, a, b)` comes out before the pair at `at`. */
  private before(similarity: number, a: number, b: number, at: number): boolean {
    return first(
      similarity,
      a,
      b,
      this.similarities[at] as number,
      this.firsts[at] as number,
      this.seconds[at] as number,
    );
  }

  /** Whether the pair at `at` comes out before `(similarity, a, b)`. */
  private precedesPair(at: number, similarity: number, a: number, b: number): boolean {
    return first(
      this.similarities[at] as number,
      this.firsts[at] as number,
      this.seconds[at] as number,
      similarity,
      a,
      b,
    );
  }

  /** Whether the pair at `x` comes out before the pair at `y`. */
  private precedes(x: number, y: number): boolean {
    return this.precedesPair(
      x,
      this.similarities[y] as number,
      this.firsts[y] as number,
      this.seconds[y] as number,
    );
  }

  private move(from: number, to: number): void {
    this.place(
      to,
      this.similarities[from] as number,
      this.firsts[from] as number,
      this.seconds[from] as number,
    );
  }

  private place(at: number, similarity: number, a: number, b: number): void {
    this.similarities[at] = similarity;
    this.firsts[at] = a;
    this.seconds[at] = b;
  }

  private grow(): void {
    const size = this.similarities.length * 2;
    const similarities = new Float64Array(size);
    similarities.set(this.similarities);
    this.similarities = similarities;
    const firsts = new Int32Array(size);
    firsts.set(this.firsts);
    this.firsts = firsts;
    const seconds = new Int32Array(size);
    seconds.set(this.seconds);
    this.seconds = seconds;
  }
}

/** Whether pair `(s1, a1, b1)` comes out before pair `(s2, a2, b2)`. */
function first(s1: number, a1: number, b1: number, s2: number, a2: number, b2: number): boolean {
  return s1 > s2 || (s1 === s2 && (a1 < a2 || (a1 === a2 && b1 < b2)));
}
