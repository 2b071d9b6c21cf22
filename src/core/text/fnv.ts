/** FNV-1a, 32-bit: `hash = Math.imul(hash ^ unit, FNV_PRIME)` per unit, from FNV_OFFSET. Cheap and good enough for table slots and shingles. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;
