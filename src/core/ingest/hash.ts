import { createHash } from 'node:crypto';

/**
 * The body text with presentation differences folded away: Unicode compatibility forms, quote and dash
 * styles, and whitespace. Two uploads of the same story that differ only in these hash the same.
 */
export function normaliseForHash(text: string): string {
  const compatible = text.normalize('NFKC');
  // Most texts have nothing to fold: a test is a cheaper scan than a replacement that calls back.
  const folded = FOLDED.test(compatible)
    ? compatible.replace(FOLDED_ALL, (match) => FOLD[match] ?? ' ')
    : compatible;
  return folded.trim();
}

const FOLD: Record<string, string> = {};
for (const c of '‘’‚‛′`´') FOLD[c] = "'";
for (const c of '“”„‟″«»') FOLD[c] = '"';
for (const c of '‐‑‒–—―−') FOLD[c] = '-';
FOLD['…'] = '...';
// One pass: a folded character, or a run of whitespace other than a single plain space (it becomes one space).
const FOLDED_ALL = /[‘’‚‛′`´“”„‟″«»‐‑‒–—―−…]|\s{2,}|[^\S ]/g;
const FOLDED = new RegExp(FOLDED_ALL.source);

/** sha256 hex of the normalised body text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normaliseForHash(text)).digest('hex');
}
