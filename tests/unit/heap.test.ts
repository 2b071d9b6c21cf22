import { describe, expect, it } from 'vitest';
import { Heap, PairHeap } from '../../src/core/text/heap.ts';

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

describe('Heap', () => {
  it('gives items out in the order `before` ranks them, pushes and pops interleaved', () => {
    // Prepare: ties broken by a second field, so the order out is total.
    const items = Array.from({ length: 500 }, (_, i) => ({ score: (i * 7919) % 11, id: i }));
    const heap = new Heap<{ score: number; id: number }>(
      (a, b) => a.score > b.score || (a.score === b.score && a.id < b.id),
    );

    // Act: half in, one out, the rest in, then all out.
    for (const item of items.slice(0, 250)) heap.push(item);
    const first = heap.pop();
    for (const item of items.slice(250)) heap.push(item);
    const rest: { score: number; id: number }[] = [];
    for (let item = heap.pop(); item !== undefined; item = heap.pop()) rest.push(item);

    // Assess
    const ranked = (list: typeof items) => [...list].sort((a, b) => b.score - a.score || a.id - b.id);
    expect(first).toEqual(ranked(items.slice(0, 250))[0]);
    expect(rest).toEqual(ranked(items.filter((item) => item !== first)));
  });
});
