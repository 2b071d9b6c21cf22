type GrowableArray = Int8Array | Uint8Array | Int32Array | Uint32Array | Float64Array;

/** A copy of a typed array with room for `size` entries, the new ones `fill`. */
export function grown<T extends GrowableArray>(array: T, size: number, fill = 0): T {
  const copy = new (array.constructor as new (length: number) => T)(size);
  copy.set(array);
  if (fill !== 0) copy.fill(fill, array.length);
  return copy;
}

/**
 * Puts `id` in an open-addressing table of ids (each stored as id + 1, 0 an empty slot, a power-of-two length)
 * at the first free slot from `hash`.
 */
export function placeInTable(table: Int32Array, hash: number, id: number): void {
  const mask = table.length - 1;
  let slot = hash & mask;
  while (table[slot] !== 0) slot = (slot + 1) & mask;
  table[slot] = id + 1;
}
