/** Line width of the plain-text part, in columns; URLs longer than this stay whole on their own line. */
export const TEXT_WIDTH = 72;

/** Characters a monospaced client draws two columns wide: CJK ideographs, kana, Hangul, CJK and fullwidth punctuation. */
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
/**
 * Where a word without spaces may break: before each Chinese or Japanese character (those scripts put no spaces
 * between words), keeping closing punctuation and the prolonged sound mark with the character before it, so no
 * line starts with 。 or 、. Other runs (Latin, Hangul, which has spaces) stay whole.
 */
const PIECE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60][、。，．！？：；」』）〕］｝〉》】ー…・]*|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60]+/gu;
/** Bidi isolates (view.ts) and other invisible format characters take no room. */
const INVISIBLE = /[\u200b-\u200f\u2066-\u2069]/;

/** Columns a text takes on a line: two for each wide character, none for an invisible one. */
export function textColumns(value: string): number {
  let columns = 0;
  for (const char of value) columns += INVISIBLE.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
  return columns;
}

/**
 * Collapses whitespace and wraps at word boundaries, and between Chinese or Japanese characters, at `width`
 * columns: the first line starts with `first`, the following ones with `rest` (a hanging indent for list items).
 */
export function wrapText(value: string, prefix: { first: string; rest: string }, width = TEXT_WIDTH): string {
  const words = value.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = prefix.first;
  let columns = textColumns(line);
  let empty = true;
  for (const word of words) {
    // Pieces of one word join without a space; a word of Latin letters is a single piece.
    const pieces = WIDE.test(word) ? (word.match(PIECE) ?? [word]) : [word];
    pieces.forEach((piece, i) => {
      const gap = empty || i > 0 ? '' : ' ';
      const size = textColumns(piece);
      if (!empty && columns + gap.length + size > width) {
        lines.push(line);
        line = prefix.rest + piece;
        columns = textColumns(prefix.rest) + size;
      } else {
        line += gap + piece;
        columns += gap.length + size;
      }
      empty = false;
    });
  }
  lines.push(line);
  return lines.join('\n');
}
