import { createHash } from 'node:crypto';

/**
 * The body text with presentation differences folded away: Unicode compatibility forms, quote and dash
 * styles, and whitespace. Two uploads of the same story that differ only in these hash the same.
 */
export function normaliseForHash(text: string): string {
  return text
    .normalize('NFKC')
    .replace(FOLDED, (match) => FOLD[match] ?? ' ')
    .trim();
}

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
