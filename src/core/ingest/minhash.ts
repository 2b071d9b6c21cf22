// MinHash signatures of word shingles, for near-duplicate detection. Deterministic: fixed seeds, no Math.random.
import { normaliseForHash } from './hash.ts';

/** Words per shingle: long enough that two outlets' own wording rarely shares one. */
export const SHINGLE_WORDS = 5;
/** Signature length; the LSH bands split it (bands x rows). */
export const SIGNATURE_LENGTH = 128;

const SEEDS = seededIntegers(0x5eed_d16e, SIGNATURE_LENGTH);

/** The set of word shingles of a text, each as a 32-bit hash. */
export function shingleHashes(text: string): Uint32Array {
  const words =
    normaliseForHash(text)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const hashes = new Set<number>();
  const width = Math.min(SHINGLE_WORDS, words.length);
  for (let i = 0; i + width <= words.length && width > 0; i++)
    hashes.add(fnv1a(words.slice(i, i + width).join(' ')));
  return Uint32Array.from([...hashes].sort((a, b) => a - b));
}

/** MinHash signature: for each seeded hash function, the smallest value over the shingles. */
export function minHashSignature(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_LENGTH).fill(0xffffffff);
  for (let s = 0; s < SIGNATURE_LENGTH; s++) {
    const seed = SEEDS[s] ?? 0;
    let min = 0xffffffff;
    for (const shingle of shingles) {
      const h = mix32(shingle ^ seed);
      if (h < min) min = h;
    }
    signature[s] = min;
  }
  return signature;
}

/** Exact Jaccard similarity of two sorted shingle sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) {
      shared++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
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

/** mulberry32: a fixed sequence of seeds from one constant. */
function seededIntegers(seed: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) >>> 0;
  }
  return out;
}
