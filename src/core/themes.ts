import type { CanonicalArticle } from './article.ts';

export interface ThemeGroup {
  id: string;
  label: string;
  /** Articles of the theme, most central first. */
  articles: CanonicalArticle[];
}

// FIRST CUT: one theme for everything; replaced by real clustering, labelling and ranking.
export function groupThemes(articles: readonly CanonicalArticle[]): ThemeGroup[] {
  if (articles.length === 0) return [];
  const sorted = [...articles].sort((a, b) => a.id.localeCompare(b.id));
  return [{ id: 'theme-1', label: sorted[0]?.title ?? 'News', articles: sorted }];
}
