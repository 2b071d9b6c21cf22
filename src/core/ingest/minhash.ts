// MinHash signatures of word shingles, for near-duplicate detection. Deterministic: fixed seeds, no Math.random.

import { FNV_OFFSET, FNV_PRIME } from '../text/fnv.ts';
import { classAt, forEachToken, NOT_TOKEN } from '../text/fold.ts';

/** Words per shingle: long enough that two outlets' own wording rarely shares one. */
export const SHINGLE_WORDS = 5;
/** Signature length; the LSH bands split it (bands x rows). */
export const SIGNATURE_LENGTH = 128;

// SIGNATURE_LENGTH = 2^7 bins: the top 7 bits of a shingle's hash pick its bin, the other 25 are its value.
const BIN_SHIFT = 25;
const VALUE_MASK = (1 << BIN_SHIFT) - 1;
const EMPTY = 0xffffffff;
const DENSIFY_OFFSET = 1 << BIN_SHIFT;
/** Fixed seed: signatures are the same on every run and machine. */
const SEED = 0x5eedd16e;

/** The set of word shingles of a text, each as a 32-bit hash, sorted. */
export function shingleHashes(text: string): Uint32Array {
  return shinglesOfWords(wordHashes(text));
}

/** The set of word shingles of a text given as its words' FNV-1a hashes, each as a 32-bit hash, sorted. */
export function shinglesOfWords(words: Uint32Array): Uint32Array {
  return shingleSet(shingleSequence(words));
}

/** How many shingles `count` words make (one when there are fewer words than a shingle takes). */
export function shingleCount(count: number): number {
  return Math.max(0, count - Math.min(SHINGLE_WORDS, count) + 1);
}

/**
 * The word shingles of a text given as its words' FNV-1a hashes (the first `count` of `words`), each as a
 * 32-bit hash, in text order, repeats kept: `shingleSet` makes them the set; `minHashSignature` takes
 * them as they are. Written into `into` when given (`shingleCount(count)` long).
 */
export function shingleSequence(
  words: Uint32Array,
  count = words.length,
  into = new Uint32Array(shingleCount(count)),
): Uint32Array {
  const width = Math.min(SHINGLE_WORDS, count);
  for (let i = 0; i < into.length; i++) {
    // Order-sensitive combination of the shingle's word hashes, without building the shingle string.
    let h = 0x9e3779b9;
    for (let k = 0; k < width; k++) h = mix32(Math.imul(h, 31) + (words[i + k] as number));
    into[i] = h;
  }
  return into;
}

/**
 * Shingles made a set, in place: sorted, repeats dropped; returns the part of `shingles` that holds the
 * set. A bucket sort, as shingles are uniform 32-bit hashes: each goes to the bucket of its top bits
 * (about one a bucket), then an insertion sort puts each bucket in order (about twice as fast as the
 * built-in sort on a few hundred shingles).
 */
export function shingleSet(shingles: Uint32Array): Uint32Array {
  const n = shingles.length;
  // At least one bit: a shift by 32 is a shift by 0 in JavaScript.
  let bits = 1;
  while (bits < MAX_BUCKET_BITS && 1 << bits < n) bits++;
  const shift = 32 - bits;
  // Scratch reused across calls: a fresh typed array is memory outside the heap, slow to get and free.
  // ends[b + 1] counts bucket b's shingles, then sums to where it starts; placing a shingle moves it on.
  if (bucketEnds.length < (1 << bits) + 1) bucketEnds = new Int32Array((1 << bits) + 1);
  const ends = bucketEnds.fill(0, 0, (1 << bits) + 1);
  let fullest = 0;
  for (let i = 0; i < n; i++) {
    const b = ((shingles[i] as number) >>> shift) + 1;
    const size = (ends[b] as number) + 1;
    ends[b] = size;
    if (size > fullest) fullest = size;
  }
  let sorted: Uint32Array;
  if (fullest > MAX_BUCKET_SIZE) {
    // A crafted text could fill one bucket: the built-in sort keeps that n log n.
    sorted = shingles.sort();
  } else {
    if (bucketed.length < n) bucketed = new Uint32Array(2 * n);
    sorted = bucketed;
    for (let b = 1; b <= 1 << bits; b++) ends[b] = (ends[b] as number) + (ends[b - 1] as number);
    for (let i = 0; i < n; i++) {
      const shingle = shingles[i] as number;
      const b = shingle >>> shift;
      const at = ends[b] as number;
      sorted[at] = shingle;
      ends[b] = at + 1;
    }
    // No shingle moves past its bucket: each moves at most MAX_BUCKET_SIZE places.
    for (let i = 1; i < n; i++) {
      const shingle = sorted[i] as number;
      let at = i;
      for (; at > 0 && (sorted[at - 1] as number) > shingle; at--) sorted[at] = sorted[at - 1] as number;
      sorted[at] = shingle;
    }
  }
  // Back into `shingles` (already there after the built-in sort), each shingle once.
  let size = 0;
  for (let i = 0; i < n; i++) {
    const shingle = sorted[i] as number;
    if (size === 0 || shingles[size - 1] !== shingle) shingles[size++] = shingle;
  }
  return shingles.subarray(0, size);
}

