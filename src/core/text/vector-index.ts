import type { TermVectors } from './term-vectors.ts';

/**
 * Many dot products between the vectors of one `TermVectors`, one vector against many in a row: the first
 * vector of `dot` is spread into dense arrays (its weights and its positions, by term id) and stays spread
 * while it is compared with each of its neighbours. Sums as `dot` does (the smaller vector read in its own
 * order), so the result is equal to the last bit.
 */
export class VectorIndex {
  private readonly ids: Int32Array[];
  private readonly weights: Float64Array[];
  /** The spread vector's weight (0: none) and position + 1 (0: none) by term id. */
  private readonly dense: Float64Array;
  private readonly positions: Int32Array;
  /** Scratch: the other vector's weights at the spread vector's positions, 0 between calls. */
  private readonly matched: Float64Array;
  /** The vector spread (-1: none). */
  private spread = -1;

  constructor(vectors: TermVectors) {
    this.ids = vectors.ids;
    this.weights = vectors.weights;
    this.dense = new Float64Array(vectors.terms.size);
    this.positions = new Int32Array(vectors.terms.size);
    let longest = 0;
    for (const ids of vectors.ids) longest = Math.max(longest, ids.length);
    this.matched = new Float64Array(longest);
  }

  /** The dot product of vectors `a` and `b`: their cosine, as both have unit length. */
  dot(a: number, b: number): number {
    if (this.spread !== a) this.spreadOut(a);
    const idsA = this.ids[a] as Int32Array;
    const idsB = this.ids[b] as Int32Array;
    const weightsB = this.weights[b] as Float64Array;
    let sum = 0;
    if (idsB.length < idsA.length) {
      for (let i = 0; i < idsB.length; i++) {
        const other = this.dense[idsB[i] as number] as number;
        if (other !== 0) sum += (weightsB[i] as number) * other;
      }
      return sum;
    }
    // `a` is the smaller: `b`'s weights are put at `a`'s positions, then read in `a`'s order.
    const matched = this.matched;
    for (let j = 0; j < idsB.length; j++) {
      const position = this.positions[idsB[j] as number] as number;
      if (position !== 0) matched[position - 1] = weightsB[j] as number;
    }
    const weightsA = this.weights[a] as Float64Array;
    for (let i = 0; i < idsA.length; i++) {
      const other = matched[i] as number;
      if (other !== 0) {
        sum += (weightsA[i] as number) * other;
        matched[i] = 0;
      }
    }
    return sum;
  }

  /** Spreads vector `v` in place of the one spread before. */
  private spreadOut(v: number): void {
    if (this.spread >= 0)
      for (const id of this.ids[this.spread] as Int32Array) {
        this.dense[id] = 0;
        this.positions[id] = 0;
      }
    const ids = this.ids[v] as Int32Array;
    const weights = this.weights[v] as Float64Array;
    for (let i = 0; i < ids.length; i++) {
      this.dense[ids[i] as number] = weights[i] as number;
      this.positions[ids[i] as number] = i + 1;
    }
    this.spread = v;
  }
}
