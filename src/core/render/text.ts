/** Line width of the plain-text part; URLs longer than this stay whole on their own line. */
export const TEXT_WIDTH = 72;

/**
 * Collapses whitespace and wraps at word boundaries: the first line starts with `first`, the following
 * ones with `rest` (a hanging indent for list items).
 */
export function wrapText(value: string, prefix: { first: string; rest: string }, width = TEXT_WIDTH): string {
  const words = value.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = prefix.first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix.rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