/** Buckets of `shingleSet`: at most 2^16, so a huge text's shingles take a few to a bucket. */
const MAX_BUCKET_BITS = 16;
/** Grown to the buckets a call needs: a Lambda that never dedups a long text never holds the 256 KB of 2^16. */
let bucketEnds = new Int32Array(0);
let bucketed = new Uint32Array(1024);
/** Past this many shingles in one bucket (a few, by chance), `shingleSet` sorts with the built-in sort. */
const MAX_BUCKET_SIZE = 64;

/**
 * MinHash signature by one-permutation hashing with rotation densification (Shrivastava and Li, 2014):
 * each shingle is hashed once into one of SIGNATURE_LENGTH bins, each bin keeps its minimum, and empty
 * bins borrow from the next filled one. Same collision property as k independent hashes at 1/k the cost.
 * `shingles` may repeat a shingle (`shingleSequence`): the minima are those of the set. Written into
 * `signature` when given (SIGNATURE_LENGTH long).
 */
export function minHashSignature(
  shingles: Uint32Array,
  signature = new Uint32Array(SIGNATURE_LENGTH),
): Uint32Array {
  signature.fill(EMPTY);
  for (let i = 0; i < shingles.length; i++) {
    const h = mix32((shingles[i] as number) ^ SEED);
    const bin = h >>> BIN_SHIFT;
    const value = h & VALUE_MASK;
    if (value < (signature[bin] as number)) signature[bin] = value;
  }
  if (shingles.length === 0) return signature;
  for (let bin = 0; bin < SIGNATURE_LENGTH; bin++) {
    if (signature[bin] !== EMPTY) continue;
    let distance = 1;
    while (signature[(bin + distance) % SIGNATURE_LENGTH] === EMPTY) distance++;
    // The offset keeps borrowed values apart from the lender's own, as the densification scheme requires.
    signature[bin] =
      ((signature[(bin + distance) % SIGNATURE_LENGTH] as number) + distance * DENSIFY_OFFSET) >>> 0;
  }
  return signature;
}

/**
 * Whether the Jaccard similarity of two sorted shingle sets is at least `threshold`: `jaccard(a, b) >=
 * threshold`, stopping as soon as the shingles left cannot bring it there (most candidate pairs).
 */
export function jaccardAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  if (a.length === 0 && b.length === 0) return 1 >= threshold;
  const total = a.length + b.length;
  // The fewest shared shingles whose ratio is not below the threshold. The ratio only grows with the
  // shared count, so once all the shingles left in the smaller rest, shared, cannot make that many, the
  // answer is no (most candidate pairs). Found with the ratio itself, so rounding cannot move the bound.
  const reaches = (shared: number) => !(shared / (total - shared) < threshold);
  let need = Math.min(total, Math.max(0, Math.floor((threshold * total) / (1 + threshold))));
  while (need > 0 && reaches(need - 1)) need--;
  while (need < total && !reaches(need)) need++;
  // Equivalently, the shingles each set may pass unshared before it stops.
  const spareA = a.length - need;
  const spareB = b.length - need;
  if (spareA < 0 || spareB < 0) return false;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) {
      if (++i - shared > spareA) return false;
    } else if (x > y) {
      if (++j - shared > spareB) return false;
    } else {
      shared++;
      i++;
      j++;
    }
  }
  return shared / (total - shared) >= threshold;
}

/**
 * FNV-1a hash of each word, the text's tokens (`words` in tokens.ts, fold.ts): in ASCII text, computed while
 * scanning the text so no word string is built (dedup reads every article of a run); a text with a token
 * character beyond ASCII is read by fold.ts.
 */
function wordHashes(text: string): Uint32Array {
  const hashes: number[] = [];
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    let wordChar: boolean;
    if (c < 128) {
      if (c >= 65 && c <= 90) c += 32;
      wordChar = (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
    } else {
      if (classAt(text, i) !== NOT_TOKEN) return foldedWordHashes(text);
      wordChar = false;
    }
    if (wordChar) {
      if (!inWord) h = FNV_OFFSET;
      h = Math.imul(h ^ c, FNV_PRIME);
      inWord = true;
    } else if (inWord) {
      hashes.push(h >>> 0);
      inWord = false;
    }
  }
  if (inWord) hashes.push(h >>> 0);
  return Uint32Array.from(hashes);
}

/** `wordHashes` of a text with token characters beyond ASCII: each token's string hashed. */
function foldedWordHashes(text: string): Uint32Array {
  const hashes: number[] = [];
  forEachToken(text, 0, text.length, (token) => {
    let h = FNV_OFFSET;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
    hashes.push(h >>> 0);
  });
  return Uint32Array.from(hashes);
}

/**
 * murmur3's finaliser: a fast, well-mixed 32-bit permutation. As a signed 32-bit integer, so it stays a
 * small integer to the engine (no boxed number); callers use its bits.
 */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
