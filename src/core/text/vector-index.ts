import type { TermVectors } from './term-vectors.ts';

/**
 * Many dot products between the vectors of one `TermVectors`: the larger vector of a pair is spread into
 * a dense array, the smaller one is read in its own order. Two dense arrays keep the two vectors spread
 * last, so one article's vector stays spread while it is compared with each of its neighbours. Sums in
 * the order `dot` does, so the result is equal to the last bit.
 */
export class VectorIndex {
  private readonly ids: Int32Array[];
  private readonly weights: Float64Array[];
  private readonly dense: [Float64Array, Float64Array];
  /** The vector spread in each dense array (-1: none), and which of the two was used last. */
  private readonly spread = [-1, -1];
  private last = 0;

  constructor(vectors: TermVectors) {
    this.ids = vectors.ids;
    this.weights = vectors.weights;
    this.dense = [new Float64Array(vectors.terms.size), new Float64Array(vectors.terms.size)];
  }

  /** The dot product of vectors `a` and `b`: their cosine, as both have unit length. */
  dot(a: number, b: number): number {
    const sizeA = (this.ids[a] as Int32Array).length;
    const sizeB = (this.ids[b] as Int32Array).length;
    const [small, large] = sizeA <= sizeB ? [a, b] : [b, a];
    const dense = this.spreadOut(large);
    const ids = this.ids[small] as Int32Array;
    const weights = this.weights[small] as Float64Array;
    let sum = 0;
    for (let i = 0; i < ids.length; i++) {
      const other = dense[ids[i] as number] as number;
      if (other !== 0) sum += (weights[i] as number) * other;
    }
    return sum;
  }

  /** A dense array holding vector `v`, spread there now unless it already was (in place of the older one). */
  private spreadOut(v: number): Float64Array {
    let slot = this.spread[0] === v ? 0 : this.spread[1] === v ? 1 : -1;
    if (slot < 0) {
      slot = 1 - this.last;
      this.fill(slot, this.spread[slot] as number, 0);
      this.fill(slot, v, 1);
      this.spread[slot] = v;
    }
    this.last = slot;
    return this.dense[slot as 0 | 1];
  }

  /** Writes vector `v`'s weights into dense array `slot` (`scale` 1), or clears them (0). */
  private fill(slot: number, v: number, scale: 0 | 1): void {
    if (v < 0) return;
    const dense = this.dense[slot as 0 | 1];
    const ids = this.ids[v] as Int32Array;
    const weights = this.weights[v] as Float64Array;
    for (let i = 0; i < ids.length; i++) dense[ids[i] as number] = scale * (weights[i] as number);
  }
}
