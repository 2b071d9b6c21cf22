// Token characters beyond ASCII, shared by every tokeniser of the text stages and by ingest's shingles (no
// dependencies, so the ingest bundle takes nothing else from text/).
//
// A token is a run of word characters, lowercased and folded:
// - ASCII letters and digits, lowercased;
// - letters, marks and decimal digits of any other script (\p{L}, \p{M}, \p{Nd}), lowercased, where Latin and
//   Greek letters with diacritics fold to their base letters (NFD, combining marks U+0300-U+036F dropped:
//   "café" -> "cafe", "Erdoğan" -> "erdogan", "İ" -> "i"), and the few letters NFD does not decompose to
//   their ASCII spelling ("ß" -> "ss", "æ" -> "ae", "ø" -> "o", "ł" -> "l", "đ" -> "d", "þ" -> "th",
//   "œ" -> "oe"); Cyrillic "ё" is "е", Greek final "ς" is "σ", full-width ASCII ("Ａ１") is ASCII, and a
//   decimal digit of any script is its ASCII digit ("٢٠٢٤" -> "2024", "२" -> "2").
// - Han, Hiragana and Katakana (written without spaces between words) are runs of their own, read as
//   overlapping character bigrams ("北京大学" -> "北京", "京大", "大学"; a run of one character is itself), as
//   Lucene's CJK analyzer reads them. A mark after such a character is part of it: a kana voicing mark
//   composes with it ("か" + U+3099 is "が"), any other (a variation selector) is dropped; a variation
//   selector elsewhere is in no token either.
// ASCII characters are never looked up here: callers test them by their code first.

/** `tokenClass` of a character that is in no token. */
export const NOT_TOKEN = 1;
/** `tokenClass` of a word character beyond ASCII: it joins the letters and digits around it. */
export const WORD = 2;
/** `tokenClass` of a Han, Hiragana or Katakana character: its run is read as bigrams. */
export const CJK = 3;

/** Per BMP code unit: 0 until first asked, else its class. */
const classes = new Uint8Array(0x10000);
const folds = new Map<number, string>();

const WORD_CHAR = /[\p{L}\p{M}\p{Nd}]/u;
/** With WORD_CHAR: Han, Hiragana, Katakana and the Katakana prolonged sound mark (half-width too). */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc\uff70]/u;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Letters NFD leaves whole, by their lowercase: their ASCII spelling (or, for "ς", the form of "Σ"). */
const SPELLED: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  þ: 'th',
  œ: 'oe',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ĳ: 'ij',
  ŀ: 'l',
  ŉ: 'n',
  ŋ: 'n',
  ſ: 's',
  ŧ: 't',
  ƀ: 'b',
  ƒ: 'f',
  ɨ: 'i',
  ʉ: 'u',
  ƶ: 'z',
  ς: 'σ',
};

/** The class of a code point beyond ASCII: NOT_TOKEN, WORD or CJK. */
export function tokenClass(code: number): number {
  if (code > 0xffff) return classify(code);
  let known = classes[code] as number;
  if (known === 0) {
    known = classify(code);
    classes[code] = known;
  }
  return known;
}

function classify(code: number): number {
  const char = String.fromCodePoint(code);
  if (!WORD_CHAR.test(char)) return NOT_TOKEN;
  return CJK_CHAR.test(char) ? CJK : WORD;
}

/** What a WORD code point is in a token: lowercased and folded ('' for a combining diacritic). */
export function foldOf(code: number): string {
  let fold = folds.get(code);
  if (fold === undefined) {
    fold = foldChar(code);
    // Bounded: a text of every code point cannot grow the table without limit.
    if (folds.size < 20_000) folds.set(code, fold);
  }
  return fold;
}

function foldChar(code: number): string {
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0).toLowerCase();
  if (DECIMAL_DIGIT.test(String.fromCodePoint(code))) return String(digitValue(code));
  // Variation selectors choose a glyph ("⚠️", "葛󠄀"): no part of a word.
  if ((code >= 0xfe00 && code <= 0xfe0f) || (code >= 0xe0100 && code <= 0xe01ef)) return '';
  const lower = String.fromCodePoint(code).toLowerCase();
  const spelled = SPELLED[lower];
  if (spelled !== undefined) return spelled;
  if (!isFoldedRange(code)) return lower;
  const base = lower.normalize('NFD').replace(COMBINING_MARKS, '');
  return SPELLED[base] ?? base;
}

