import type { Article } from './article.ts';
import { compareIds } from './compare-ids.ts';
import { collapseDuplicates } from './dedup.ts';
import type { Digest, DigestArticle, Skipped, Theme } from './digest.ts';
import { runDirectly, type StageRunner } from './stages.ts';
import { summariseWithAlternatives } from './summarise.ts';
import { ArticleTerms } from './text/article-terms.ts';
import { groupThemes } from './themes.ts';

export interface BuildOptions {
  title?: string;
  /** The editor's note at the top of the email. @default none */
  intro?: string;
  /** Clock injected so builds are reproducible. */
  now?: () => Date;
  /** Only articles published at or after this instant; older ones are listed as skipped (undated ones are kept). */
  since?: Date;
  /** Word budget of each theme's points. @default 80 */
  wordsPerTheme?: number;
  /** Largest accepted input file. @default 1 MiB */
  maxArticleBytes?: number;
  /** Runs each named stage; the benchmark injects a timer here. @default runs the stage as is */
  runStage?: StageRunner;
}

export const DEFAULT_DIGEST_TITLE = 'News digest';

/** Sentences offered per theme to swap a point for (digest.json `alternatives`). */
const ALTERNATIVES_PER_THEME = 4;

/** Builds a digest from parsed articles. The same code runs in Lambda, the CLI and the preview. */
export function buildDigestFromArticles(
  articles: readonly Article[],
  skipped: readonly Skipped[],
  options: BuildOptions = {},
): Digest {
  const since = options.since;
  const isRecent = (a: Article) => !since || !a.published || Date.parse(a.published) >= since.getTime();
  const recent = articles.filter(isRecent);
  const tooOld: Skipped[] = articles
    .filter((a) => !isRecent(a))
    .map((a) => ({ id: a.id, reason: `published before ${since?.toISOString()}` }));
  const runStage = options.runStage ?? runDirectly;
  // Each article is tokenised once, for every stage.
  const terms = new ArticleTerms();
  runStage('terms', () => {
    for (const article of recent) terms.textTokens(article);
  });
  const canonical = runStage('dedup', () => collapseDuplicates(recent, terms));
  const groups = runStage('themes', () => groupThemes(canonical, {}, terms));
  const summary = { words: options.wordsPerTheme ?? 80, minPoints: 2, maxPoints: 5 };
  const themes: Theme[] = runStage('summaries', () =>
    groups.map((group) => {
      const { points, alternatives } = summariseWithAlternatives(
        group.articles,
        summary,
        ALTERNATIVES_PER_THEME,
        terms,
      );
      return {
        id: group.id,
        label: group.label,
        articles: group.articles.map(toDigestArticle),
        points,
        ...(alternatives.length > 0 && { alternatives }),
      };
    }),
  );
  const intro = options.intro?.trim();
  return {
    title: options.title ?? DEFAULT_DIGEST_TITLE,
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    ...(intro && { intro }),
    themes,
    skipped: [...skipped, ...tooOld].sort((a, b) => compareIds(a.id, b.id)),
  };
}

function toDigestArticle(article: Article & { duplicates?: string[] }): DigestArticle {
  const { id, title, headline, source, url, published, duplicates } = article;
  return {
    id,
    title,
    ...(headline === false && { headline }),
    ...(source && { source }),
    ...(url && { url }),
    ...(published && { published }),
    ...(duplicates?.length ? { duplicates } : {}),
  };
}
