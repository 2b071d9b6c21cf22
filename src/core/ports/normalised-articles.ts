import type { Article } from '../article.ts';

/** Where normalised articles are kept, one document per path (an article may be far larger than an index item). */
export interface NormalisedArticles {
  put(path: string, article: Article): Promise<void>;
  /** The article at `path`; undefined when none is (a newer change replaced or retracted it since it was listed). */
  get(path: string): Promise<Article | undefined>;
  remove(path: string): Promise<void>;
}
