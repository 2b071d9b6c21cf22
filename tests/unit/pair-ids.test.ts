import { describe, expect, it } from 'vitest';
import { PairIds } from '../../src/core/text/pair-ids.ts';

describe('PairIds', () => {
  it('numbers ordered pairs densely in order of first sight', () => {
    // Arrange
    const ids = new PairIds();

    // Act
    const first = ids.id(3, 7);
    const reversed = ids.id(7, 3);
    const again = ids.id(3, 7);

    // Assess
    expect([first, reversed, again]).toEqual([0, 1, 0]);
    expect(ids.size).toBe(2);
  });

  it('keeps every id through growth, with large term ids', () => {
    // Arrange
    const ids = new PairIds();
    const pairs = Array.from({ length: 5000 }, (_, i) => [i * 7919, (i * 104729) % 65521] as const);

    // Act
    const given = pairs.map(([a, b]) => ids.id(a, b));

    // Assess
    expect(given).toEqual(pairs.map((_, i) => i));
    expect(pairs.map(([a, b]) => ids.id(a, b))).toEqual(given);
    expect(ids.size).toBe(5000);
  });
});
