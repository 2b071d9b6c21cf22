import { hash } from 'node:crypto';

/**
 * The body text with presentation differences folded away: Unicode compatibility forms, quote and dash
 * styles, and whitespace. Two uploads of the same story that differ only in these hash the same.
 */
export function normaliseForHash(text: string): string {
  // Printable ASCII is its own compatibility form, and of what FOLDED changes it can only hold a backtick or
  // two spaces in a row: most English copy is found so by two quick scans.
  if (!BEYOND_PLAIN_ASCII.test(text) && !text.includes('  ')) return text.trim();
  // Most of the rest differs from plain ASCII only by quotes, dashes and spaces. Folded first, such text is plain
  // ASCII, and NFKC would have changed nothing FOLDED does not (but for the two characters it would split).
  const folded = fold(text);
  if (!BEYOND_PRINTABLE_ASCII.test(folded) && !SPLIT_BY_NFKC.test(text)) return folded.trim();
  return fold(text.normalize('NFKC')).trim();
}

function fold(text: string): string {
  return text.replace(FOLDED, (match) => FOLD[match] ?? ' ');
}

/** Anything but printable ASCII other than the backtick. */
const BEYOND_PLAIN_ASCII = /[^ -_a-~]/;
const BEYOND_PRINTABLE_ASCII = /[^ -~]/;
/** Of what FOLDED changes, the characters NFKC turns into others first: ´ into a space and an accent, ″ into ′′. */
const SPLIT_BY_NFKC = /[´″]/;

const FOLD: Record<string, string> = {};
for (const c of '‘’‚‛′`´') FOLD[c] = "'";
for (const c of '“”„‟″«»') FOLD[c] = '"';
for (const c of '‐‑‒–—―−') FOLD[c] = '-';
FOLD['…'] = '...';
// One pass: a folded character, or a run of whitespace other than a single plain space (it becomes one space).
const FOLDED = /[‘’‚‛′`´“”„‟″«»‐‑‒–—―−…]|\s{2,}|[^\S ]/g;

/** sha256 hex of the normalised body text (one-shot: a Hash object per article costs more than the hashing). */
export function contentHash(text: string): string {
  return hash('sha256', normaliseForHash(text), 'hex');
}