/**
 * The value of a decimal digit of any script: Unicode puts each script's digits 0 to 9 in a row of ten, and rows
 * side by side (the mathematical digits) each start at a 0, so it is its distance from where its run of digits
 * starts, modulo 10.
 */
function digitValue(code: number): number {
  let start = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}

/** Latin (with İ, K and Å signs), Greek, combining diacritics and Cyrillic "ё": where diacritics are dropped. */
function isFoldedRange(code: number): boolean {
  return (
    (code >= 0xc0 && code <= 0x24f) ||
    (code >= 0x300 && code <= 0x3ff) ||
    (code >= 0x1e00 && code <= 0x1fff) ||
    code === 0x401 ||
    code === 0x451 ||
    code === 0x212a ||
    code === 0x212b
  );
}

/** Whether an ASCII code is a letter or digit: a token character. */
export function isAsciiTokenCode(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 97 && lower <= 122) || (code >= 48 && code <= 57);
}

/**
 * The class of the character at `text[at]` (a code unit beyond ASCII): a surrogate pair is read whole, up
 * to `to`; a lone surrogate is in no token.
 */
export function classAt(text: string, at: number, to = text.length): number {
  const code = text.codePointAt(at) as number;
  if (code > 0xffff && at + 2 > to) return NOT_TOKEN;
  return tokenClass(code);
}

/** Whether `text[at]` (any code unit, or NaN outside the text) is a token character. */
export function isTokenCharAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return isAsciiTokenCode(code);
  // NaN (outside the text) is in no token.
  if (!(code >= 128)) return false;
  // A low surrogate: the pair it ends is read from its start.
  if (code >= 0xdc00 && code <= 0xdfff && at > 0) {
    const high = text.charCodeAt(at - 1);
    if (high >= 0xd800 && high <= 0xdbff) return classAt(text, at - 1) !== NOT_TOKEN;
  }
  return classAt(text, at) !== NOT_TOKEN;
}

/**
 * Whether a cut between `text[at - 1]` and `text[at]` falls inside a token: both are token characters of
 * one run (a CJK run and a word run meet without a cut inside a token).
 */
export function cutsToken(text: string, at: number): boolean {
  if (!isTokenCharAt(text, at - 1) || !isTokenCharAt(text, at)) return false;
  // A mark after a Han or Kana character (after the marks that follow it) is part of it (readRun).
  if (followsCjkAsMark(text, at)) return true;
  return isCjkAt(text, at - 1) === isCjkAt(text, at);
}

/** Whether `text[at]` is a combining mark that the nearest character before it other than a mark is a Han or Kana one. */
function followsCjkAsMark(text: string, at: number): boolean {
  let i = at;
  for (;;) {
    const code = text.codePointAt(i) as number;
    if (!(code >= 0x300 && isMarkAt(text, i, code, text.length))) return i < at && isCjkAt(text, i);
    if (i === 0) return false;
    const low = text.charCodeAt(i - 1);
    const high = i >= 2 ? text.charCodeAt(i - 2) : 0;
    i -= low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? 2 : 1;
  }
}

function isCjkAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return false;
  if (code >= 0xdc00 && code <= 0xdfff && at > 0) {
    const high = text.charCodeAt(at - 1);
    if (high >= 0xd800 && high <= 0xdbff) return classAt(text, at - 1) === CJK;
  }
  return classAt(text, at) === CJK;
}

/**
 * Reads the run of token characters that starts at `text[start]` (a token character), up to `to`, and calls
 * `emit` with each of its tokens: a word run gives one (none when it is only combining diacritics), a CJK
 * run its bigrams. Returns where the run ends.
 */
