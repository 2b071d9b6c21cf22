import type { Article, CanonicalArticle } from './article.ts';

// FIRST CUT: exact duplicates only; replaced by shingle/MinHash near-duplicate detection.
export function collapseDuplicates(articles: readonly Article[]): CanonicalArticle[] {
  const byHash = new Map<string, CanonicalArticle>();
  for (const article of [...articles].sort((a, b) => a.id.localeCompare(b.id))) {
    const kept = byHash.get(article.contentHash);
    if (kept) kept.duplicates.push(article.id);
    else byHash.set(article.contentHash, { ...article, duplicates: [] });
  }
  return [...byHash.values()];
}
