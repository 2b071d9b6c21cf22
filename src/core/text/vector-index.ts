import type { TermVectors } from './term-vectors.ts';

/**
 * Many dot products between the vectors of one `TermVectors`: the larger vector of a pair is spread into
 * a dense array (and stays there while it is the larger one of the next pair too), the smaller one is
 * read in its own order. Sums in the order `dot` does, so the result is equal to the last bit.
 */
export class VectorIndex {
  private readonly ids: Int32Array[];
  private readonly weights: Float64Array[];
  private readonly dense: Float64Array;
  private spread = -1;

  constructor(vectors: TermVectors) {
    this.ids = vectors.ids;
    this.weights = vectors.weights;
    this.dense = new Float64Array(vectors.terms.size);
  }

  /** The dot product of vectors `a` and `b`: their cosine, as both have unit length. */
  dot(a: number, b: number): number {
    const sizeA = (this.ids[a] as Int32Array).length;
    const sizeB = (this.ids[b] as Int32Array).length;
    const [small, large] = sizeA <= sizeB ? [a, b] : [b, a];
    if (this.spread !== large) {
      this.fill(this.spread, 0);
      this.fill(large, 1);
      this.spread = large;
    }
    const ids = this.ids[small] as Int32Array;
    const weights = this.weights[small] as Float64Array;
    let sum = 0;
    for (let i = 0; i < ids.length; i++) {
      const other = this.dense[ids[i] as number] as number;
      if (other !== 0) sum += (weights[i] as number) * other;
    }
    return sum;
  }

  /** Writes vector `v`'s weights into the dense array (`scale` 1), or clears them (0). */
  private fill(v: number, scale: 0 | 1): void {
    if (v < 0) return;
    const ids = this.ids[v] as Int32Array;
    const weights = this.weights[v] as Float64Array;
    for (let i = 0; i < ids.length; i++) this.dense[ids[i] as number] = scale * (weights[i] as number);
  }
}
