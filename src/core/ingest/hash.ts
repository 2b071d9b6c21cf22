import { createHash } from 'node:crypto';

/**
 * The body text with presentation differences folded away: Unicode compatibility forms, quote and dash
 * styles, and whitespace. Two uploads of the same story that differ only in these hash the same.
 */
export function normaliseForHash(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[‘’‚‛′`´]/g, "'")
    .replace(/[“”„‟″«»]/g, '"')
    .replace(/[‐‑‒–—―−]/g, '-')
    .replace(/…/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
}

/** sha256 hex of the normalised body text. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normaliseForHash(text)).digest('hex');
}
