import { hash } from 'node:crypto';
import type { Article, CanonicalArticle } from './article.ts';
import { compareIds } from './compare-ids.ts';
import { collapseDuplicates } from './dedup.ts';
import type { Digest, DigestArticle, Point, Skipped, Theme } from './digest.ts';
import { headlineFor } from './headline.ts';
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
  /** Runs each named stage; the benchmark injects a timer here. @default runs the stage as is */
  runStage?: StageRunner;
  /** The themes of the last build from mostly the same articles (the studio's). @default none: all written */
  themeMemo?: ThemeMemo;
  /**
   * The vocabulary of the last build from mostly the same articles (the studio's): only new or changed
   * articles are tokenised again. @default a new one
   */
  terms?: ArticleTerms;
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
  const terms = options.terms ?? new ArticleTerms();
  runStage('terms', () => {
    for (const article of recent) terms.textTokens(article);
  });
  const canonical = runStage('dedup', () => collapseDuplicates(recent, terms));
  const memo = options.themeMemo;
  memo?.start(recent);
  const headline = (ordered: readonly Article[]) => headlineFor(ordered, terms);
  const groups = runStage('themes', () =>
    groupThemes(canonical, {}, terms, memo && ((ordered) => memo.headlineOf(ordered, headline))),
  );
  const summary = { words: options.wordsPerTheme ?? 80, minPoints: 2, maxPoints: 5 };
  const write = (articles: readonly Article[]) =>
    summariseWithAlternatives(articles, summary, ALTERNATIVES_PER_THEME, terms);
  const themes: Theme[] = runStage('summaries', () =>
    groups.map((group) => {
      const { points, alternatives } = memo
        ? memo.summaryOf(group.articles, summary, write)
        : write(group.articles);
      return {
        id: group.id,
        label: group.label,
        articles: group.articles.map(toDigestArticle),
        points,
        ...(alternatives.length > 0 && { alternatives }),
      };
    }),
  );
  memo?.settle();
  const intro = options.intro?.trim();
  return {
    // A blank title would leave a digest without themes no subject line to send under.
    title: options.title?.trim() || DEFAULT_DIGEST_TITLE,
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

/** A theme's summary: its points and what an editor may swap one for. */
interface WrittenSummary {
  points: Point[];
  alternatives: Point[];
}

/**
 * Each theme's headline and summary as the last build wrote them, by everything they were written from: the
 * theme's articles in their order (most central first), whole, and the summary settings. A caller that builds
 * again from mostly the same articles (the studio, after a file changed) keeps one, and a theme whose articles
 * are unchanged is not written again: what it says depends on nothing else (not on the build's token ids; the
 * order of its articles, which the whole corpus sets, is in the key). A build keeps only its own themes.
 */
export class ThemeMemo {
  private kept = new Map<string, unknown>();
  private next = new Map<string, unknown>();
  /** Each article's hash, by object: an article is never written to, so a rebuild hashes only the new ones. */
  private readonly articleHashes = new WeakMap<Article, string>();
  /** The hash of each article this build started from, by id (unique within a build). */
  private startedFrom = new Map<string, string>();
  /** Each theme's key, made once for its headline and its summary. */
  private readonly keys = new WeakMap<readonly Article[], string>();

  /**
   * Starts a build from these articles. Dedup hands the themes a copy of each with its `duplicates`: a theme's
   * key is made of its articles' hashes from here and their duplicates, so the copies are not hashed again.
   */
  start(articles: readonly Article[]): void {
    this.startedFrom = new Map(articles.map((article) => [article.id, this.hashOf(article)]));
  }

  headlineOf(articles: readonly Article[], write: (articles: readonly Article[]) => string): string {
    return this.remembered(`headline ${this.keyOf(articles)}`, () => write(articles));
  }

  summaryOf(
    articles: readonly Article[],
    settings: object,
    write: (articles: readonly Article[]) => WrittenSummary,
  ): WrittenSummary {
    return this.remembered(`summary ${JSON.stringify(settings)} ${this.keyOf(articles)}`, () =>
      write(articles),
    );
  }

  /** Ends a build: what it used is what the next one may use. */
  settle(): void {
    this.kept = this.next;
    this.next = new Map();
    // Keys made after this build, without `start`, hash their articles: not this build's, which may be stale.
    this.startedFrom = new Map();
  }

  private remembered<T>(key: string, write: () => T): T {
    const value = (this.kept.get(key) as T | undefined) ?? write();
    this.next.set(key, value);
    return value;
  }

  private keyOf(articles: readonly Article[]): string {
    let key = this.keys.get(articles);
    if (key === undefined) {
      const parts = articles.map((article) => {
        const { duplicates } = article as Partial<CanonicalArticle>;
        return [this.startedFrom.get(article.id) ?? this.hashOf(article), duplicates ?? []];
      });
      key = sha256(JSON.stringify(parts));
      this.keys.set(articles, key);
    }
    return key;
  }

  private hashOf(article: Article): string {
    let articleHash = this.articleHashes.get(article);
    if (articleHash === undefined) {
      articleHash = sha256(JSON.stringify(article));
      this.articleHashes.set(article, articleHash);
    }
    return articleHash;
  }
}

const sha256 = (text: string) => hash('sha256', text);
