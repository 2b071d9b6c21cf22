import { createHash } from 'node:crypto';
import type { CanonicalArticle } from '../../src/core/article.ts';

/** An article as the parser makes it, from a title and its sentences. */
export function article(
  id: string,
  title: string,
  sentences: string[],
  extra: Partial<CanonicalArticle> = {},
): CanonicalArticle {
  const text = sentences.join(' ');
  return {
    id,
    title,
    text,
    sentences,
    contentHash: createHash('sha256').update(text).digest('hex'),
    duplicates: [],
    ...extra,
  };
}

/** A fixed permutation (no randomness in tests): reversed, then odd positions before even ones. */
export function shuffled<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  return [...reversed.filter((_, i) => i % 2 === 1), ...reversed.filter((_, i) => i % 2 === 0)];
}
