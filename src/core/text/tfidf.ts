/** A sparse term vector: term -> weight. */
export type SparseVector = Map<string, number>;

/** Document frequency of every term over a collection of term lists. */
export function documentFrequencies(docs: readonly (readonly string[])[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of new Set(doc)) df.set(term, (df.get(term) ?? 0) + 1);
  return df;
}

/** Smoothed inverse document frequency, positive even for a term found in every document. */
export function idf(df: number, docCount: number): number {
  return Math.log((1 + docCount) / (1 + df)) + 1;
}

/**
 * Sublinear TF-IDF vectors of unit length, one per document. `df` and `docCount` may come from another
 * collection (e.g. articles, when the documents are their sentences).
 */
export function tfidfVectors(
  docs: readonly (readonly string[])[],
  df: ReadonlyMap<string, number> = documentFrequencies(docs),
  docCount: number = docs.length,
): SparseVector[] {
  return docs.map((doc) => {
    const counts = new Map<string, number>();
    for (const term of doc) counts.set(term, (counts.get(term) ?? 0) + 1);
    const vector: SparseVector = new Map();
    for (const [term, count] of counts) {
      vector.set(term, (1 + Math.log(count)) * idf(df.get(term) ?? 0, docCount));
    }
    return normalise(vector);
  });
}

export function normalise(vector: SparseVector): SparseVector {
  let norm = 0;
  for (const w of vector.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return vector;
  const unit: SparseVector = new Map();
  for (const [term, w] of vector) unit.set(term, w / norm);
  return unit;
}

/** Dot product; the cosine when both vectors have unit length. */
export function dot(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [term, w] of small) {
    const other = large.get(term);
    if (other !== undefined) sum += w * other;
  }
  return sum;
}
