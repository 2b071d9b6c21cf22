import { IntList } from './article-terms.ts';
import { idf } from './tfidf.ts';

/**
 * Sparse TF-IDF vectors over integer term ids, one pair of typed arrays per document: the same entries,
 * in the same order and with the same weights to the last bit as `tfidfVectors` gives as maps, in a
 * fraction of the memory, and with no string hashing once the terms are interned.
 */
export interface TermVectors {
  /** Term ids of each document's vector, in order of first occurrence in the document. */
  ids: Int32Array[];
  /** The weights of those terms (unit length per document). */
  weights: Float64Array[];
  /** The ids' vocabulary: ties between equal weights are broken by the terms' text. */
  terms: Vocabulary;
  /** How many distinct terms each document has, those left out of its vector included. */
  distinctTerms: Int32Array;
}

/** Integer ids of terms (ArticleTerms): every id below `size`, each with its text. */
export interface Vocabulary {
  readonly size: number;
  text(id: number): string;
}

/**
 * Sublinear TF-IDF vectors of unit length of interned documents, leaving out the terms found in fewer than
 * `minDocuments` of them: `tfidfVectors` of the documents so filtered, with their own document frequencies.
 */
export function termVectors(docs: readonly Int32Array[], terms: Vocabulary, minDocuments = 1): TermVectors {
  const df = new Int32Array(terms.size);
  // Which document last counted each term: a document counts a term once, without a set per document.
  const lastDoc = new Int32Array(terms.size).fill(-1);
  const distinctTerms = new Int32Array(docs.length);
  docs.forEach((doc, d) => {
    for (const id of doc) {
      if (lastDoc[id] === d) continue;
      lastDoc[id] = d;
      df[id] = (df[id] as number) + 1;
      distinctTerms[d] = (distinctTerms[d] as number) + 1;
    }
  });
  const counts = new Int32Array(terms.size);
  const idfs = new Float64Array(terms.size);
  for (let id = 0; id < terms.size; id++) if (df[id] !== 0) idfs[id] = idf(df[id] as number, docs.length);
  const order = new IntList();
  const ids: Int32Array[] = [];
  const weights: Float64Array[] = [];
  for (const doc of docs) {
    order.clear();
    for (const id of doc) {
      if ((df[id] as number) < minDocuments) continue;
      if (counts[id] === 0) order.push(id);
      counts[id] = (counts[id] as number) + 1;
    }
    const vectorIds = order.toArray();
    const vectorWeights = new Float64Array(vectorIds.length);
    let norm = 0;
    for (let i = 0; i < vectorIds.length; i++) {
      const id = vectorIds[i] as number;
      const w = (1 + Math.log(counts[id] as number)) * (idfs[id] as number);
      vectorWeights[i] = w;
      norm += w * w;
      counts[id] = 0;
    }
    norm = Math.sqrt(norm);
    if (norm !== 0)
      for (let i = 0; i < vectorWeights.length; i++) vectorWeights[i] = (vectorWeights[i] as number) / norm;
    ids.push(vectorIds);
    weights.push(vectorWeights);
  }
  return { ids, weights, terms, distinctTerms };
}
