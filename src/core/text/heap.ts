/** A binary max-heap ordered by `before(a, b)` (true when a comes out first). */
export class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  // Both sifts move the other items along the path and write the moving one once at its place: the same
  // layout as swapping at each step, without the swaps.
  push(item: T): void {
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, items[parent] as T)) break;
      items[i] = items[parent] as T;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first: T = last;
      let at = i;
      if (left < items.length && this.before(items[left] as T, first)) {
        first = items[left] as T;
        at = left;
      }
      if (right < items.length && this.before(items[right] as T, first)) at = right;
      if (at === i) break;
      items[i] = items[at] as T;
      i = at;
    }
    items[i] = last;
    return top;
  }
}
