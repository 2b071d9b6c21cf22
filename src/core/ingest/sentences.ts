// Sentence splitting: ICU's Unicode sentence segmenter (UAX #29, built into Node and Lambda, nothing to
// bundle) proposes boundaries; news-specific rules then undo the ones that are not sentence ends.
import { isAsciiLetter, isSpace } from '../text/chars.ts';

/**
 * Made on first use: creating it costs about 20 ms (ICU's data), and a paragraph of KNOWN_CHARACTERS never needs it
 * (sentenceBoundaries).
 */
let segmenter: Intl.Segmenter | undefined;
/**
 * A sentence-ending mark followed by a space, or a Chinese or Japanese one followed by anything (those scripts put
 * no space between sentences): only then can a paragraph hold more than one sentence.
 */
const INNER_STOP = /[.!?…]["'”’)\]]*\s|[。！？]./;

/** Titles that precede a name: never a sentence end. */
const TITLES = new Set(
  'Mr Mrs Ms Mx Dr Prof Gen Lt Col Maj Capt Cpt Sgt Cpl Pvt Adm Cmdr Brig Gov Sen Rep Rev Hon Pres Supt Insp Det Const Dep Dist Fr Msgr Amb Atty Sec St Mt Ft Messrs Mme Mlle'.split(
    ' ',
  ),
);
/** Abbreviations before a reference such as "No. VA089897" or "Art. 5a". */
const BEFORE_REFERENCE = new Set('No Nos Vol Art Fig Ref'.split(' '));
/** Abbreviations that end a sentence only when a typical sentence opener follows ("Apple Inc. fell" vs "Inc. He"). */
const COMPANY_AND_MISC = new Set('Inc Corp Co Ltd Plc Bros Jr Sr vs etc approx est dept'.split(' '));
/** Verbs of saying that follow a quotation's speaker ("Vanore said.", "Colts interim coach Bruce Arians asked."). */
const REPORTING_VERBS = new Set(
  'said says told asked added recalled tweeted wrote explained noted stated insisted replied shouted continued argued joked'.split(
    ' ',
  ),
);
/** Words an attribution after a quotation runs to at most ("team president Billy King said on Tuesday."). */
const MAX_ATTRIBUTION_WORDS = 10;
/** Words that commonly open a sentence: after an ambiguous abbreviation they mark a real boundary. */
const SENTENCE_OPENERS = new Set(
  `The A An He She It They We I You His Her Its Their Our My This That These Those There Here In On At By For From
  With After Before During When While If As But And Or So Yet However Meanwhile According Some Many Most All No Not
  One Two Three Officials Police Earlier Later Last Next Now Then Today Yesterday Also Although Though Since Because
  What Why How Who Where Which Despite Under Over Both Each Such Other Others More Several Still Even Only Asked`.split(
    /\s+/,
  ),
);

// Unicode classes as constants, made once: an esbuild build for Node without `supported` set for them rewrites a
// `\p{…}` literal into a `new RegExp` call made at every call (both of ours set it).
const LETTER = /\p{L}/u;
const NOT_LETTERS = /[^\p{L}]/gu;
const ONE_LETTER = /^\p{L}$/u;
const CAPITAL_FIRST = /^\p{Lu}/u;
const LOWER_CASE_OR_DIGIT_FIRST = /^[\p{Ll}\d]/u;
/** An initial such as "A." opening a word. */
const INITIAL_FIRST = /^\p{Lu}\./u;
/** "U.S", "p.m": letters joined by full stops (the last one taken off). */
const INITIALISM = /^(?:\p{L}\.)+\p{L}$/u;

/**
 * Splits one paragraph into sentences. Each sentence is an exact substring of `paragraph` (trimmed), so
 * text quoted from it can be found in the article again.
 */
export function splitSentences(paragraph: string): string[] {
  // Most lines hold one sentence (the eval corpora have one per line): no inner stop, nothing to segment.
  if (!INNER_STOP.test(paragraph.trimEnd()) || isOneSentence(paragraph))
    return hasLetter(paragraph) ? [paragraph.trim()] : [];
  const quotes = quotationRanges(paragraph);
  const pieces: { start: number; end: number }[] = [];
  for (const { index, segment } of segmentsOf(paragraph)) {
    const start = index + (segment.length - segment.trimStart().length);
    const end = index + segment.trimEnd().length;
    if (end <= start) continue;
    const previous = pieces.at(-1);
    const inQuote = quotes.some(([open, close]) => open < start && start < close);
    if (previous && (inQuote || continuesSentence(lastWordOf(paragraph, previous), segment))) {
      previous.end = end;
    } else pieces.push({ start, end });
  }
  return pieces.map((p) => paragraph.slice(p.start, p.end)).filter(hasLetter);
}

/** The segments Intl.Segmenter makes of `paragraph`, found without it when it has only KNOWN_CHARACTERS. */
function segmentsOf(paragraph: string): Iterable<{ index: number; segment: string }> {
  if (!KNOWN_CHARACTERS.test(paragraph)) {
    segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' });
    return segmenter.segment(paragraph);
  }
  const segments: { index: number; segment: string }[] = [];
  let index = 0;
  for (const end of sentenceBoundaries(paragraph)) {
    segments.push({ index, segment: paragraph.slice(index, end) });
    index = end;
  }
  segments.push({ index, segment: paragraph.slice(index) });
  return segments;
}

/**
 * Where Intl.Segmenter ends sentences in a paragraph of KNOWN_CHARACTERS (the start of each sentence after the
 * first): the rules of UAX #29 (SB6 to SB11) over the few sentence-break classes those characters fall in. A . ! or ?
 * with the closing marks and spaces after it ends a sentence, unless a sentence end or a continuing mark (, - : ;
 * – —) follows, or, after a full stop, a digit (SB6) or a capital straight after a letter (SB7), or a lowercase
 * letter before any other letter or sentence end (SB8). tests/unit/ingest-sentences.test.ts checks it against
 * the segmenter on many texts. Linear: each look-ahead for SB8 stops at the next sentence end.
 */
export function sentenceBoundaries(paragraph: string): number[] {
  const boundaries: number[] = [];
  const length = paragraph.length;
  for (let stop = 0; stop < length; stop++) {
    const mark = paragraph.charCodeAt(stop);
    if (!isSentenceEnd(mark)) continue;
    let next = stop + 1;
    while (next < length && CLOSING.includes(paragraph.charAt(next))) next++;
    while (next < length && paragraph.charCodeAt(next) === SPACE) next++;
    if (next === length) continue;
    const code = paragraph.charCodeAt(next);
    if (isSentenceEnd(code) || CONTINUING.includes(paragraph.charAt(next))) continue;
    if (mark === FULL_STOP) {
      const adjacent = next === stop + 1;
      if (adjacent && code >= 0x30 && code <= 0x39) continue;
      if (adjacent && isUpper(code) && stop > 0 && isLetterCode(paragraph.charCodeAt(stop - 1))) continue;
      let ahead = next;
      while (
        ahead < length &&
        !isLetterCode(paragraph.charCodeAt(ahead)) &&
        !isSentenceEnd(paragraph.charCodeAt(ahead))
      )
        ahead++;
      if (ahead < length && isLower(paragraph.charCodeAt(ahead))) continue;
    }
    boundaries.push(next);
  }
  return boundaries;
}

const SPACE = 0x20;
const FULL_STOP = 0x2e;
/** The marks that continue a sentence after a sentence end (SContinue), among KNOWN_CHARACTERS. */
const CONTINUING = ',-:;–—';
const isSentenceEnd = (code: number) => code === FULL_STOP || code === 0x21 || code === 0x3f;
/**
 * Upper and lower case among KNOWN_CHARACTERS: ASCII and Latin-1 letters (× and ÷ are none), and Latin Extended-A
 * (ă, ş, ł, č of European names), whose cases do not follow one pattern and are read from \p{Lu} once.
 */
const isUpper = (code: number) =>
  (code >= 0x41 && code <= 0x5a) ||
  (code >= 0xc0 && code <= 0xde && code !== 0xd7) ||
  (code >= 0x100 && code <= 0x17f && LATIN_EXTENDED_A_UPPER[code - 0x100] === true);
const isLower = (code: number) =>
  (code >= 0x61 && code <= 0x7a) ||
  (code >= 0xdf && code <= 0xff && code !== 0xf7) ||
  (code >= 0x100 && code <= 0x17f && LATIN_EXTENDED_A_UPPER[code - 0x100] === false);
const LATIN_EXTENDED_A_UPPER = Array.from({ length: 0x80 }, (_, i) =>
  /\p{Lu}/u.test(String.fromCharCode(0x100 + i)),
);
const isLetterCode = (code: number) => isUpper(code) || isLower(code);

/**
 * The last word (run of non-space characters) of a sentence so far, all that continuesSentence reads of it: a
 * sentence merged from many segments is not read again from its start at each of them.
 */
function lastWordOf(paragraph: string, { start, end }: { start: number; end: number }): string {
  // At most its last MAX_LAST_WORD characters: a sentence of Han or Kana has no space, and one merged from many
  // segments ("中。1中。1…") would otherwise be read back to its start at each (quadratic in the paragraph).
  const from = Math.max(start, end - MAX_LAST_WORD);
  let wordStart = end;
  while (wordStart > from && !isSpace(paragraph.charCodeAt(wordStart - 1))) wordStart--;
  return paragraph.slice(wordStart, end);
}

/** Ingest cuts every other run of non-space characters to 100 (MAX_WORD_CHARS in clean.ts): only Han and Kana runs are longer. */
const MAX_LAST_WORD = 100;

/** Whether a character is what `\s` matches, by its code (the pattern is run only beyond ASCII). */

/** Whether `text` has a letter: most open with one, and the pattern is then not run. */
function hasLetter(text: string): boolean {
  return isAsciiLetter(text.charCodeAt(0)) || LETTER.test(text);
}

/**
 * Characters whose sentence-break classes isOneSentence and sentenceBoundaries know: . ! ? are the only sentence
 * ends among them, and the ellipsis (…) is none. The replacement character (left by a bad encoding upstream) is of
 * no class that matters.
 */
const KNOWN_CHARACTERS = /^[\x20-\x7e‘’“”–—…\u00c0-\u017f\ufffd]*$/;
/** Of those, the ones the segmenter counts as closing punctuation after a sentence end ("Close"). */
const CLOSING = '"\'()[]{}‘’“”';
/** Sentence ends looked at; a paragraph with more is left to the segmenter. */
const MAX_ONE_SENTENCE_STOPS = 16;

/**
 * Whether the segmenter's boundaries in `paragraph` would all be joined again, found without running it (the
 * segmenter costs more than everything else here together): the paragraph has only KNOWN_CHARACTERS, so the
 * segmenter can end a sentence only after a . ! or ? and the closing marks and spaces that follow it, and at
 * every such place continuesSentence joins, on the same words it would see ("the U.S. Chamber", "Mr. Ahmed",
 * "12. 5 percent"). False when unsure: a quotation before the place (its rule reads the whole next segment), or
 * a next word with a sentence end inside ("5.World", where the segment would end).
 */
function isOneSentence(paragraph: string): boolean {
  if (!KNOWN_CHARACTERS.test(paragraph)) return false;
  let stops = 0;
  for (const stop of paragraph.matchAll(/[.!?]/g)) {
    if (++stops > MAX_ONE_SENTENCE_STOPS) return false;
    let end = stop.index + 1;
    while (end < paragraph.length && CLOSING.includes(paragraph.charAt(end))) end++;
    let next = end;
    while (paragraph.charAt(next) === ' ') next++;
    if (next === paragraph.length) continue;
    // continuesSentence reads only the last word of what comes before.
    const before = paragraph.slice(paragraph.lastIndexOf(' ', stop.index) + 1, end);
    const rest = paragraph.slice(next);
    const word = /^["'“‘([]*(\S+)/.exec(rest)?.[1] ?? '';
    if (ENDS_QUOTATION.test(before) || /[.!?]./.test(word) || !continuesSentence(before, rest)) return false;
  }
  return true;
}

const ENDS_QUOTATION = /[.!?]["”’']+$/;

/** Whether a text ends on a Chinese or Japanese stop and a closing corner bracket: "…急ぐ。」", "…行く！』". */
function endsQuotationAfterStop(text: string): boolean {
  return (
    CORNER_CLOSING.includes(text.charAt(text.length - 1)) && CJK_STOPS.includes(text.charAt(text.length - 2))
  );
}

const CORNER_CLOSING = '」』';
const CJK_STOPS = '。！？';

/**
 * Whether the boundary between the sentence so far, of which `before` is at least the last word, and the segment
 * `next` is not a sentence end after all.
 */
function continuesSentence(before: string, next: string): boolean {
  // 「経済対策を急ぐ。」と述べた: a Japanese quotation closed after its own stop, then the particle that reports
  // it (と, って), is one sentence.
  if (endsQuotationAfterStop(before) && /^\s*(?:と|って)/.test(next)) return true;
  const firstWord = /^\s*["'“‘([]*(\S+)/.exec(next)?.[1] ?? '';
  // '"... remember?" he said': a lower-case word never opens a sentence. Nor, in news style, a numeral:
  // "$27. 5MM" and "05. 51AM" are one broken figure.
  if (LOWER_CASE_OR_DIGIT_FIRST.test(firstWord)) return true;
  // '"Hide, she's got a gun!" Vanore said.': a quotation is kept with the attribution after it.
  if (ENDS_QUOTATION.test(before) && isAttribution(next)) return true;
  const lastToken = /(?:^|\s)(\S+)$/.exec(before)?.[1]?.replace(/^["'“‘([]+/, '') ?? '';
  if (!lastToken.endsWith('.')) return false;
  // "Aoraki-Mt. Cook", "Gov.-elect": a title joined to another word is still a title.
  const word = lastToken.slice(0, -1).replace(/^.*[-/]/u, '');
  const opensSentence = SENTENCE_OPENERS.has(firstWord.replace(NOT_LETTERS, ''));
  // A title precedes a name, so before a sentence opener it is the end of one: "... Prime Minister Hun
  // Sen. He said" (an initial such as "A." is part of the name).
  if (TITLES.has(word)) return !opensSentence || INITIAL_FIRST.test(firstWord);
  if (BEFORE_REFERENCE.has(word)) return /\d/.test(firstWord);
  // An initial: "George W. Bush", "J. R. R. Tolkien", "L. A. County", "3:30 a. m. Tuesday" (another
  // initial never opens a sentence).
  if (ONE_LETTER.test(word))
    return INITIAL_FIRST.test(firstWord) || (CAPITAL_FIRST.test(firstWord) && !opensSentence);
  // Initialisms ("U.S.", "p.m.") and company suffixes: a boundary only before a sentence opener.
  if (INITIALISM.test(word) || COMPANY_AND_MISC.has(word)) return !opensSentence;
  return false;
}

/**
 * Whether a segment is only the speaker of the quotation before it: a few words without quotation marks,
 * ending in a full stop, with a verb of saying after the first word ("Andy Vanore said.", "Colts interim
 * coach Bruce Arians asked on Sunday.").
 */
function isAttribution(segment: string): boolean {
  const tokens = segment.trim().split(/\s+/);
  if (tokens.length < 2 || tokens.length > MAX_ATTRIBUTION_WORDS || /["“”]/u.test(segment)) return false;
  if (!/[.!]$/u.test(segment.trimEnd()) || !CAPITAL_FIRST.test(tokens[0] as string)) return false;
  const verb = tokens.findIndex((t, i) => i > 0 && REPORTING_VERBS.has(t.replace(NOT_LETTERS, '')));
  // What follows the verb says when, where or to whom ("told CNN", "said on Tuesday"), never a clause
  // of its own ("Police said the man fled.").
  const after = tokens[verb + 1];
  return verb > 0 && (after === undefined || CAPITAL_FIRST.test(after) || ATTRIBUTION_TAIL.has(after));
}

const ATTRIBUTION_TAIL = new Set(
  'on in at to during late earlier later yesterday today tonight this last after before from'.split(' '),
);

/**
 * [open, close] offsets of every quotation that closes within the paragraph: curly “…” pairs and straight
 * "…" pairs. A quotation left open (a quote running on into the next paragraph) protects nothing.
 */
function quotationRanges(paragraph: string): [number, number][] {
  const ranges: [number, number][] = [];
  let curlyOpen = -1;
  let straightOpen = -1;
  for (let i = 0; i < paragraph.length; i++) {
    const c = paragraph[i];
    if (c === '“' && curlyOpen < 0) curlyOpen = i;
    else if (c === '”' && curlyOpen >= 0) {
      ranges.push([curlyOpen, i]);
      curlyOpen = -1;
    } else if (c === '"') {
      if (straightOpen < 0) straightOpen = i;
      else {
        ranges.push([straightOpen, i]);
        straightOpen = -1;
      }
    }
  }
  return ranges;
}
