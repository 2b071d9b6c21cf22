import type { Article } from './article.ts';
import type { Point } from './digest.ts';

export interface SummariseOptions {
  /** Word budget of the whole summary. */
  words: number;
}

// FIRST CUT: lead sentences; replaced by the coverage-based summariser.
export function summarise(articles: readonly Article[], options: SummariseOptions): Point[] {
  const points: Point[] = [];
  let used = 0;
  for (const article of articles) {
    const sentence = article.sentences[0];
    if (!sentence) continue;
    const words = sentence.split(/\s+/).length;
    if (used + words > options.words) break;
    used += words;
    points.push({ text: sentence, sources: [article.id] });
  }
  return points;
}
