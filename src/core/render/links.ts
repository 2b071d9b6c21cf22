import { domainToUnicode } from 'node:url';

/**
 * The URL when it is https, else undefined: http (which a network can rewrite), javascript:, data:, mailto:
 * and relative links never reach an email; the article is then shown as text without a link.
 */
export function safeHttpsUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Scripts whose letters may share a hostname label (Japanese and Korean mix Han with their own). */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Thai',
  'Georgian',
  'Hangul',
  'Han',
  'Hiragana',
  'Katakana',
] as const;
const SCRIPT_PATTERNS = SCRIPTS.map((name) => ({ name, pattern: new RegExp(`\\p{Script=${name}}`, 'u') }));
const ALLOWED_MIXES = [
  new Set(['Han', 'Hiragana', 'Katakana', 'Latin']),
  new Set(['Han', 'Hangul', 'Latin']),
  new Set(['Han', 'Latin']),
];

/**
 * The hostname of an https link as a reader should see it beside the link: the link's real host, in Unicode
 * when each label keeps to one script (bücher.example), in punycode when a label mixes scripts the way
 * look-alike domains do (Latin "paypal" with a Cyrillic "а" shows as xn--pypal-4ve.com).
 */
export function displayHost(url: string): string {
  const ascii = new URL(url).hostname;
  const unicode = domainToUnicode(ascii);
  const mixed = unicode.split('.').some((label) => {
    const scripts = new Set<string>();
    for (const char of label) {
      const script = SCRIPT_PATTERNS.find((s) => s.pattern.test(char));
      if (script) scripts.add(script.name);
    }
    return scripts.size > 1 && !ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.has(s)));
  });
  return (mixed ? ascii : unicode).replace(/^www\./, '');
}
