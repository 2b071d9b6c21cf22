import type { Article } from '../src/core/article.ts';
import { unreadableReason, withoutDateline } from '../src/core/text/sentences.ts';
import {
  documentFrequencies,
  dot,
  normalise,
  type SparseVector,
  tfidfVectors,
} from '../src/core/text/tfidf.ts';
import { contentTerms, wordCount } from '../src/core/text/tokens.ts';

/*
 * Reference summarisers the eval scores beside ours, on the same articles and the same readable
 * sentences. Both fill the budget and may overrun it by one sentence: ROUGE cuts every summary at
 * the budget, so they get every word they are allowed.
 */

function readableSentences(article: Article): string[] {
  return article.sentences.map(withoutDateline).filter((s) => !unreadableReason(s));
}

function byId(articles: readonly Article[]): Article[] {
  return [...articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Lead: the first sentence of every article, then the second of every article, and so on. */
export function leadSummary(articles: readonly Article[], words: number): string[] {
  const lists = byId(articles).map(readableSentences);
  const chosen: string[] = [];
  let used = 0;
  for (let depth = 0; used < words && lists.some((l) => l.length > depth); depth++) {
    for (const list of lists) {
      const sentence = list[depth];
      if (sentence === undefined || used >= words) continue;
      chosen.push(sentence);
      used += wordCount(sentence);
    }
  }
  return chosen;
}

/** Largest cosine a new sentence may have with one already chosen. */
const MAX_REDUNDANCY = 0.6;

/**
 * TF-IDF centroid (Radev et al. 2004 style): sentences ranked by cosine with the centroid of the
 * articles' TF-IDF vectors, skipping ones too similar to a sentence already chosen.
 */
export function centroidSummary(articles: readonly Article[], words: number): string[] {
  const sorted = byId(articles);
  const docs = sorted.map((a) => contentTerms(a.sentences.join(' ')));
  const df = documentFrequencies(docs);
  const centroid: SparseVector = new Map();
  for (const vector of tfidfVectors(docs, df)) {
    for (const [term, w] of vector) centroid.set(term, (centroid.get(term) ?? 0) + w);
  }
  const unitCentroid = normalise(centroid);
  const sentences = [...new Set(sorted.flatMap(readableSentences))];
  const vectors = tfidfVectors(
    sentences.map((s) => contentTerms(s)),
    df,
    docs.length,
  );
  const ranked = sentences
    .map((text, i) => ({
      text,
      vector: vectors[i] as SparseVector,
      score: dot(vectors[i] as SparseVector, unitCentroid),
    }))
    .sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : 1));
  const chosen: typeof ranked = [];
  let used = 0;
  for (const candidate of ranked) {
    if (used >= words) break;
    if (chosen.some((c) => dot(c.vector, candidate.vector) > MAX_REDUNDANCY)) continue;
    chosen.push(candidate);
    used += wordCount(candidate.text);
  }
  return chosen.map((c) => c.text);
}
