import { isAsciiLetter, isSpace } from './chars.ts';
import { cjkCharacters, classAt, hasTokenCharBeyondAscii, NOT_TOKEN } from './fold.ts';
import { STOPWORDS } from './stopwords.ts';
import { words as tokensOf, wordCount } from './tokens.ts';

/**
 * Why a sentence cannot stand alone as a summary point, or undefined when it can. `words` is its
 * wordCount, when the caller has counted it already; `clues` the `tokenClues` of its tokens or'ed together,
 * when the caller has its tokens and none has a character beyond ASCII (see there).
 *
 * The tests that read English (a capital at the start, a full stop or "!" at the end, a verb from a word
 * list for a short sentence) apply only to a sentence that reads as English (`readsAsEnglish`). Another
 * sentence must not start with a lowercase letter (a caseless script passes), must end on a full stop or
 * "!" of its script (。！ । ۔ too), and its length counts a word per two Han or Kana characters.
 */
export function unreadableReason(sentence: string, words?: number, givenClues?: number): string | undefined {
  const text = sentence.trim();
  const clues = givenClues ?? ALL_CLUES;
  if ((opensWith(text, DATE_WORDS, endsLetters) && DATELINE.test(text)) || DATE_STAMP.test(text))
    return 'dateline';
  // Cheap keyword tests first: the full patterns are slow and rarely match; most sentences have no keyword.
  if (((clues & KEYWORD_CLUE) !== 0 || text.includes('/')) && ANY_HINT.test(text)) {
    if (CAPTION_HINT.test(text) && (CAPTION.test(text) || (text.includes('/') && CAPTION_CREDIT.test(text))))
      return 'caption';
    if (
      BYLINE_HINT.test(text) &&
      BYLINE_CUE.test(text) &&
      (BYLINE.test(text) || (opensWith(text, BY, isSpace) && BYLINE_NAMES.test(text)))
    )
      return 'byline';
    if (PROMPT_HINT.test(text) && PROMPT.test(text)) return 'prompt';
  }
  // Clues are given only for a text of ASCII letters: English (most texts, not read again here).
  const english = givenClues !== undefined || readsAsEnglish(text);
  const finalMark = english ? lastBeforeClosing(text) : lastBeforeClosingAny(text);
  if (finalMark === '?' || (!english && finalMark === '？')) return 'question';
  const wordTotal = (words ?? wordCount(text)) + (english ? 0 : Math.floor(cjkCharacters(text) / 2));
  if (wordTotal > MAX_WORDS) return 'run-on';
  const quoted = QUOTE_MARK.test(text);
  if (
    wordTotal < MIN_WORDS ||
    (english ? !/^["'“‘(]?[\p{Lu}\p{N}]/u.test(text) : OTHER_LOWERCASE_START.test(text)) ||
    !(english ? finalMark === '.' || finalMark === '!' : OTHER_SENTENCE_END.includes(finalMark)) ||
    opensWith(text, SUBJECTLESS_OPENERS, isSpace) ||
    (finalMark === '.' && mayEndOnAbbreviation(text) && ABBREVIATION_END.test(text)) ||
    (quoted && !quotesBalanced(text))
  )
    return 'fragment';
  if (
    wordTotal <= MAX_ATTRIBUTION_WORDS &&
    !quoted &&
    mayBeAttributionOnly(text) &&
    ATTRIBUTION_ONLY.test(text)
  )
    return 'fragment';
  const mayBeFirstPerson = (clues & FIRST_PERSON_CLUE) !== 0;
  if (!(quoted ? speakerNamed(text, mayBeFirstPerson) : !(mayBeFirstPerson && FIRST_PERSON.test(text))))
    return 'unattributed quote';
  if (isAllCaps(text) || isTitleCase(text)) return 'headline';
  if (english && wordTotal <= MAX_CAPTION_WORDS && (!hasVerb(text) || isPresentTenseCaption(text)))
    return 'caption';
  return undefined;
}

/**
 * Whether a sentence reads as English, for the tests that read English words and case: one without a
 * letter, mark or digit beyond ASCII does, and so does one whose only such characters are in capitalised
 * words of Latin letters (names: "Pérez scored twice." reads as "Perez scored twice." does); another one
 * does when at least ENGLISH_STOPWORD_SHARE of its tokens are English stopwords ("Traian Băsescu said on
 * Monday ..." does; a French, Russian or Chinese one does not).
 */
export function readsAsEnglish(text: string): boolean {
  if (!hasTokenCharBeyondAscii(text) || beyondAsciiOnlyInLatinNames(text)) return true;
  const tokens = tokensOf(text);
  let stopwords = 0;
  for (const token of tokens) if (STOPWORDS.has(token)) stopwords++;
  return stopwords >= ENGLISH_STOPWORD_SHARE * tokens.length;
}

/**
 * Whether every word (a run of non-spaces) with a letter, mark or digit beyond ASCII is a capitalised word of
 * Latin letters and marks ("Pérez", "Erdoğan,", "(Zoë"): a name, as an English sentence has. A word whose
 * first letter is lowercase ("président"), or with a letter or digit of another script, is not.
 */
function beyondAsciiOnlyInLatinNames(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    let beyond = false;
    /** Whether the word's first letter is a capital; undefined before its first letter. */
    let capitalised: boolean | undefined;
    for (; i < text.length && !isSpace(text.charCodeAt(i)); i++) {
      const code = text.charCodeAt(i);
      if (code < 128) {
        if (capitalised === undefined && isAsciiLetter(code)) capitalised = code <= 0x5a;
        continue;
      }
      // A pair is tested by its high half, which is no Latin letter or mark (nor is any letter of its planes).
      // A variation selector (an emoji's) is in no token.
      if (classAt(text, i) === NOT_TOKEN || (code >= 0xfe00 && code <= 0xfe0f)) continue;
      const char = text.charAt(i);
      if (!LATIN_OR_MARK.test(char)) return false;
      beyond = true;
      if (capitalised === undefined && LETTER.test(char)) capitalised = UPPERCASE.test(char);
    }
    if (beyond && capitalised !== true) return false;
    i++;
  }
  return true;
}

const LATIN_OR_MARK = /[\p{Script=Latin}\p{M}]/u;
const LETTER = /\p{L}/u;
const UPPERCASE = /\p{Lu}/u;

/** English sentences have 40-50% stopwords, a caption with a name ("Traian Băsescu, Romanian president, in Bucharest.") 17%, French or German ones under 10%. */
const ENGLISH_STOPWORD_SHARE = 0.15;
/** A sentence of another language opening in lowercase (after an opening quote or bracket) is a fragment. */
const OTHER_LOWERCASE_START = /^["'“‘(«„「『]?\p{Ll}/u;
/** The full stops and exclamation marks that end a sentence of another language. */
const OTHER_SENTENCE_END = ['.', '!', '。', '！', '．', '।', '۔'];

/** A bit of `tokenClues`: the token may be (part of) a keyword ANY_HINT finds. */
export const KEYWORD_CLUE = 1;
/** A bit of `tokenClues`: the token is a word FIRST_PERSON finds. */
export const FIRST_PERSON_CLUE = 2;
const ALL_CLUES = KEYWORD_CLUE | FIRST_PERSON_CLUE;

/**
 * What a token (of ASCII text: a lowercase run of a-z0-9, as `words` in tokens.ts gives) tells unreadableReason before it
 * reads the text: a pattern none of whose words is among a text's tokens cannot match it, and is not run.
 * Or'ed over the tokens of the text, or of a text it is a piece of, cut between tokens. Not for a text with a
 * letter, mark or digit beyond ASCII: it joins a token (folded: "İ" is "i", "é" is "e"), where the patterns
 * see a word's edge.
 */
export function tokenClues(token: string): number {
  return (
    (KEYWORD_PART.test(token) ? KEYWORD_CLUE : 0) | (FIRST_PERSON_WORDS.has(token) ? FIRST_PERSON_CLUE : 0)
  );
}

/**
 * A token with a keyword of ANY_HINT in it (all but "/", which is no token's): the lowercase letters it
 * matches are in one token, "by" is a whole one (a word of its own), and a keyword of two words ("seen in")
 * has a token ending with its first word.
 */
const KEYWORD_PART =
  /photo|pictur|agencies|contributed|related|click|subscri|rights|copyright|information|^by$|(?:seen|read|sign|follow|share)$/;
/** The tokens of the words FIRST_PERSON finds ("I'm" is "i" and "m"). */
const FIRST_PERSON_WORDS = new Set(['i', 'me', 'my', 'we', 'us', 'our']);

/** Any of the caption, byline and prompt keywords. */
const ANY_HINT =
  /\/|photo|pictur|seen in|\bby\b|agencies|contributed|related|click|read more|subscri|sign up|follow us|share this|rights|copyright|information/i;
const QUOTE_MARK = /["“”]/u;
/** What each alternative of BYLINE needs ("by" alone is in many sentences; the full pattern is slow). */
const BYLINE_CUE = /^by\s|ing by|contributed to this report|agencies/iu;

/** The text's last character but a closing quotation mark or bracket ("…said." and "…said.”" end on "."). */
function lastBeforeClosing(text: string): string {
  const last = text.charAt(text.length - 1);
  return last !== '' && CLOSING.includes(last) ? text.charAt(text.length - 2) : last;
}

const CLOSING = `"'”’)`;

/** `lastBeforeClosing` with the closing marks of other languages too (»」』）). */
function lastBeforeClosingAny(text: string): string {
  const last = text.charAt(text.length - 1);
  return last !== '' && OTHER_CLOSING.includes(last) ? text.charAt(text.length - 2) : last;
}

const OTHER_CLOSING = `"'”’)»」』）`;

/** "U.S.", "Gen.": a capital, or a short word starting with one, right before the final full stop. */
function mayEndOnAbbreviation(text: string): boolean {
  const stop = text.length - (CLOSING.includes(text.charAt(text.length - 1)) ? 2 : 1);
  for (let i = stop - 1; i >= Math.max(0, stop - 4); i--) {
    const code = text.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code >= 128) return true;
  }
  return false;
}

/** "FIRE DESTROYS FACTORY.": shouted, with a run of four capitals. */
function isAllCaps(text: string): boolean {
  // Any ASCII lowercase letter changes under toUpperCase: no need to build the copy.
  return !/[a-z]/.test(text) && text === text.toUpperCase() && /\p{Lu}{4}/u.test(text);
}

/**
 * True when the sentence opens with a pronoun, demonstrative or connective that points back to the
 * sentence before it ("He said...", "However, ...", "There may have been ..."), or quotes someone it names
 * only by a pronoun: it cannot be a point on its own.
 */
export function needsAntecedent(sentence: string): boolean {
  const text = sentence.trim();
  const opening = text.replace(/^["'“‘(]+/u, '');
  return (
    (opensWith(opening, DANGLING_OPENERS, endsWord) &&
      !opensWith(opening, STANDALONE_OPENERS, endsWord) &&
      !opensWith(opening, NOW_THAT, () => true)) ||
    PRONOUN_ATTRIBUTION.test(text) ||
    (mayHaveIntroComma(opening) && PRONOUN_AFTER_INTRO.test(opening)) ||
    PRONOUN_AFTER_PHRASE.test(opening) ||
    PARTITIVE_SUBJECT.test(opening) ||
    isUnanchored(opening)
  );
}

/** PRONOUN_AFTER_INTRO needs a first comma after 1 to 60 characters (120 UTF-16 units hold 60 at least). */
function mayHaveIntroComma(text: string): boolean {
  const comma = text.indexOf(',');
  return comma >= 1 && comma <= 120;
}

/**
 * True for a sentence that names nobody (no capitalised word after a first word that is a function
 * word) and points at someone or something the sentence before named: a person only as he or she ("The
 * controversy prompted her disappearance from public view."), or, with no figure either, an indefinite
 * or generic subject ("Most people thought she was dead.", "No one knew what to do.") or a
 * demonstrative ("Two things were very apparent in this fight.").
 */
function isUnanchored(text: string): boolean {
  if (INNER_NAME.test(text)) return false;
  // "Comeaux fled ...": a first word that is no function word may be a name (read only when no other
  // word is capitalised, as most sentences have one).
  const first = /^\p{L}+/u.exec(text)?.[0] ?? '';
  if (!STOPWORDS.has(first.toLowerCase())) return false;
  if (THIRD_PERSON.test(text)) return true;
  return (
    (opensWith(text, VAGUE_SUBJECTS, endsWord) || DEMONSTRATIVE_REFERENCE.test(text)) && !/\d/u.test(text)
  );
}

/**
 * The sentence without a leading connective that only links it to the sentence before ("But the plan
 * ..." -> "The plan ..."), with its first letter capitalised, when what is left stands alone; otherwise
 * undefined. The rest is quoted verbatim, so the point is still found in its sources (compared without
 * case, as grounding is).
 */
export function withoutConnective(sentence: string): string | undefined {
  const match = DROPPABLE_CONNECTIVE.exec(sentence.trim());
  if (!match) return undefined;
  const rest = sentence.trim().slice(match[0].length);
  const text = rest.charAt(0).toUpperCase() + rest.slice(1);
  return /^\p{Ll}/u.test(rest) && !needsAntecedent(text) && !unreadableReason(text) ? text : undefined;
}

/**
 * False when the sentence quotes several words but names no speaker outside the quotation marks ("“I'm
 * going to fight with the Republicans.”"), or speaks in the first person outside any quotation (a quote
 * whose marks were lost): the reader cannot tell who is talking. `mayBeFirstPerson`: whether the text may
 * have a first-person word (see tokenClues).
 */
function speakerNamed(text: string, mayBeFirstPerson: boolean): boolean {
  const outside: string[] = [];
  let longQuote = false;
  let from = 0;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const closes =
      open >= 0 && (c === CLOSING_QUOTE || (c === STRAIGHT_QUOTE && text.charCodeAt(open) === c));
    if (closes) {
      if (wordCount(text.slice(open + 1, i)) >= QUOTE_WORDS) longQuote = true;
      from = i + 1;
      open = -1;
    } else if (open < 0 && (c === OPENING_QUOTE || c === STRAIGHT_QUOTE)) {
      outside.push(text.slice(from, i));
      open = i;
    }
  }
  outside.push(text.slice(open < 0 ? from : open));
  const rest = outside.join(' ');
  if (mayBeFirstPerson && FIRST_PERSON.test(rest)) return false;
  return !longQuote || hasWordIn(rest, REPORTING_VERBS) || REPORTING_PHRASE.test(rest);
}

const OPENING_QUOTE = '“'.charCodeAt(0);
const CLOSING_QUOTE = '”'.charCodeAt(0);
const STRAIGHT_QUOTE = '"'.charCodeAt(0);

/** A quote opened but not closed (or the reverse): the sentence is a piece of a longer quote. */
function quotesBalanced(text: string): boolean {
  const opening = text.match(/“/gu)?.length ?? 0;
  const closing = text.match(/”/gu)?.length ?? 0;
  const straight = text.match(/"/gu)?.length ?? 0;
  return opening === closing && straight % 2 === 0;
}

/**
 * False only for a text with no sign of a finite verb: no auxiliary or common verb, no -ed
 * form, no contraction and no -s form right after a word that can be its subject. Such a short line is
 * a caption without a credit ("Ambulances at Russell Square, London after the July 7, 2005 bombings.")
 * or a list entry ("Lindsey Germaine: Piccadilly Line train, Jamaican-born resident of Aylesbury.").
 */
function hasVerb(text: string): boolean {
  if (
    hasWordIn(text, COMMON_VERBS) ||
    PAST_FORM.test(text) ||
    (hasApostrophe(text) && CONTRACTION.test(text))
  )
    return true;
  // "they play hardball": the word after a subject pronoun is its verb.
  if (/\b(?:I|[Ww]e|[Yy]ou|[Tt]hey)\s+\p{Ll}/u.test(text)) return true;
  const tokens = text.split(/\s+/);
  return tokens.some((token, i) => {
    const before = tokens[i - 1];
    if (before === undefined || !/^\p{Ll}{2,}[^s\W]s[,.;:!"'”’)]*$/u.test(token)) return false;
    // "the July 7, 2005 bombings", "of its sailors": after a number or a determiner, -s is a plural.
    return /[,:;()]$/u.test(before) || !(NOT_A_SUBJECT.has(before.toLowerCase()) || /\d/u.test(before));
  });
}

/**
 * "Remains of the warehouse smolder Tuesday morning in Palmer.": a photo caption names the day but, unlike
 * a news sentence, tells it in the present tense (no past form, auxiliary or verb of saying).
 */
function isPresentTenseCaption(text: string): boolean {
  return WEEKDAY_WORD.test(text) && !PAST_FORM.test(text) && !hasWordIn(text, NOT_PRESENT);
}

/**
 * Whether a word of the text is one of `words`, as `\b(?:…)\b` with the `iu` flags would find it (faster,
 * and without compiling a long pattern): under those flags "ſ" and the Kelvin sign are word characters
 * matching "s" and "k". A word whose length, first and last character (as lowercased) no word of `words`
 * has is passed over without a copy: most are.
 */
function hasWordIn(text: string, { words, shapes }: WordSet): boolean {
  const length = text.length;
  for (let at = 0; at < length; ) {
    if (!isIuWordChar(text.charCodeAt(at))) {
      at++;
      continue;
    }
    const start = at;
    while (at < length && isIuWordChar(text.charCodeAt(at))) at++;
    if (
      shapes[wordShape(at - start, text.charCodeAt(start), text.charCodeAt(at - 1))] === 1 &&
      words.has(text.slice(start, at).toLowerCase().replaceAll('ſ', 's'))
    )
      return true;
  }
  return false;
}

/** A word's length and its first and last characters lowercased ("ſ" as "s", the Kelvin sign as "k"), in 14 bits. */
function wordShape(length: number, first: number, last: number): number {
  return length > 15 ? 0 : (length << 10) | ((foldIu(first) & 31) << 5) | (foldIu(last) & 31);
}

/** `[\w\u017f\u212a]`: a word character under the `iu` flags. */
const isIuWordChar = (code: number) =>
  (code >= 97 && code <= 122) ||
  (code >= 65 && code <= 90) ||
  (code >= 48 && code <= 57) ||
  code === 95 ||
  code === 0x17f ||
  code === 0x212a;

/** Lowercase words of 1 to 15 characters, and the `wordShape` of each (1 at each). */
interface WordSet {
  words: ReadonlySet<string>;
  shapes: Uint8Array;
}

function wordSet(words: readonly string[]): WordSet {
  const shapes = new Uint8Array(1 << 14);
  for (const word of words) {
    if (word.length === 0 || word.length > 15) throw new Error(`"${word}" cannot be in a word set`);
    shapes[wordShape(word.length, word.charCodeAt(0), word.charCodeAt(word.length - 1))] = 1;
  }
  return { words: new Set(words), shapes };
}

const WEEKDAY_WORD = /\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/u;
/** Auxiliaries, modals, verbs of saying and frequent irregular past forms: not a caption's present. */
const NOT_PRESENT = wordSet(
  'is are was were been has have had will would shall should can could may might must did does says said told tells say made took gave went came saw knew thought found kept began ran held brought left met put won lost paid led fell rose stood built bought sold spent felt became struck spoke wrote drove flew fought caught sought shot broke chose threw grew drew sat fled heard beat shook sent set hit cut got'.split(
    ' ',
  ),
);
/** An -ed word; bounded by explicit non-letters, not \b, so it cannot backtrack over a long word. */
const PAST_FORM = /(?:^|[^\p{L}])\p{Ll}{2,}ed(?:$|[^\p{L}\d_])/u;
const MAX_CAPTION_WORDS = 20;
const COMMON_VERBS = wordSet(
  'is are was were be been am has have had do does did will would shall should can cannot could may might must say says said tell tells told get gets got make makes made take takes took give gives gave go goes went come comes came see sees saw know knows knew think thinks thought find finds found show shows shown seem seems keep keeps kept begin began run runs ran hold holds held bring brings brought leave leaves left meet meets met set sets put puts win wins won lose loses lost pay pays paid laid hit hits cut cuts send sends sent lead leads led fall falls fell rise rises rose stand stands stood build builds built buy buys bought sell sells sold spend spends spent feel feels felt become becomes became remain remains want wants need needs believe believes appear appears continue continues include includes ask asks call calls claim claims plan plans warn warns face faces hope hopes live lives die dies struck spoke wrote drove flew fought caught sought shot broke chose rode wore threw grew drew hung sat fled heard withdrew beat shook shake shakes estimate list follow thank welcome cover'.split(
    ' ',
  ),
);
const CONTRACTION = /n['’]t\b|(?:^|[^\p{L}\d_])\p{L}+['’](?:s|re|ve|ll|d|m)\b/iu;
/** What CONTRACTION needs: it is compiled (letters under `iu`, slow to compile) only for a text that has one. */
const hasApostrophe = (text: string) => text.includes("'") || text.includes('’');
const NOT_A_SUBJECT = new Set(
  'the a an of in at on for with by to from and or their its his her our your my these those all many some several two three four five six seven eight nine ten no both other such more most few'.split(
    ' ',
  ),
);

/** "Obama Administration Restores Endangered Species Act Protections!": a headline, not a sentence. */
function isTitleCase(text: string): boolean {
  // One lowercase word of 3 letters or more ("made", "born", "died") makes it a sentence full of names.
  if (LOWERCASE_WORD.test(text)) return false;
  let content = 0;
  let capitalised = 0;
  for (const word of text.split(/\s+/)) {
    if (TITLE_SMALL_WORDS.has(word.toLowerCase())) continue;
    content++;
    if (/^["'“‘(]?[\p{Lu}\p{N}]/u.test(word)) capitalised++;
  }
  return content >= 4 && capitalised / content >= 0.8;
}

/**
 * A whitespace-separated word opening with three lowercase letters, other than the TITLE_SMALL_WORDS it
 * can be ("and", "with" or "witH", which lowercases to one).
 */
const LOWERCASE_WORD = /(?<!\S)(?!(?:and|the|but|for|wit[hH]|fro[mM])(?!\S))\p{Ll}{3}/u;

const TITLE_SMALL_WORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'but',
  'of',
  'to',
  'in',
  'on',
  'at',
  'for',
  'by',
  'with',
  'from',
  'as',
]);

const MIN_WORDS = 6;
const MAX_ATTRIBUTION_WORDS = 12;
/**
 * "Larry Kroon of the church told CNN.", "Colts interim coach Bruce Arians asked." without a quote: the
 * tail of a quote the splitter cut off.
 */
const ATTRIBUTION_ONLY =
  /\b(?:told|tells)(?:\s+\S+){1,4}[.!]$|\b(?:said|says|added|adds|asked|asks|explained|recalled|wrote|tweeted|noted|replied|insisted|argued|stated|continued)(?:\s+(?:in|on|at|to|during|late|earlier|yesterday|today|tonight|this)\b(?:\s+\S+){0,3})?[.!]$/iu;
/**
 * What ATTRIBUTION_ONLY needs, tested first: a final . or !, and one of its verbs as a whole word (a match has a
 * boundary before the verb and a space, . or ! after it). Most sentences have neither, and the pattern is slow.
 */
function mayBeAttributionOnly(text: string): boolean {
  const last = text.charAt(text.length - 1);
  return (last === '.' || last === '!') && hasWordIn(text, ATTRIBUTION_VERBS);
}
const ATTRIBUTION_VERBS = wordSet(
  'told tells said says added adds asked asks explained recalled wrote tweeted noted replied insisted argued stated continued'.split(
    ' ',
  ),
);
/** Fewest words inside quotation marks that make a quotation rather than a name or a scare-quoted term. */
const QUOTE_WORDS = 4;
/**
 * A verb of saying (or REPORTING_PHRASE) outside the quotation: its speaker is in the sentence. Words found by hasWordIn,
 * as `\b(?:said|…)\b` with the `iu` flags would find them.
 */
const REPORTING_VERBS = wordSet(
  'said says say told tells tell asked asks added adds wrote writes explained recalled tweeted posted noted stated replied insisted argued argues claimed claims warned warns admitted testified responded joked declared urged announced confirmed reported reports states calls called continued remarked quipped shouted yelled'.split(
    ' ',
  ),
);
const REPORTING_PHRASE = /\b(?:according to|in a statement)\b/iu;
/** First-person words outside quotation marks: someone speaking whose quotation marks were lost. */
const FIRST_PERSON = /\b(?:I|I['’](?:m|ve|d|ll)|[Mm]e|[Mm]y|[Ww]e|[Ww]e['’](?:re|ve|d|ll)|us|[Oo]ur)\b/u;
const MAX_WORDS = 70;

const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
/** "Saturday, January 8, 2005" or "January 8, 2005" leading a line. */
const DATELINE = new RegExp(`^(?:${WEEKDAY},?\\s+)?${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}`, 'i');
/**
 * What DATELINE needs, tested first: a weekday or a month, as WEEKDAY and MONTH write them, opening the text
 * and ending its first run of letters (a comma, full stop or space follows it there).
 */
const DATE_WORDS = openings(
  'monday tuesday wednesday thursday friday saturday sunday jan january feb february mar march apr april may jun june jul july aug august sep sept sepember september oct october nov november dec december'.split(
    ' ',
  ),
);
const endsLetters = (code: number) => !isAsciiLetter(code);
/** "2005/01/08 Headline": a headline or caption carrying a date stamp. */
const DATE_STAMP = /^\d{4}[/-]\d{1,2}[/-]\d{1,2}\b/;
/** "WASHINGTON (AP) —", "ISLAMABAD:": a wire dateline glued to the lead sentence. */
const WIRE_DATELINE = /^\p{Lu}[\p{Lu} .,'-]{2,40}(?:\([^)]{1,30}\))?(?: ?[—–-]{1,2}|:) +/u;

/** The sentence without a leading wire dateline: the words after it are still quoted verbatim. */
export function withoutDateline(sentence: string): string {
  return sentence.trim().replace(WIRE_DATELINE, '');
}
const CAPTION_HINT = /\/|photo|pictur|seen in/i;
const BYLINE_HINT = /\bby\b|agencies|contributed/i;
const PROMPT_HINT =
  /related|click|read more|subscri|sign up|follow us|share this|rights|copyright|information/i;
const CAPTION =
  /\bundated (?:photo|picture)\b|\b(?:file )?photo:|\(photo\b|\bphoto(?:graph)? (?:by|credit|courtesy)\b|\bpictured\b|\bseen in this\b/iu;
/**
 * "— John Smith/AFP": a caption's credit. Apart from CAPTION and tried only on a text with its slash: a letter
 * class under the `iu` flags takes V8 milliseconds to compile, more than a short run spends in all the others.
 * Between the dash and the slash: only spaces, or spaces then at most 30 letters and spaces opening with a letter:
 * what `\s*[\p{L}\s]{1,30}` matches, written so that no space can be read by two parts of the pattern (the
 * ReDoS checker found that overlap polynomial).
 */
const CAPTION_CREDIT = /[—–-](?:\s+|\s*\p{L}[\p{L}\s]{0,29})\/\s*(?:file|afp|reuters|ap|getty)\b/iu;
const BYLINE =
  /\b(?:reporting|writing|editing|additional reporting) by\b|\bcontributed to this report\b|[—–-]\s*agencies\b/iu;
/** "By John Smith": tried only on a text that opens with "by" and a space (see CAPTION_CREDIT). */
const BY = openings(['by']);
const BYLINE_NAMES = /^by\s+\p{Lu}[\p{L}.'-]+(?:\s+\p{Lu}[\p{L}.'-]+){0,3}\b/iu;

/** "Related: …", "Click here …", and the appeal that closes a crime report ("Anyone with information is asked to call …"). */
const PROMPT =
  /^(?:related:|anyone (?:with|who has) (?:any )?information\b)|\b(?:click here|read more|subscribe (?:to|now)|sign up for|follow us|share this|all rights reserved|copyright ©?)\b/iu;
/** Ends on an abbreviation ("the U.S.", "Gen."): most likely a sentence cut short by the splitter. */
const ABBREVIATION_END =
  /(?:(?:^|[^\w.])(?:\p{Lu}\.){2,}|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Gov|Sen|Rep|Lt|Col|Sgt|Jr|Sr|Inc|Co|Corp|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.)["'”’)]?$/u;
/** "Says Pakistan hosted...": a summary bullet or deck line without its subject (then a space). */
const SUBJECTLESS_OPENERS = openings(
  'says|adds|urges|reminds|warns|notes|calls|vows|slams|claims|rejects|seeks|asks|hails|terms|stresses|insists|denies'.split(
    '|',
  ),
);
/** "“…,” he said": a quote whose speaker is only a pronoun. */
const PRONOUN_ATTRIBUTION =
  /^["“].*?[”"],?\s+(?:he|she|they)\s+(?:said|says|added|adds|told|tells|wrote|noted|remarked)\b/iu;
/** "In the sixth round, he landed one punch.": after a short introductory phrase, a pronoun subject. */
const PRONOUN_AFTER_INTRO = /^[^,]{1,60},\s+(?:he|she|his|her|they|their|it|its)\s/iu;
/** "Upon arrival they found ...": a pronoun subject right after a short opening phrase without a comma. */
const PRONOUN_AFTER_PHRASE =
  /^(?:upon|on|after|before|during|in|at|with|without|within|since)\s+\p{Ll}[\p{Ll}-]*\s+(?:he|she|they|it)\s+\p{Ll}/iu;
/** "Eight of the jurors ...", "All of them ...": a part of a group the sentence before introduced. */
const PARTITIVE_SUBJECT =
  /^(?:all|most|many|some|none|few|several|each|both|half|one|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands|the rest|the majority|a few|a number|a third|a quarter)\s+of\s+(?:the|them|these|those|us|its|their|his|her)\b/iu;
/** "Most people ...", "No one ...": a subject that names nobody. */
const VAGUE_SUBJECTS = openings([
  ...'no one|nobody|nothing|everyone|everybody|everything|someone|somebody|something|anyone|anybody|anything'.split(
    '|',
  ),
  ...['most', 'many', 'some', 'few', 'several', 'all', 'other'].flatMap((quantity) =>
    'people others observers experts fans residents viewers critics'
      .split(' ')
      .map((who) => `${quantity} ${who}`),
  ),
]);
/** "in this fight", "those measures": a demonstrative pointing at something named before (times aside). */
const DEMONSTRATIVE_REFERENCE =
  /\b(?:this|these|those)\s+(?!(?:morning|afternoon|evening|night|week|weekend|month|year|season|spring|summer|autumn|fall|winter|time|century|decade)\b)\p{Ll}/iu;
/** A person the sentence only calls he or she. */
const THIRD_PERSON = /\b(?:he|she|him|his|her|hers)\b/iu;
/** A capitalised word after the first one: a name, a place, an organisation. */
const INNER_NAME = /\s["'“‘(]?\p{Lu}/u;
/** "This morning, ...", "Now that ...": a time or a subordinate clause, not a pointer back. */
const STANDALONE_OPENERS = openings(
  ['this', 'that', 'these', 'those'].flatMap((demonstrative) =>
    'morning afternoon evening night week weekend month year season summer winter spring autumn fall'
      .split(' ')
      .map((time) => `${demonstrative} ${time}`),
  ),
);
/** "Now that" opens a standalone sentence whatever follows it ("Now that's done" too). */
const NOW_THAT = openings(['now that']);
/** Words and phrases that open a sentence pointing back at the one before (a whole word: a boundary follows). */
const DANGLING_OPENERS = openings(
  'he|she|it|they|him|them|his|her|hers|its|their|theirs|this|that|these|those|there|such|another|others|both|either|neither|however|but|and|or|nor|also|meanwhile|moreover|furthermore|additionally|still|yet|so|thus|therefore|hence|nevertheless|nonetheless|instead|besides|then|now|later|previously|again|afterwards|otherwise|likewise|similarly|in addition|as a result|in contrast|on the other hand|the latter|the former|the same'.split(
    '|',
  ),
);

/** Lowercase ASCII phrases (words and single spaces) a text may open with, by their first character's code. */
interface Openings {
  byFirst: ReadonlyMap<number, readonly string[]>;
}

function openings(phrases: readonly string[]): Openings {
  const byFirst = new Map<number, string[]>();
  for (const phrase of phrases) {
    const first = phrase.charCodeAt(0);
    byFirst.set(first, [...(byFirst.get(first) ?? []), phrase]);
  }
  return { byFirst };
}

/**
 * Whether `text` opens with one of `openings` and the character after it (its code, NaN at the end) passes `then`:
 * what `^(?:…)` with the `iu` flags finds, without compiling a long pattern (slow to compile under those flags).
 * Under them an ASCII letter matches its two cases, "ſ" matches "s" and the Kelvin sign "k", and nothing else.
 * Compared in place, one character at a time: no lowercased copy of the opening is made.
 */
function opensWith(text: string, { byFirst }: Openings, then: (code: number) => boolean): boolean {
  const candidates = byFirst.get(foldIu(text.charCodeAt(0)));
  if (candidates === undefined) return false;
  for (const phrase of candidates)
    if (startsWithFolded(text, phrase) && then(text.charCodeAt(phrase.length))) return true;
  return false;
}

function startsWithFolded(text: string, phrase: string): boolean {
  if (text.length < phrase.length) return false;
  for (let i = 1; i < phrase.length; i++)
    if (foldIu(text.charCodeAt(i)) !== phrase.charCodeAt(i)) return false;
  return true;
}

/** A character as the `iu` flags compare it with lowercase ASCII: A-Z lowercased, "ſ" as "s", the Kelvin sign as "k". */
function foldIu(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code === 0x17f ? 115 : code === 0x212a ? 107 : code;
}

/** `\b` after a word character under the `iu` flags: the next character is none (or there is none). */
const endsWord = (code: number) => !isIuWordChar(code);
/**
 * Connectives that only tie a sentence to the one before it; without them the sentence says the same
 * ("But the future of the measure is unclear." -> "The future of the measure is unclear."). Time words
 * ("Then", "Later") and contrasts that carry meaning ("Instead", "Otherwise") are not dropped.
 */
const DROPPABLE_CONNECTIVE =
  /^(?:but|and|yet|also,|still,|however,|meanwhile,|moreover,|furthermore,|additionally,|in addition,|nevertheless,|nonetheless,|besides,|indeed,|in fact,)\s+/iu;
