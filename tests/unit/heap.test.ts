import { describe, expect, it } from 'vitest';
import { PairHeap } from '../../src/core/text/heap.ts';

describe('PairHeap', () => {
  it('gives pairs out by highest similarity, then smaller a, then smaller b, whatever the order in', () => {
    // Prepare: ties on similarity and on a, more pairs than the first allocation holds.
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < 3000; i++) pairs.push([((i * 7919) % 13) / 13, (i * 31) % 17, i]);
    const expected = [...pairs].sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
    for (const order of [pairs, [...pairs].reverse()]) {
      const heap = new PairHeap();
      for (const [similarity, a, b] of order) heap.push(similarity, a, b);

      // Act
      const out: [number, number, number][] = [];
      while (heap.pop()) out.push([heap.similarity, heap.a, heap.b]);

      // Assess
      expect(out).toEqual(expected);
      expect(heap.size).toBe(0);
    }
  });
});
