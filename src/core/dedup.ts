import type { Article, CanonicalArticle } from './article.ts';
import { compareIds } from './compare-ids.ts';
import { jaccard, minHashSignature, SIGNATURE_LENGTH, shingleHashes } from './ingest/minhash.ts';

/** Shingle Jaccard at or above which two articles are copies of one text. Own stories on one event stay far below. */
export const NEAR_DUPLICATE_JACCARD = 0.6;
// 32 bands of 4 rows: a pair at Jaccard 0.6 becomes a candidate with probability 1-(1-0.6^4)^32 > 0.98;
// candidates are then confirmed on their exact shingle sets, so the banding never decides alone.
const BANDS = 32;
const ROWS = SIGNATURE_LENGTH / BANDS;
const EMPTY_SET = new Uint32Array();

/**
 * Collapses exact and near-duplicate copies into one canonical article that lists every other copy in
 * `duplicates`. Candidates come from MinHash LSH banding (no all-pairs comparison), so it scales to
 * tens of thousands of articles. The result does not depend on input order: the canonical copy is the
 * longest text, then the smallest id, and articles come out sorted by id.
 */
export function collapseDuplicates(articles: readonly Article[]): CanonicalArticle[] {
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

  const shingles = sorted.map((a) => shingleHashes(a.text));
  const buckets = new Map<number, number[]>();
  shingles.forEach((set, i) => {
    if (byHash.get(sorted[i]?.contentHash ?? '') !== i) return; // exact copies are already joined
    const signature = minHashSignature(set);
    for (let band = 0; band < BANDS; band++) {
      const key = bandKey(band, signature.subarray(band * ROWS, (band + 1) * ROWS));
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
  });
  const checked = new Set<number>();
  for (const bucket of buckets.values()) {
    for (let x = 0; x < bucket.length; x++) {
      for (let y = x + 1; y < bucket.length; y++) {
        const a = bucket[x] ?? 0;
        const b = bucket[y] ?? 0;
        // Already one group (joined through another pair): nothing to confirm.
        if (find(a) === find(b)) continue;
        const pair = a * sorted.length + b;
        if (checked.has(pair)) continue;
        checked.add(pair);
        if (jaccard(shingles[a] ?? EMPTY_SET, shingles[b] ?? EMPTY_SET) >= NEAR_DUPLICATE_JACCARD) {
          union(a, b);
        }
      }
    }
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

/**
 * A number naming one band's values: band index above, a 32-bit hash of the rows below. Two different
 * bands that collide only add a candidate, which the exact Jaccard check then rejects.
 */
function bandKey(band: number, rows: Uint32Array): number {
  let h = band;
  for (const value of rows) h = Math.imul(h ^ value, 0x01000193) ^ (h >>> 15);
  return band * 2 ** 32 + (h >>> 0);
}
