import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidTokenError } from '../../src/core/errors.ts';
import { sameSecret } from '../../src/core/same-secret.ts';
import { parseKeySecret, TokenSigner } from '../../src/core/signed-links.ts';

const K1 = 'first-key-0123456789abcdefghijklmnopqrstuvwxyz';
const K2 = 'second-key-0123456789abcdefghijklmnopqrstuvwxyz';
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-11-23T09:00:00Z');

const signer = (secret: object, graceDays = 400) =>
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

  it('keeps a link signed before a rotation working for its whole lifetime, and signs with the current key', async () => {
    // A preferences link signed the day before k1 was retired, used 399 days later (it lives 400).
    const old = await signer({ current: 'k1', k1: K1 }).sign(
      'abc',
      'preferences',
      new Date(NOW.getTime() - DAY),
    );
    const rotated = { current: 'k2', keys: { k1: K1, k2: K2 }, retired: { k1: NOW.toISOString() } };

    const during = await signer(rotated).verify(old, 'preferences', new Date(NOW.getTime() + 398 * DAY));
    const after = signer(rotated).verify(old, 'preferences', new Date(NOW.getTime() + 401 * DAY));
    const fresh = await signer(rotated).sign('abc', 'preferences', NOW);

    expect(during.subscriberId).toBe('abc');
    await expect(after).rejects.toBeInstanceOf(InvalidTokenError);
    expect(fresh.startsWith('v1.k2.')).toBe(true);
  });

  it('refuses a grace period shorter than the longest token lifetime, and a token outliving it', async () => {
    expect(() => signer({ current: 'k1', k1: K1 }, 30)).toThrow(ConfigError);
    expect(() => signer({ current: 'k1', k1: K1 }, 30)).toThrow(/longest token lifetime \(400 days\)/);
    await expect(
      signer({ current: 'k1', k1: K1 }).sign('abc', 'unsubscribe', NOW, 401 * DAY),
    ).rejects.toThrow(ConfigError);
  });

  it('verifies with the keys object only: any other field of the secret is an error, never a key', async () => {
    const withExtra = { current: 'k1', keys: { k1: K1 }, apiToken: 'x'.repeat(40) };
    const flatWithExtra = { current: 'k1', k1: K1, k9: 'y'.repeat(40) };
    const forged = `v1.k9.abc.confirm.9999999999.${'A'.repeat(43)}`;

    expect(() => parseKeySecret(JSON.stringify(withExtra), 'secret S')).toThrow(/secret S:/);
    expect(() => parseKeySecret(JSON.stringify(flatWithExtra), 'secret S')).toThrow(/secret S:/);
    expect(parseKeySecret(JSON.stringify({ current: 'k1', keys: { k1: K1 } })).all.map((k) => k.id)).toEqual([
      'k1',
    ]);
    await expect(
      signer({ current: 'k1', keys: { k1: K1 } }).verify(forged, 'confirm', NOW),
    ).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('rejects key secrets that are not usable, naming the secret and the reason', () => {
    expect(() => parseKeySecret('nope', 'secret S')).toThrow(new ConfigError('secret S: not JSON'));
    expect(() => parseKeySecret(JSON.stringify({ current: 'k1', k1: 'short' }), 'secret S')).toThrow(
      /secret S:.*k1/s,
    );
    expect(() => parseKeySecret(JSON.stringify({ current: 'k3', keys: { k1: K1 } }), 'secret S')).toThrow(
      'secret S: current key "k3" has no secret',
    );
    expect(() =>
      parseKeySecret(
        JSON.stringify({ current: 'k1', keys: { k1: K1 }, retired: { k1: NOW.toISOString() } }),
        'secret S',
      ),
    ).toThrow('secret S: current key "k1" is retired');
  });
});

describe('sameSecret', () => {
  it('is true only for the same text, whatever the lengths', () => {
    expect(sameSecret('k3y-0123456789', 'k3y-0123456789')).toBe(true);
    expect(sameSecret('k3y-0123456789', 'k3y-0123456788')).toBe(false);
    expect(sameSecret('k3y-0123456789', 'k3y-012345678')).toBe(false);
    expect(sameSecret('', 'k3y')).toBe(false);
    expect(sameSecret('', '')).toBe(true);
  });
});
