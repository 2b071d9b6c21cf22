import type { Article, CanonicalArticle } from './article.ts';
import { compareIds } from './compare-ids.ts';
import {
  hasAsciiWordsOnly,
  jaccardAtLeast,
  minHashSignature,
  SIGNATURE_LENGTH,
  shingleHashes,
  shingleSequence,
  shingleSet,
} from './ingest/minhash.ts';
import { ArticleTerms } from './text/article-terms.ts';

/** Shingle Jaccard at or above which two articles are copies of one text. Own stories on one event stay far below. */
export const NEAR_DUPLICATE_JACCARD = 0.6;
// 32 bands of 4 rows: a pair at Jaccard 0.6 becomes a candidate with probability 1-(1-0.6^4)^32 > 0.98;
// candidates are then confirmed on their exact shingle sets, so the banding never decides alone.
const BANDS = 32;
const ROWS = SIGNATURE_LENGTH / BANDS;

/**
 * Collapses exact and near-duplicate copies into one canonical article that lists every other copy in
 * `duplicates`. Candidates come from MinHash LSH banding (no all-pairs comparison), so it scales to
 * tens of thousands of articles. `terms`: the build's shared tokens (see ArticleTerms). The result does not depend on input order: the canonical copy is the
 * longest text, then the smallest id, and articles come out sorted by id.
 */
export function collapseDuplicates(
  articles: readonly Article[],
  terms: ArticleTerms = new ArticleTerms(),
): CanonicalArticle[] {
  if (articles.length > INDEX_RANGE) throw new RangeError(`at most ${INDEX_RANGE} articles per build`);
  const sorted = [...articles].sort((a, b) => compareIds(a.id, b.id));
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    while (parent[i] !== root) {
      const next = parent[i] ?? root;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byHash = new Map<string, number>();
  sorted.forEach((article, i) => {
    const first = byHash.get(article.contentHash);
    if (first === undefined) byHash.set(article.contentHash, i);
    else union(first, i);
  });

  // Exact copies are already joined: only the first article of each content hash is compared.
  const compared = sorted.flatMap((article, i) => (byHash.get(article.contentHash) === i ? [i] : []));
  // Shingles in text order (the signature needs no more), made a set only when a candidate pair needs it.
  let words = new Uint32Array(1024);
  const shingles = compared.map((i) => {
    const article = sorted[i] as Article;
    // A text with a letter or digit beyond ASCII has words its tokens are not: its own shingles.
    if (!terms.isAscii(article) && !hasAsciiWordsOnly(article.text)) return shingleHashes(article.text);
    const tokens = terms.textTokens(article);
    if (tokens.length > words.length) words = new Uint32Array(2 * tokens.length);
    for (let k = 0; k < tokens.length; k++) words[k] = terms.hash(tokens[k] as number);
    return shingleSequence(words, tokens.length);
  });
  const isSet = new Uint8Array(compared.length);
  const setOf = (x: number): Uint32Array => {
    if (isSet[x] === 0) {
      shingles[x] = shingleSet(shingles[x] as Uint32Array);
      isSet[x] = 1;
    }
    return shingles[x] as Uint32Array;
  };
  // Every band's key of every signature at once: band b's keys are keys[b * m] to keys[(b + 1) * m - 1].
  const m = compared.length;
  const keys = new Float64Array(BANDS * m);
  const signature = new Uint32Array(SIGNATURE_LENGTH);
  shingles.forEach((sequence, j) => {
    minHashSignature(sequence, signature);
    for (let band = 0; band < BANDS; band++) keys[band * m + j] = bandKey(band, signature);
  });
  const checked = new Set<number>();
  for (let band = 0; band < BANDS; band++) {
    forEachBucket(keys.subarray(band * m, (band + 1) * m), (x, y) => {
      const a = compared[x] as number;
      const b = compared[y] as number;
      // Already one group (joined through another pair): nothing to confirm.
      if (find(a) === find(b)) return;
      const pair = x * m + y;
      if (checked.has(pair)) return;
      checked.add(pair);
      if (jaccardAtLeast(setOf(x), setOf(y), NEAR_DUPLICATE_JACCARD)) union(a, b);
    });
  }

  const groups = new Map<number, Article[]>();
  sorted.forEach((article, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(article);
    else groups.set(root, [article]);
  });
  return [...groups.values()]
    .map((copies) => {
      const [canonical, ...others] = [...copies].sort(
        (a, b) => b.text.length - a.text.length || compareIds(a.id, b.id),
      );
      return { ...(canonical as Article), duplicates: others.map((a) => a.id).sort(compareIds) };
    })
    .sort((a, b) => compareIds(a.id, b.id));
}

/** A 32-bit hash of the rows of band `band` of a signature, seeded by the band. */
function bandKey(band: number, signature: Uint32Array): number {
  let h = band;
  for (let row = band * ROWS; row < (band + 1) * ROWS; row++)
    h = Math.imul(h ^ (signature[row] as number), 0x01000193) ^ (h >>> 15);
  return h >>> 0;
}

/**
 * Calls `pair(x, y)` (x < y) for every two entries of `keys` with equal values, by sorting the entries
 * instead of hashing them into buckets: each key and its index packed in one float, sorted natively.
 */
function forEachBucket(keys: Float64Array, pair: (x: number, y: number) => void): void {
  const packed = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) packed[i] = (keys[i] as number) * INDEX_RANGE + i;
  packed.sort();
  for (let start = 0; start < packed.length; ) {
    const base = Math.floor((packed[start] as number) / INDEX_RANGE) * INDEX_RANGE;
    let end = start + 1;
    while (end < packed.length && (packed[end] as number) < base + INDEX_RANGE) end++;
    // `| 0`: the indices as small integers, not floats, for the array and set lookups of `pair`.
    for (let x = start; x < end; x++)
      for (let y = x + 1; y < end; y++)
        pair(((packed[x] as number) - base) | 0, ((packed[y] as number) - base) | 0);
    start = end;
  }
}

/** Indices packed below a 32-bit key in a float (exact below 2^53): 2^21 articles compared per build. */
const INDEX_RANGE = 2 ** 21;
