import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (tokens, keys, signatures) are equal, in time that tells a guesser nothing: both are
 * hashed to equal-length digests first, so neither their content nor their lengths show in the time taken.
 */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
