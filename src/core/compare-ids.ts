/**
 * The one order of ids, keys and ISO timestamps: UTF-16 code units, the same on every machine. localeCompare
 * follows the runtime's locale data (case, punctuation), so a digest built in Lambda could differ from the preview.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
