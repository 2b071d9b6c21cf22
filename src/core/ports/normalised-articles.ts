import type { Article } from '../article.ts';

/** Where normalised articles are kept, one document per path (an article may be far larger than an index item). */
export interface NormalisedArticles {
  put(path: string, article: Article): Promise<void>;
  get(path: string): Promise<Article>;
  remove(path: string): Promise<void>;
}
