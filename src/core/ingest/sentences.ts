// Sentence splitting: ICU's Unicode sentence segmenter (UAX #29, built into Node and Lambda, nothing to
// bundle) proposes boundaries; news-specific rules then undo the ones that are not sentence ends.

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Titles that precede a name: never a sentence end. */
const TITLES = new Set(
  'Mr Mrs Ms Mx Dr Prof Gen Lt Col Maj Capt Cpt Sgt Cpl Pvt Adm Cmdr Brig Gov Sen Rep Rev Hon Pres Supt Insp Det Fr Msgr Amb Atty Sec St Mt Ft Messrs Mme Mlle'.split(
    ' ',
  ),
);
/** Abbreviations followed by a number: "Jan. 5", "No. 10". */
const BEFORE_NUMBER = new Set(
  'Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No Nos Vol Art Fig p pp'.split(' '),
);
/** Abbreviations that end a sentence only when a typical sentence opener follows ("Apple Inc. fell" vs "Inc. He"). */
const COMPANY_AND_MISC = new Set('Inc Corp Co Ltd Plc Bros Jr Sr vs etc approx est dept'.split(' '));
/** Words that commonly open a sentence: after an ambiguous abbreviation they mark a real boundary. */
const SENTENCE_OPENERS = new Set(
  `The A An He She It They We I You His Her Its Their Our My This That These Those There Here In On At By For From
  With After Before During When While If As But And Or So Yet However Meanwhile According Some Many Most All No Not
  One Two Three Officials Police Earlier Later Last Next Now Then Today Yesterday Also Although Though Since Because
  What Why How Who Where Which Despite Under Over Both Each Such Other Others More Several Still Even Only Asked`.split(
    /\s+/,
  ),
);

/**
 * Splits one paragraph into sentences. Each sentence is an exact substring of `paragraph` (trimmed), so
 * text quoted from it can be found in the article again.
 */
export function splitSentences(paragraph: string): string[] {
  const pieces: { start: number; end: number }[] = [];
  for (const { index, segment } of segmenter.segment(paragraph)) {
    const start = index + (segment.length - segment.trimStart().length);
    const end = index + segment.trimEnd().length;
    if (end <= start) continue;
    const previous = pieces.at(-1);
    if (previous && continuesSentence(paragraph, previous.start, previous.end, start)) previous.end = end;
    else pieces.push({ start, end });
  }
  return pieces.map((p) => paragraph.slice(p.start, p.end)).filter((s) => /\p{L}/u.test(s));
}

function continuesSentence(paragraph: string, start: number, end: number, next: number): boolean {
  const before = paragraph.slice(start, end);
  const after = paragraph.slice(next);
  if (insideQuotation(paragraph, end)) return true;
  // '"... remember?" he said': a lower-case word never opens a sentence.
  const firstWord = /^["'“‘([]*(\S+)/.exec(after)?.[1] ?? '';
  if (/^\p{Ll}/u.test(firstWord)) return true;
  const lastToken = /(\S+)$/.exec(before)?.[1]?.replace(/^["'“‘([]+/, '') ?? '';
  if (!lastToken.endsWith('.')) return false;
  const word = lastToken.slice(0, -1);
  const opensSentence = SENTENCE_OPENERS.has(firstWord.replace(/[^\p{L}]/gu, ''));
  if (TITLES.has(word)) return true;
  if (BEFORE_NUMBER.has(word)) return /^\d/.test(firstWord);
  // An initial: "George W. Bush", "J. R. R. Tolkien".
  if (/^\p{Lu}$/u.test(word)) return /^\p{Lu}/u.test(firstWord) && !opensSentence;
  // Initialisms ("U.S.", "p.m.") and company suffixes: a boundary only before a sentence opener.
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word) || COMPANY_AND_MISC.has(word)) return !opensSentence;
  return false;
}

/** True when `offset` lies between an opening quotation mark and its closing one in the same paragraph. */
function insideQuotation(paragraph: string, offset: number): boolean {
  const before = paragraph.slice(0, offset);
  const after = paragraph.slice(offset);
  const opened = count(before, '“') - count(before, '”');
  if (opened > 0 && after.includes('”')) return true;
  const straight = count(before, '"');
  return straight % 2 === 1 && after.includes('"');
}

function count(text: string, mark: string): number {
  return text.split(mark).length - 1;
}
