import { createHash } from 'node:crypto';

/**
 * The body text with presentation differences folded away: Unicode compatibility forms, quote and dash
 * styles, and whitespace. Two uploads of the same story that differ only in these hash the same.
 */
export function normaliseForHash(text: string): string {
  // Printable ASCII is its own compatibility form, and of what FOLDED changes it can only hold a backtick or
  // two spaces in a row: most English copy is found so by two quick scans.
  if (!BEYOND_PLAIN_ASCII.test(text) && !text.includes('  ')) return text.trim();
  return text
    .normalize('NFKC')
    .replace(FOLDED, (match) => FOLD[match] ?? ' ')
    .trim();
}

/** Anything but printable ASCII other than the backtick. */
const BEYOND_PLAIN_ASCII = /[^ -_a-~]/;

const FOLD: Record<string, string> = {};
for (const c of '‘’‚‛′`´') FOLD[c] = "'";
for (const c of '“”„‟″«»') FOLD[c] = '"';
for (const c of '‐‑‒–—―−') FOLD[c] = '-';
FOLD['…'] = '...';
// One pass: a folded character, or a run of whitespace other than a single plain space (it becomes one space).
const FOLDED = /[‘’‚‛′`´“”„‟″«»‐‑‒–—―−…]|\s{2,}|[^\S ]/g;

/** sha256 hex of the normalised body text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normaliseForHash(text)).digest('hex');
}
