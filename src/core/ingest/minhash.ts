// MinHash signatures of word shingles, for near-duplicate detection. Deterministic: fixed seeds, no Math.random.

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

/**
 * Whether a text's words are its tokens (ArticleTerms, `words` in tokens.ts): no letter or digit beyond
 * ASCII, so `shinglesOfWords` of its tokens' hashes is `shingleHashes(text)`.
 */
export function hasAsciiWordsOnly(text: string): boolean {
  // Most texts have a few non-ASCII runs (quotes, dashes): only those are tested for letters.
  return !text.match(NON_ASCII_RUN)?.some((run) => WORD_CHAR.test(run));
}

const NON_ASCII_RUN = /[^\0-\x7f]+/g;

/** The set of word shingles of a text given as its words' FNV-1a hashes, each as a 32-bit hash, sorted. */
export function shinglesOfWords(words: ArrayLike<number>): Uint32Array {
  const width = Math.min(SHINGLE_WORDS, words.length);
  const hashes = new Uint32Array(Math.max(0, words.length - width + 1));
  for (let i = 0; i < hashes.length; i++) {
    // Order-sensitive combination of the shingle's word hashes, without building the shingle string.
    let h = 0x9e3779b9;
    for (let k = 0; k < width; k++) h = mix32(Math.imul(h, 31) + (words[i + k] ?? 0));
    hashes[i] = h;
  }
  hashes.sort();
  // Deduplicate in place: shingles form a set.
  let size = 0;
  for (let i = 0; i < hashes.length; i++)
    if (i === 0 || hashes[i] !== hashes[i - 1]) hashes[size++] = hashes[i] ?? 0;
  return hashes.slice(0, size);
}

/**
 * MinHash signature by one-permutation hashing with rotation densification (Shrivastava and Li, 2014):
 * each shingle is hashed once into one of SIGNATURE_LENGTH bins, each bin keeps its minimum, and empty
 * bins borrow from the next filled one. Same collision property as k independent hashes at 1/k the cost.
 */
export function minHashSignature(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_LENGTH).fill(EMPTY);
  for (const shingle of shingles) {
    const h = mix32(shingle ^ SEED);
    const bin = h >>> BIN_SHIFT;
    const value = h & VALUE_MASK;
    if (value < (signature[bin] ?? EMPTY)) signature[bin] = value;
  }
  if (shingles.length === 0) return signature;
  for (let bin = 0; bin < SIGNATURE_LENGTH; bin++) {
    if (signature[bin] !== EMPTY) continue;
    let distance = 1;
    while (signature[(bin + distance) % SIGNATURE_LENGTH] === EMPTY) distance++;
    // The offset keeps borrowed values apart from the lender's own, as the densification scheme requires.
    signature[bin] =
      ((signature[(bin + distance) % SIGNATURE_LENGTH] ?? 0) + distance * DENSIFY_OFFSET) >>> 0;
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
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else {
      if (x < y) i++;
      else j++;
      // The most it can still reach: every shingle left in the smaller rest shared. The ratio only grows
      // with the shared count, so below the threshold here is below it at the end.
      const most = shared + Math.min(a.length - i, b.length - j);
      if (most / (total - most) < threshold) return false;
    }
  }
  return shared / (total - shared) >= threshold;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * FNV-1a hash of each lower-cased word (a run of letters and digits), computed while scanning the text so
 * no word string is built: dedup reads every article of a run.
 */
function wordHashes(text: string): number[] {
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
      const char = text.charAt(i);
      wordChar = WORD_CHAR.test(char);
      if (wordChar) c = char.toLowerCase().charCodeAt(0);
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
  return hashes;
}

/** murmur3's finaliser: a fast, well-mixed 32-bit permutation. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
