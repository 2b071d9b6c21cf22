import type { Article, CanonicalArticle } from './article.ts';
import { compareIds } from './compare-ids.ts';
import {
  jaccardAtLeast,
  minHashSignature,
  SIGNATURE_LENGTH,
  shingleCount,
  shingleSequence,
  shingleSet,
} from './ingest/minhash.ts';
import { ArticleTerms } from './text/article-terms.ts';
import { FNV_PRIME } from './text/fnv.ts';

/** Shingle Jaccard at or above which two articles are copies of one text. Own stories on one event stay far below. */
export const NEAR_DUPLICATE_JACCARD = 0.6;
// 32 bands of 4 rows: a pair at Jaccard 0.6 becomes a candidate with probability 1-(1-0.6^4)^32 > 0.98;
// candidates are then confirmed on their exact shingle sets, so the banding never decides alone.
const BANDS = 32;
const ROWS = SIGNATURE_LENGTH / BANDS;
/** What a kept vocabulary keeps of each article for dedup (ArticleTerms.remember): band keys, shingle set. */
const BAND_KEYS = 'dedup band keys';
const SHINGLE_SET = 'dedup shingle set';

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
  const m = compared.length;
  const articleAt = (x: number) => sorted[compared[x] as number] as Article;
  // A vocabulary kept across builds (the studio's) recalls the band keys and shingle set of each article it
  // read before. The others' shingles are read now, in text order (the signature needs no more), and made a
  // set only when a candidate pair needs it.
  const recalled = Array.from({ length: m }, (_, x) =>
    terms.remembered<Uint32Array>(articleAt(x), BAND_KEYS),
  );
  const unread = recalled.flatMap((known, x) => (known ? [] : [x]));
  const shingles: (Uint32Array | undefined)[] = [];
  shingleSequences(unread.map(articleAt), terms).forEach((sequence, k) => {
    shingles[unread[k] as number] = sequence;
  });
  const sets: (Uint32Array | undefined)[] = [];
  const setOf = (x: number): Uint32Array => {
    let set = sets[x];
    if (!set) {
      const article = articleAt(x);
      set = terms.remembered<Uint32Array>(article, SHINGLE_SET);
      if (!set) {
        const made = shingleSet(shingles[x] ?? (shingleSequences([article], terms)[0] as Uint32Array));
        // A copy is kept: `made` is a view of the array of every article's shingles, which it would hold.
        terms.remember(article, SHINGLE_SET, () => made.slice());
        set = made;
      }
      sets[x] = set;
    }
    return set;
  };
  // Every band's key of every signature at once: band b's keys are keys[b * m] to keys[(b + 1) * m - 1].
  const keys = new Uint32Array(BANDS * m);
  const signature = new Uint32Array(SIGNATURE_LENGTH);
  for (let x = 0; x < m; x++) {
    const known = recalled[x];
    if (known) {
      for (let band = 0; band < BANDS; band++) keys[band * m + x] = known[band] as number;
      continue;
    }
    minHashSignature(shingles[x] as Uint32Array, signature);
    for (let band = 0; band < BANDS; band++) keys[band * m + x] = bandKey(band, signature);
    terms.remember(articleAt(x), BAND_KEYS, () =>
      Uint32Array.from({ length: BANDS }, (_, band) => keys[band * m + x] as number),
    );
  }
  // Whether x and y shared a bucket in a band before `band`: then they were compared there (or were one
  // group then, and so still are). Most pairs share one or two bands: cheaper than a set of pairs.
  const metBefore = (x: number, y: number, band: number) => {
    for (let earlier = 0; earlier < band; earlier++)
      if (keys[earlier * m + x] === keys[earlier * m + y]) return true;
    return false;
  };
  const rootOf = (x: number) => find(compared[x] as number);
  forEachBucket(keys, m, (members, band) => {
    // The bucket's members so far, in lists of one group each (a list's members are one group; two lists may
    // have become one group since, through another bucket). Each member is checked against one list per other
    // group until it nears a member of it, so a bucket of n copies of one story costs about n checks, not n² / 2:
    // a flood of near-copies stays linear. Every pair of two groups is still checked until they are one, so the
    // groups are those of checking every pair.
    const lists: number[][] = [];
    for (const y of members) {
      for (const list of lists) {
        if (rootOf(list[0] as number) === rootOf(y)) continue;
        for (const x of list)
          if (!metBefore(x, y, band) && jaccardAtLeast(setOf(x), setOf(y), NEAR_DUPLICATE_JACCARD)) {
            union(compared[x] as number, compared[y] as number);
            break;
          }
      }
      // y's list: every list now of its group, joined (the longer one kept), with y.
      let own: number[] | undefined;
      for (let i = lists.length - 1; i >= 0; i--) {
        const list = lists[i] as number[];
        if (rootOf(list[0] as number) !== rootOf(y)) continue;
        lists.splice(i, 1);
        if (!own) own = list;
        else {
          const [long, short] = own.length >= list.length ? [own, list] : [list, own];
          for (const x of short) long.push(x);
          own = long;
        }
      }
      if (own) own.push(y);
      else own = [y];
      lists.push(own);
    }
  });

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
 * Each article's shingles in text order (`shingleSequence`), from its shared tokens (its words). Views of one array: a typed array apiece is memory outside the heap, slow to get and to free.
 */
