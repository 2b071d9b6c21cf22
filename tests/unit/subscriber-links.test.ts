import { describe, expect, it } from 'vitest';
import type { Theme } from '../../src/core/digest.ts';
import { parseKeySecret, TokenSigner } from '../../src/core/signed-links.ts';
import { subscriberLinks } from '../../src/core/subscribers/links.ts';
import { themesForSubscriber } from '../../src/core/subscribers/preferences.ts';

const NOW = new Date('2026-11-23T09:00:00Z');
const signer = new TokenSigner({
  keys: async () =>
    parseKeySecret(JSON.stringify({ current: 'k1', k1: 'first-key-0123456789abcdefghijklmnopqrstuvwxyz' })),
});

describe('subscriber links for digest mails', () => {
  it('builds signed unsubscribe and preferences links and the RFC 8058 headers', async () => {
    const links = await subscriberLinks(signer, 'abc-123', 'https://subscribe.example.org/', NOW);

    const unsubscribeToken = new URL(links.unsubscribeUrl).searchParams.get('token') ?? '';
    const preferencesToken = new URL(links.preferencesUrl).searchParams.get('token') ?? '';
    expect(
      links.unsubscribeUrl.startsWith('https://subscribe.example.org/unsubscribe?token=v1.k1.abc-123.'),
    ).toBe(true);
    expect((await signer.verify(unsubscribeToken, 'unsubscribe', NOW)).subscriberId).toBe('abc-123');
    expect((await signer.verify(preferencesToken, 'preferences', NOW)).subscriberId).toBe('abc-123');
    expect(links.headers).toEqual({
      'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('refuses a plain-http link base', async () => {
    await expect(subscriberLinks(signer, 'abc', 'http://subscribe.example.org', NOW)).rejects.toThrow(
      'https://',
    );
  });
});

describe('themes in a subscriber’s order', () => {
  const theme = (id: string, label: string, point = ''): Theme => ({
    id,
    label,
    articles: [{ id: `${id}.md`, title: label }],
    points: point ? [{ text: point, sources: [`${id}.md`] }] : [],
  });
  const themes = [
    theme('t1', 'Central bank raises rates'),
    theme('t2', 'New chip plant opens', 'The plant makes AI accelerators.'),
    theme('t3', 'Solar power record', 'Solar power met half of demand.'),
  ];

  it('puts matching themes first, keeps digest order, or keeps only them with topicsOnly', () => {
    expect(
      themesForSubscriber(themes, { topics: ['ai', 'solar power'], topicsOnly: false }).map((t) => t.id),
    ).toEqual(['t2', 't3', 't1']);
    expect(themesForSubscriber(themes, { topics: ['ai'], topicsOnly: true }).map((t) => t.id)).toEqual([
      't2',
    ]);
    expect(themesForSubscriber(themes, { topics: [], topicsOnly: true }).map((t) => t.id)).toEqual([
      't1',
      't2',
      't3',
    ]);
  });

  it('matches whole words only', () => {
    expect(themesForSubscriber(themes, { topics: ['rate'], topicsOnly: true })).toEqual([]);
  });
});
