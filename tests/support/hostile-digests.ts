import fc from 'fast-check';
import type { Digest } from '../../src/core/digest.ts';

/**
 * Pieces that have broken mail and templates before: encodings, quoting, line structure, look-alike encoded
 * words, HTML, MJML and Handlebars syntax.
 */
const FRAGMENTS = [
  'Zoë Ünïcode',
  'مرحبا بالعالم',
  'שלום עולם',
  '\u202Egnp.exe\u202C',
  '"quoted"',
  "O'Brien, Jr.",
  'back\\slash\\',
  '\r\nBcc: evil@example.com',
  '\nSubject: injected',
  '\r',
  '\n',
  '\t',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\x7f',
  '\x00',
  '👩‍👩‍👧‍👦 🎉',
  '=?utf-8?q?hidden?=',
  '=?UTF-8?B?aGlkZGVu?=',
  '=?iso-8859-1?Q?caf=E9?= =?',
  '?= =? ?Q? ==',
  '=20=3D=\r\n',
  '.',
  '\n.\n',
  '\nFrom the desk',
  'From ',
  '<script>alert(1)</script>',
  '&amp; &lt;b&gt;',
  '{{title}} {{{raw}}} }}{{',
  '{{> theme}}{{#each themes}}\\{{escaped}}',
  'hbs0x1x hbs1x0x',
  '<!-- note --><![endif]-->',
  '<mj-text>mj</mj-text>',
  '&#x3D;&lt;`',
  'x-digest-0123456789abcdef-greeting',
  'a'.repeat(120),
  'é'.repeat(90),
  'word '.repeat(40),
  '国際化ドメイン名',
  '<',
  '>',
  ',',
  ';',
  ':',
  '@',
];

/** Text of up to `maxParts` pieces: fragments, random graphemes and random ASCII. */
export const text = (maxParts: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
        { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 24 }) },
      ),
      { minLength: 1, maxLength: maxParts },
    )
    .map((parts) => parts.join(''));

const hosts = ['www.outlet.example', 'bücher.example', 'xn--bcher-kva.example', 'news.例え.jp'];
const url = fc.oneof(
  fc
    .tuple(fc.constantFrom(...hosts), text(3), fc.boolean())
    .map(([host, path, encoded]) => `https://${host}/${encoded ? encodeURIComponent(path) : path}`),
  fc.constantFrom('javascript:alert(1)', 'http://plain.example/a', 'https://', 'not a url'),
);

/** A digest of up to `maxThemes` themes whose every text is hostile, with links good and bad. */
export const hostileDigest = (maxThemes: number): fc.Arbitrary<Digest> =>
  fc
    .record({
      // Configured, never blank: with blank labels too, the subject would be empty, which MimeTemplate refuses.
      title: text(3).filter((title) => title.trim() !== ''),
      intro: fc.option(text(6), { nil: undefined }),
      subject: fc.option(text(3), { nil: undefined }),
      themes: fc.array(
        fc.record({
          label: text(4),
          articles: fc.array(
            fc.record({
              title: text(4),
              headline: fc.boolean(),
              source: fc.option(text(2), { nil: undefined }),
              url: fc.option(url, { nil: undefined }),
              published: fc.constantFrom(undefined, '2026-11-23T06:00:00Z', 'yesterday'),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          points: fc.array(fc.record({ text: text(8), cites: fc.array(fc.nat(5), { maxLength: 3 }) }), {
            maxLength: 5,
          }),
        }),
        { maxLength: maxThemes, size: 'max' },
      ),
    })
    .map(({ title, intro, subject, themes }) => ({
      title,
      ...(intro !== undefined && { intro }),
      ...(subject !== undefined && { subject }),
      generatedAt: '2026-11-23T07:00:00.000Z',
      skipped: [],
      themes: themes.map((theme, t) => {
        const articles = theme.articles.map(({ url, source, published, ...article }, a) => ({
          ...article,
          id: `feeds/${t}/${a}.md`,
          ...(url !== undefined && { url }),
          ...(source !== undefined && { source }),
          ...(published !== undefined && { published }),
        }));
        return {
          id: `theme-${t}`,
          label: theme.label,
          articles,
          points: theme.points.map((point) => ({
            text: point.text,
            sources: point.cites.map((c) => articles[c % articles.length]?.id ?? ''),
          })),
        };
      }),
    }));
