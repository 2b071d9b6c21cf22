import { grown, placeInTable } from './typed-arrays.ts';

/**
 * Dense ids for ordered pairs of term ids (ArticleTerms ids), in order of first sight from 0: counts,
 * weights and "seen" marks of one piece of work (one theme's bigrams) then live in typed arrays indexed by
 * pair id. An open-addressing table of typed arrays: no key is allocated per lookup.
 */
export class PairIds {
  private firsts = new Int32Array(INITIAL);
  private seconds = new Int32Array(INITIAL);
  /** Pair id + 1 per slot, 0 when free. */
  private slots = new Int32Array(INITIAL * 2);
  private count = 0;

  /** How many ids have been given out. */
  get size(): number {
    return this.count;
  }

  /** The id of the pair (first, second), given out on first sight. */
  id(first: number, second: number): number {
    const mask = this.slots.length - 1;
    let slot = hash(first, second) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.firsts[entry - 1] === first && this.seconds[entry - 1] === second) return entry - 1;
    }
    const id = this.count++;
    if (id === this.firsts.length) {
      this.grow();
      placeInTable(this.slots, hash(first, second), id);
    } else this.slots[slot] = id + 1;
    this.firsts[id] = first;
    this.seconds[id] = second;
    return id;
  }

  /** Doubles the arrays and places the ids given out before the newest again. */
  private grow(): void {
    const size = this.firsts.length * 2;
    this.firsts = grown(this.firsts, size);
    this.seconds = grown(this.seconds, size);
    // At most half full, so a probe ends soon.
    this.slots = new Int32Array(size * 2);
    for (let id = 0; id < this.count - 1; id++)
      placeInTable(this.slots, hash(this.firsts[id] as number, this.seconds[id] as number), id);
  }
}

const INITIAL = 1024;

function hash(first: number, second: number): number {
  const h = Math.imul(first, 0x9e3779b1) ^ Math.imul(second + 0x7f4a7c15, 0x85ebca77);
  return h ^ (h >>> 15);
}
