import { stemmer } from 'stemmer';
import { isSpace } from './chars.ts';
import { forEachToken } from './fold.ts';
import { STOPWORDS } from './stopwords.ts';

const stems = new Map<string, string>();

/**
 * The tokens of a text: lowercase runs of a-z0-9 in ASCII text (the tokenisation ROUGE uses); beyond ASCII,
 * letters with diacritics folded to their base letters, other scripts' letters and digits in runs, Han and
 * Kana runs as bigrams (fold.ts).
 */
export function words(text: string): string[] {
  if (NON_ASCII.test(text)) {
    const tokens: string[] = [];
    forEachToken(text, 0, text.length, (token) => tokens.push(token));
    return tokens;
  }
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * Porter stem of a lowercase token; tokens of 3 characters or fewer are kept as they are (ROUGE-1.5.5 style),
 * and so are tokens with a character beyond ASCII (another script's word: the stemmer knows English only).
 */
export function stem(token: string): string {
  if (token.length <= 3) return token;
  let stemmed = stems.get(token);
  if (stemmed === undefined) {
    stemmed = NON_ASCII.test(token) ? token : stemmer(token);
    // Bounded so a 10,000-article run cannot grow the memo without limit.
    if (stems.size < 200_000) stems.set(token, stemmed);
  }
  return stemmed;
}

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/** Token -> its content term, or '' when it is none: one lookup per token instead of three tests and a stem. */
const contentTermOf = new Map<string, string>();

/** Whether a lowercase token carries content: not a stopword, a single character or a bare number of 1 to 3 digits. */
export function isContentToken(token: string): boolean {
  return token.length >= 2 && !STOPWORDS.has(token) && !/^\d{1,3}$/.test(token);
}

/** Stemmed content terms of a text: no stopwords, no one-character tokens, no bare numbers. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of words(text)) {
    let term = contentTermOf.get(token);
    if (term === undefined) {
      term = isContentToken(token) ? stem(token) : '';
      // Bounded like the stems.
      if (contentTermOf.size < 200_000) contentTermOf.set(token, term);
    }
    if (term !== '') terms.push(term);
  }
  return terms;
}

/** Number of whitespace-separated words, the unit of every word budget. */
export function wordCount(text: string): number {
  // Counts the starts of runs of non-space characters: what `trim().split(/\s+/)` counts, without the copies.
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/**
 * A form of a text in which near-identical copies of a sentence compare equal: case, punctuation,
 * quote styles and spacing are dropped.
 */
export function normaliseForMatch(text: string): string {
  const lower = text.toLowerCase();
  // ASCII text (most of it) has no letters or digits beyond a-z and 0-9: a plain pattern, much faster.
  const other = NON_ASCII.test(lower) ? /[^\p{L}\p{N}]+/gu : /[^a-z0-9]+/g;
  return lower.replace(other, ' ').trim();
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * `text` without the characters matching `edge` (a one-character pattern) at its start and end. A loop,
 * because `[...]+$` scanned from every start position is quadratic on a long run of such characters.
 */
export function trimWhere(text: string, edge: RegExp, ends: 'start' | 'end' | 'both' = 'both'): string {
  // Steps by code point (a surrogate pair is one character) without copying the text.
  let start = 0;
  let end = text.length;
  if (ends !== 'end')
    while (start < end) {
      const width = (text.codePointAt(start) as number) > 0xffff ? 2 : 1;
      if (!edge.test(text.slice(start, start + width))) break;
      start += width;
    }
  if (ends !== 'start')
    while (end > start) {
      const low = text.charCodeAt(end - 1);
      const width =
        low >= 0xdc00 &&
        low <= 0xdfff &&
        end - 2 >= start &&
        text.charCodeAt(end - 2) >= 0xd800 &&
        text.charCodeAt(end - 2) <= 0xdbff
          ? 2
          : 1;
      if (!edge.test(text.slice(end - width, end))) break;
      end -= width;
    }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * The start of `text` up to and including its `count`-th whitespace-separated word (all of it when it has
 * fewer): work that reads an article's words stays bounded on a huge one. Linear: one scan, no backtracking.
 */
export function firstWords(text: string, count: number): string {
  // Words are at least one character apart: a text this short cannot have `count` of them (most calls).
  if ((text.length + 1) / 2 < count) return text;
  const word = /\S+/g;
  for (let n = 0; n < count; n++) if (!word.exec(text)) return text;
  return text.slice(0, word.lastIndex);
}
