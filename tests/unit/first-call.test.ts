import { describe, expect, it } from 'vitest';
import { configuredOnFirstCall } from '../../src/handlers/first-call.ts';

describe('configuredOnFirstCall', () => {
  it('configures on the first call only and reuses the handler it made', async () => {
    // Prepare
    let configurations = 0;
    const handler = configuredOnFirstCall(() => {
      configurations++;
      return async (event: number) => event * 2;
    });

    // Act
    const before = configurations;
    const results = [await handler(1), await handler(2), await handler(3)];

    // Assess
    expect(before).toBe(0);
    expect(results).toEqual([2, 4, 6]);
    expect(configurations).toBe(1);
  });

  it('fails the call whose configuration fails and configures again on the next', async () => {
    // Prepare: the first attempt cannot read its secret.
    let attempts = 0;
    const handler = configuredOnFirstCall(async () => {
      attempts++;
      if (attempts === 1) throw new Error('secret unavailable');
      return async (event: string) => `handled ${event}`;
    });

    // Act
    const first = handler('a');
    await expect(first).rejects.toThrow('secret unavailable');
    const second = await handler('b');
    const third = await handler('c');

    // Assess
    expect([second, third]).toEqual(['handled b', 'handled c']);
    expect(attempts).toBe(2);
  });
});
