/**
 * Dense integer ids for the terms and term pairs of one piece of work (one theme's ranking): counts,
 * weights and "seen" marks then live in typed arrays indexed by id instead of maps keyed by strings.
 * Ids count up from 0 in order of first sight.
 */
export class TermIds {
  private readonly terms = new Map<string, number>();
  private readonly pairs = new Map<number, number>();

  /** How many ids have been given out (terms and pairs share one range). */
  get size(): number {
    return this.terms.size + this.pairs.size;
  }

  term(term: string): number {
    let id = this.terms.get(term);
    if (id === undefined) {
      id = this.size;
      this.terms.set(term, id);
    }
    return id;
  }

  /** The id of an ordered pair of term ids (a bigram). */
  pair(first: number, second: number): number {
    // Exact below 2^26 ids per side, far beyond any theme's vocabulary.
    const key = first * 2 ** 26 + second;
    let id = this.pairs.get(key);
    if (id === undefined) {
      id = this.size;
      this.pairs.set(key, id);
    }
    return id;
  }
}