export function readRun(text: string, start: number, to: number, emit: (token: string) => void): number {
  let i = start;
  const first = text.charCodeAt(start);
  if (first >= 128 && classAt(text, start, to) === CJK) {
    let previous = '';
    let count = 0;
    while (i < to) {
      const code = text.codePointAt(i) as number;
      if (code < 128 || classAt(text, i, to) !== CJK) break;
      const width = code > 0xffff ? 2 : 1;
      let char = text.slice(i, i + width);
      i += width;
      // The marks after it are part of it: a kana voicing mark composes with it (か + ゙ is が), any other
      // (a variation selector: 葛󠄀 is 葛) is dropped, so no bigram is broken and no mark is a token.
      for (let mark = text.codePointAt(i) as number; i < to && isMarkAt(text, i, mark, to); ) {
        if (mark === 0x3099 || mark === 0x309a) {
          const composed = `${char}${String.fromCharCode(mark)}`.normalize('NFC');
          if (composed.length === char.length) char = composed;
        }
        i += mark > 0xffff ? 2 : 1;
        mark = text.codePointAt(i) as number;
      }
      if (count > 0) emit(previous + char);
      previous = char;
      count++;
    }
    if (count === 1) emit(previous);
    return i;
  }
  let token = '';
  while (i < to) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      if (!isAsciiTokenCode(code)) break;
      token += String.fromCharCode(code | (code >= 65 ? 0x20 : 0));
      i++;
      continue;
    }
    const point = text.codePointAt(i) as number;
    if (classAt(text, i, to) !== WORD) break;
    token += foldOf(point);
    i += point > 0xffff ? 2 : 1;
  }
  if (token !== '') emit(token);
  return i;
}

/** Whether `code`, the code point at `text[at]`, is a combining mark (read whole up to `to`). */
function isMarkAt(text: string, at: number, code: number, to: number): boolean {
  return code >= 0x300 && classAt(text, at, to) === WORD && MARK.test(String.fromCodePoint(code));
}

const MARK = /^\p{M}$/u;

/** Calls `emit` with each token of `text[from .. to - 1]`, in order. */
export function forEachToken(text: string, from: number, to: number, emit: (token: string) => void): void {
  let i = from;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (code < 128 ? isAsciiTokenCode(code) : classAt(text, i, to) !== NOT_TOKEN)
      i = readRun(text, i, to, emit);
    else i++;
  }
}

/**
 * A word lowercased, its letters folded as tokens fold them ("Pérez" -> "perez", "STRASSE" and "Straße" ->
 * "strasse"); characters in no token (an apostrophe, a hyphen) are kept. A key under which two spellings
 * of a word meet.
 */
export function foldedLowercase(word: string): string {
  return foldLetters(word.toLowerCase());
}

/**
 * `word` with its word characters beyond ASCII folded (`foldOf`, which lowercases them too), the rest as it
 * is: the word itself when it has none (most words, a curly apostrophe and all).
 */
export function foldLetters(word: string): string {
  let i = 0;
  while (i < word.length && (word.charCodeAt(i) < 128 || classAt(word, i) !== WORD)) i++;
  if (i === word.length) return word;
  let out = word.slice(0, i);
  while (i < word.length) {
    const code = word.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    out += code >= 128 && classAt(word, i) === WORD ? foldOf(code) : word.slice(i, i + width);
    i += width;
  }
  return out;
}

/**
 * Whether a text has a token character beyond ASCII (a letter, mark or digit of any script but a-z0-9).
 * Only the characters beyond ASCII are looked at.
 */
export function hasTokenCharBeyondAscii(text: string): boolean {
  BEYOND_ASCII.lastIndex = 0;
  for (let found = BEYOND_ASCII.exec(text); found; found = BEYOND_ASCII.exec(text))
    if (classAt(text, found.index) !== NOT_TOKEN) return true;
  return false;
}

/** How many Han, Hiragana and Katakana characters a text has. */
export function cjkCharacters(text: string): number {
  let count = 0;
  BEYOND_ASCII.lastIndex = 0;
  for (let found = BEYOND_ASCII.exec(text); found; found = BEYOND_ASCII.exec(text))
    if (classAt(text, found.index) === CJK) count++;
  return count;
}

const BEYOND_ASCII = /[^\0-\x7f]/g;