function shingleSequences(articles: readonly Article[], terms: ArticleTerms): Uint32Array[] {
  // A text's words are its tokens (fold.ts reads both), ASCII or not.
  const tokens = articles.map((a) => terms.textTokens(a));
  let total = 0;
  for (const ids of tokens) total += shingleCount(ids.length);
  const all = new Uint32Array(total);
  let words = new Uint32Array(1024);
  let at = 0;
  return tokens.map((ids) => {
    if (ids.length > words.length) words = new Uint32Array(2 * ids.length);
    for (let i = 0; i < ids.length; i++) words[i] = terms.hash(ids[i] as number);
    const count = shingleCount(ids.length);
    at += count;
    return shingleSequence(words, ids.length, all.subarray(at - count, at));
  });
}

/** A 32-bit hash of the rows of band `band` of a signature, seeded by the band. */
function bandKey(band: number, signature: Uint32Array): number {
  let h = band;
  for (let row = band * ROWS; row < (band + 1) * ROWS; row++)
    h = Math.imul(h ^ (signature[row] as number), FNV_PRIME) ^ (h >>> 15);
  return h >>> 0;
}

/**
 * Calls `bucket(members, band)` for every set of two or more of the `m` keys of a band that are equal, with their
 * indices in increasing order, band by band (band b's keys are `keys[b * m]` to `keys[(b + 1) * m - 1]`): in one
 * pass a band, each key is chained to the one before it with its value, found in an open-addressing table of
 * values.
 */
function forEachBucket(
  keys: Uint32Array,
  m: number,
  bucket: (members: number[], band: number) => void,
): void {
  let size = 2;
  while (size < 2 * m) size *= 2;
  const mask = size - 1;
  // The last key seen with each slot's value, -1 when free; each key's previous one with its value.
  const last = new Int32Array(size);
  const previous = new Int32Array(m);
  for (let band = 0; band * m < keys.length; band++) {
    const offset = band * m;
    last.fill(-1);
    for (let y = 0; y < m; y++) {
      const key = keys[offset + y] as number;
      // The key is a hash: its low bits pick the slot.
      let slot = key;
      for (; ; slot++) {
        const x = last[slot & mask] as number;
        if (x === -1 || keys[offset + x] === key) break;
      }
      previous[y] = last[slot & mask] as number;
      last[slot & mask] = y;
    }
    // Each value has one slot, holding its last key: its chain, read back, is the bucket.
    for (let slot = 0; slot < size; slot++) {
      const end = last[slot] as number;
      if (end === -1 || previous[end] === -1) continue;
      const members: number[] = [];
      for (let x = end; x !== -1; x = previous[x] as number) members.push(x);
      bucket(members.reverse(), band);
    }
  }
}
