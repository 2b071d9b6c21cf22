import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidTokenError } from '../../src/core/errors.ts';
import { parseKeySecret, TokenSigner } from '../../src/core/tokens.ts';

const K1 = 'first-key-0123456789abcdefghijklmnopqrstuvwxyz';
const K2 = 'second-key-0123456789abcdefghijklmnopqrstuvwxyz';
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-11-23T09:00:00Z');

const signer = (secret: object, graceDays = 30) =>
  new TokenSigner(
    { keys: async () => parseKeySecret(JSON.stringify(secret)) },
    { rotationGraceMs: graceDays * DAY },
  );

describe('signed link tokens', () => {
  it('round-trips the subscriber id, purpose and expiry, naming the key that signed', async () => {
    const tokens = signer({ current: 'k1', k1: K1 });

    const token = await tokens.sign('0b5e7d1c-1111-4222-8333-444455556666', 'unsubscribe', NOW, 10 * DAY);
    const claims = await tokens.verify(token, 'unsubscribe', NOW);

    expect(token.split('.').slice(0, 4)).toEqual([
      'v1',
      'k1',
      '0b5e7d1c-1111-4222-8333-444455556666',
      'unsubscribe',
    ]);
    expect(claims).toEqual({
      subscriberId: '0b5e7d1c-1111-4222-8333-444455556666',
      purpose: 'unsubscribe',
      expiresAt: new Date(NOW.getTime() + 10 * DAY),
    });
  });

  it('refuses a token for another purpose, an expired one, a tampered one and garbage', async () => {
    const tokens = signer({ current: 'k1', k1: K1 });
    const token = await tokens.sign('abc', 'confirm', NOW);
    const [v, k, , p, e, mac] = token.split('.');

    const attempts = [
      tokens.verify(token, 'unsubscribe', NOW),
      tokens.verify(token, 'confirm', new Date(NOW.getTime() + 3 * DAY)),
      tokens.verify([v, k, 'abd', p, e, mac].join('.'), 'confirm', NOW),
      tokens.verify([v, k, 'abc', p, String(Number(e) + 1), mac].join('.'), 'confirm', NOW),
      tokens.verify(`${token}x`, 'confirm', NOW),
      tokens.verify('v1.k1.abc', 'confirm', NOW),
      tokens.verify('', 'confirm', NOW),
    ];

    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a token signed with a key it does not hold', async () => {
    const token = await signer({ current: 'k1', k1: K2 }).sign('abc', 'confirm', NOW);

    await expect(signer({ current: 'k1', k1: K1 }).verify(token, 'confirm', NOW)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('keeps accepting a retired key for the grace period only, and signs with the current key', async () => {
    const old = await signer({ current: 'k1', k1: K1 }).sign('abc', 'preferences', NOW);
    const rotated = { current: 'k2', k1: K1, k2: K2, retired: { k1: NOW.toISOString() } };

    const during = await signer(rotated).verify(old, 'preferences', new Date(NOW.getTime() + 29 * DAY));
    const after = signer(rotated).verify(old, 'preferences', new Date(NOW.getTime() + 31 * DAY));
    const fresh = await signer(rotated).sign('abc', 'preferences', NOW);

    expect(during.subscriberId).toBe('abc');
    await expect(after).rejects.toBeInstanceOf(InvalidTokenError);
    expect(fresh.startsWith('v1.k2.')).toBe(true);
  });

  it('rejects key secrets that are not usable, naming the secret and the reason', () => {
    expect(() => parseKeySecret('nope', 'secret S')).toThrow(new ConfigError('secret S: not JSON'));
    expect(() => parseKeySecret(JSON.stringify({ current: 'k1', k1: 'short' }), 'secret S')).toThrow(
      /secret S:.*k1/s,
    );
    expect(() => parseKeySecret(JSON.stringify({ current: 'k3', k1: K1 }), 'secret S')).toThrow(
      'secret S: current key "k3" has no secret',
    );
    expect(() =>
      parseKeySecret(
        JSON.stringify({ current: 'k1', k1: K1, retired: { k1: NOW.toISOString() } }),
        'secret S',
      ),
    ).toThrow('secret S: current key "k1" is retired');
  });
});
