import { describe, expect, it } from 'vitest';
import { displayHost, safeHttpsUrl } from '../../../src/core/render/links.ts';

describe('links in emails', () => {
  it('keeps https links only: http, javascript:, data: and relative links are dropped', () => {
    expect(safeHttpsUrl('https://news.example.org/a?b=1')).toBe('https://news.example.org/a?b=1');
    for (const bad of [
      'http://news.example.org/a',
      'javascript:alert(1)',
      'data:text/html,x',
      '/a',
      'nonsense',
    ]) {
      expect(safeHttpsUrl(bad)).toBeUndefined();
    }
  });

  it('shows the real host, in Unicode for one script and in punycode for a label that mixes scripts', () => {
    expect(displayHost('https://www.example.com/story')).toBe('example.com');
    expect(displayHost('https://bücher.example/story')).toBe('bücher.example');
    expect(displayHost('https://пример.рф/story')).toBe('пример.рф');
    expect(displayHost('https://東京新聞.jp/story')).toBe('東京新聞.jp');
    // Latin "paypal" with a Cyrillic "а" (U+0430).
    expect(displayHost('https://p\u0430ypal.com/login')).toBe('xn--pypal-4ve.com');
  });
});
