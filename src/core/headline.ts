import type { Article } from './article.ts';
import { ArticleTerms, IntList, type TokenRuns } from './text/article-terms.ts';
import { isAsciiLetter, isSpace } from './text/chars.ts';
import { foldedLowercase, foldLetters } from './text/fold.ts';
import { withoutDateline } from './text/sentences.ts';
import { firstWords, isStopword, trimWhere, wordCount } from './text/tokens.ts';
import { grown } from './text/typed-arrays.ts';

/** Shortest and longest headline, in words. */
export const HEADLINE_MIN_WORDS = 4;
export const HEADLINE_MAX_WORDS = 14;

/** Articles (most central first) whose headlines and leads are considered. */
const CANDIDATE_ARTICLES = 12;
/** Articles (most central first) read for what they share and for how they write each word's case. */
const EVIDENCE_ARTICLES = 20;
/** Body sentences per article read for case evidence and for what the theme's articles share. */
const EVIDENCE_SENTENCES = 12;
const SHARED_SENTENCES = 3;
/** Words of a sentence read here: a sentence longer than this is no lead, and a huge one costs no more. */
const SENTENCE_WORDS = 400;

/** The article's first `count` sentences, each cut after `SENTENCE_WORDS` words. */
const leadOf = (article: Article, count: number) =>
  article.sentences.slice(0, count).map((sentence) => firstWords(sentence, SENTENCE_WORDS));

/**
 * A theme's headline: a sentence-case line of 4 to 14 words that says what happened, taken from the
 * theme's own articles so every word of it is found in them. Candidates are the articles' headlines
 * (Title Case and ALL CAPS ones put in sentence case) and their lead sentences shortened at a clause
 * boundary; the one whose words the most articles of the theme share wins, headlines and lines with a
 * verb first. `articles` come most central first; `terms` is the build's one vocabulary (a new one when
 * not given).
 */
export function headlineFor(articles: readonly Article[], terms = new ArticleTerms()): string {
  if (articles.length === 0) return '';
  const evidence = new CaseEvidence(articles.slice(0, EVIDENCE_ARTICLES), shoutedWords(articles));
  const shareOf = sharedTerms(articles.slice(0, EVIDENCE_ARTICLES), terms);
  let best: { text: string; score: number } | undefined;
  articles.slice(0, CANDIDATE_ARTICLES).forEach((article, rank) => {
    for (const candidate of candidatesOf(article, evidence)) {
      const score = scoreOf(candidate, shareOf, rank, terms);
      if (!best || score > best.score) best = { text: candidate.text, score };
    }
  });
  return best?.text ?? fallback(articles[0] as Article);
}

interface Candidate {
  text: string;
  /** Written as a headline by the outlet (rather than shortened from a lead sentence). */
  headline: boolean;
}

function candidatesOf(article: Article, evidence: CaseEvidence): Candidate[] {
  const found: Candidate[] = [];
  const title = stripLabel(singleSpaced(article.title).trim());
  if (title && !isTimestampLike(title)) {
    const sentenceCased = isSentenceCase(title) ? title : toSentenceCase(title, evidence);
    const text = wordCount(sentenceCased) > HEADLINE_MAX_WORDS ? shorten(sentenceCased) : sentenceCased;
    const candidate = text && finish(recase(text, evidence));
    if (candidate && usable(candidate))
      found.push({ text: candidate, headline: wordCount(title) <= HEADLINE_MAX_WORDS });
  }
  // The lead says what happened; the second sentence stands in only when the first cannot be shortened.
  for (const sentence of leadOf(article, 2)) {
    const text = shorten(withoutDateline(sentence));
    const lead = text && finish(recase(text, evidence));
    if (lead && usable(lead)) {
      found.push({ text: lead, headline: false });
      break;
    }
  }
  return found;
}

/** `text` with each run of whitespace made one space; a title with none to change (most) is not copied. */
function singleSpaced(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpace(code) && (code !== 32 || isSpace(text.charCodeAt(i + 1))))
      return text.replace(SPACE_RUNS, ' ');
  }
  return text;
}

/** A line a reader can take as a headline: right length, a statement, whole quotes, not a list of names. */
function usable(text: string): boolean {
  const count = wordCount(text);
  if (count < HEADLINE_MIN_WORDS || count > HEADLINE_MAX_WORDS) return false;
  if (text.endsWith('?') || text.includes('...') || text.includes('…')) return false;
  if (CONTEXT_OPENER.test(text) || BACK_REFERENCE.test(text)) return false;
  if (isNameList(text)) return false;
  return balanced(text);
}

/** Openers that need an earlier sentence, or a reader who already knows the story. */
const CONTEXT_OPENER =
  /^(?:He|She|It|They|We|I|You|His|Her|Its|Their|This|That|These|Those|But|And|So|Or|Yet|Also|However|Still|Then|There|Here|Well|Oh|Now)\b/;

/**
 * "The teenager was shot …", "The company said …": a bare "the" + noun as the subject of the first verb
 * stands for someone the article named before; a headline names who it is about ("The Indian navy
 * captured …", "The 6.1-magnitude quake struck …" keep theirs).
 */
const BACK_REFERENCE =
  /^The [a-z]+ (?:is|are|was|were|has|have|had|will|would|said|says|told|explained|added)\b/;

/**
 * True for a comma- or "and"-separated list of short capitalised names ("SeaMicro, Intel"), the old
 * label form: it names who is involved but does not say what happened.
 */
export function isNameList(text: string): boolean {
  const parts = text
    .split(LIST_SEPARATOR)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length < 2 && !text.includes(',')) return false;
  return parts.every((part) => {
    const tokens = part.split(SPACES);
    return tokens.length <= 4 && tokens.every((t) => NAME_LIKE.test(t) || isStopword(t));
  });
}

const LIST_SEPARATOR = /,|&|\sand\s/;
/** A token whose first letter or digit is a capital or a digit. */
const NAME_LIKE = /^[^\p{L}\p{N}]*[\p{Lu}\p{N}]/u;

/** Even straight quotes, and as many of each opening quote or bracket as closing ones: one scan, no match arrays. */
function balanced(text: string): boolean {
  let straight = 0;
  let quotes = 0;
  let parentheses = 0;
  let brackets = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) straight++;
    else if (code === 0x201c) quotes++;
    else if (code === 0x201d) quotes--;
    else if (code === 0x28) parentheses++;
    else if (code === 0x29) parentheses--;
    else if (code === 0x5b) brackets++;
    else if (code === 0x5d) brackets--;
  }
  return straight % 2 === 0 && quotes === 0 && parentheses === 0 && brackets === 0;
}

// --- Scoring -------------------------------------------------------------------------------------

/**
 * Content term id -> share of the theme's articles using it in their headline or first sentences. The
 * counts live in one reused array (one theme is scored at a time) and are read until the next call.
 */
function sharedTerms(articles: readonly Article[], terms: ArticleTerms): (term: number) => number {
  const counts = SHARED_COUNTS;
  counts.clear();
  const found = TERM_SET;
  for (const article of articles) {
    found.clear();
    const title = terms.titleTokens(article);
    addContentTerms(terms, title, 0, title.length, found);
    const runs = terms.sentenceTokens(article);
    for (let i = 0; i < Math.min(SHARED_SENTENCES, article.sentences.length); i++)
      addContentTerms(
        terms,
        runs.ids,
        runs.starts[i] as number,
        leadTokensEnd(article, i, runs, terms),
        found,
      );
    for (let k = 0; k < found.members.length; k++) counts.increment(found.members.at(k));
  }
  return (term) => counts.get(term) / articles.length;
}

/** Adds the content terms of `tokens[from .. to - 1]` to `found`. */
function addContentTerms(terms: ArticleTerms, tokens: Int32Array, from: number, to: number, found: TermSet) {
  for (let k = from; k < to; k++) {
    const term = terms.contentTerm(tokens[k] as number);
    if (term >= 0) found.add(term);
  }
}

/**
 * A set of term ids as marks in one reused array, its members listed in the order added: a Set per
 * article and per candidate was much of the headline's garbage. Each use clears it first.
 */
class TermSet {
  private marks = new Int32Array(1024);
  /** The mark of the current members; 0 is no member's. */
  private mark = 1;
  readonly members = new IntList();

  clear(): void {
    this.mark++;
    this.members.clear();
  }

  add(term: number): void {
    if (term >= this.marks.length) this.marks = grown(this.marks, Math.max(2 * this.marks.length, term + 1));
    if (this.marks[term] === this.mark) return;
    this.marks[term] = this.mark;
    this.members.push(term);
  }
}

/** Counts by term id in one reused array; `clear` zeroes only the terms counted. */
class TermCounts {
  private counts = new Int32Array(1024);
  private readonly counted = new TermSet();

  clear(): void {
    for (let k = 0; k < this.counted.members.length; k++) this.counts[this.counted.members.at(k)] = 0;
    this.counted.clear();
  }

  increment(term: number): void {
    if (term >= this.counts.length)
      this.counts = grown(this.counts, Math.max(2 * this.counts.length, term + 1));
    this.counted.add(term);
    this.counts[term] = (this.counts[term] as number) + 1;
  }

  get(term: number): number {
    return term < this.counts.length ? (this.counts[term] as number) : 0;
  }
}

const TERM_SET = new TermSet();
const SHARED_COUNTS = new TermCounts();

/** Where sentence `i`'s tokens end in `runs` once it is cut after `SENTENCE_WORDS` words, as `leadOf` cuts it. */
function leadTokensEnd(article: Article, i: number, runs: TokenRuns, terms: ArticleTerms): number {
  const sentence = article.sentences[i] as string;
  // Words are at least one character apart: a sentence this short has no more words than that.
  if ((sentence.length + 1) / 2 < SENTENCE_WORDS) return runs.ends[i] as number;
  const start = runs.starts[i] as number;
  let tokens = 0;
  terms.forEachWord(sentence, runs.ids, start, SENTENCE_WORDS, {
    word: (_start, _end, _from, to) => {
      tokens = to;
    },
  });
  return start + tokens;
}

/**
 * What the theme's articles share, per square root of the candidate's terms (a long line gains from
 * more shared words, but less than in proportion), raised for outlets' headlines and for lines with
 * a verb, lowered slightly by the article's rank in the theme.
 */
function scoreOf(
  candidate: Candidate,
  shareOf: (term: number) => number,
  rank: number,
  terms: ArticleTerms,
): number {
  const tokens = terms.tokens(candidate.text);
  const own = TERM_SET;
  own.clear();
  addContentTerms(terms, tokens, 0, tokens.length, own);
  const count = own.members.length;
  if (count === 0) return 0;
  let shares = 0;
  for (let k = 0; k < count; k++) shares += shareOf(own.members.at(k));
  const support = shares / Math.sqrt(count);
  const form = (candidate.headline ? 1.2 : 1) * (hasVerb(mainClause(candidate.text)) ? 1 : 0.5);
  return support * form * (1 / (1 + 0.02 * rank));
}

/** The words before a relative pronoun: "A former employee who opened fire" has no verb of its own. */
function mainClause(text: string): string {
  const match = RELATIVE_PRONOUN.exec(text);
  return match ? text.slice(0, match.index) : text;
}

const RELATIVE_PRONOUN = /\s(?:who|which|whose|whom)\s/;

const COMMON_VERBS = new Set(
  `is are was were be been has have had will would can could may might must should do does did get gets got
  hit hits set sets put puts cut cuts quit quits win wins won lose loses lost take takes took make makes
  give gives gave go goes went come comes came run runs ran say says said tell tells told find finds found
  leave leaves left keep keeps kept hold holds held meet meets met see sees saw seek seeks sought buy buys
  bought sell sells sold pay pays paid name names`.split(/\s+/),
);

/** A sign of a finite verb: a common verb, an -ed or -ing form, an -s form after a lowercase word or name, or "to" + word. */
function hasVerb(text: string): boolean {
  const tokens = text.split(SPACES).map(lettersOf);
  return tokens.some((token, i) => {
    const lower = token.toLowerCase();
    if (COMMON_VERBS.has(lower)) return true;
    if (i === 0 || token !== lower) return false;
    if (tokens[i - 1]?.toLowerCase() === 'to') return !isStopword(lower);
    return VERB_ENDING.test(lower) && lower.length > 3 && !isStopword(lower);
  });
}

const VERB_ENDING = /(?:ed|[^s']s)$/;

/** The token without what is no letter at its edges; most start and end with an ASCII letter: nothing to trim. */
const lettersOf = (token: string) =>
  isAsciiLetter(token.charCodeAt(0)) && isAsciiLetter(token.charCodeAt(token.length - 1))
    ? token
    : trimWhere(token, NOT_LETTER);

// --- Shortening a sentence at a clause boundary ----------------------------------------------------

/** Words that open a clause a headline can do without. */
const CLAUSE_START = new Set(
  'who which that where when while after before because since although though but and amid despite following including according saying adding'.split(
    ' ',
  ),
);
/** Words a headline may be cut before when no clause boundary fits: where, when and with what. */
const PHRASE_START = new Set('in on at for from with by near during over into to'.split(' '));
/** Opening words of a fronted phrase ("On Thursday, …", "With a month left, …"): cut it off instead. */
const FRONTED = new Set(
  'on in at after before with without as while when during since following despite amid just earlier later last this early late for by today yesterday tonight'.split(
    ' ',
  ),
);

/**
 * The longest start of `sentence` with at most 14 words that ends at a clause boundary (a comma, a
 * dash, a semicolon, or before "who", "which", "after" ...), else before a preposition. A fronted
 * phrase ending at the first comma is dropped first. Never cuts inside a capitalised name, nor after
 * a function word. Returns undefined when no cut gives a line of at least 4 words.
 */
export function shorten(sentence: string): string | undefined {
  let tokens = sentence.trim().split(SPACES);
  if (FRONTED.has(stripPunctuation(tokens[0] ?? '').toLowerCase())) {
    const firstComma = tokens.findIndex((t) => t.endsWith(','));
    if (firstComma >= 0 && firstComma < tokens.length - HEADLINE_MIN_WORDS)
      tokens = tokens.slice(firstComma + 1);
  }
  if (tokens.length <= HEADLINE_MAX_WORDS) return tokens.join(' ');
  for (const boundary of [clauseEnd, phraseEnd]) {
    for (let end = HEADLINE_MAX_WORDS; end >= HEADLINE_MIN_WORDS; end--) {
      if (boundary(tokens, end) && !endsOnReducedRelative(tokens, end)) {
        const text = trimWhere(tokens.slice(0, end).join(' '), CUT_PUNCTUATION, 'end');
        if (balanced(text)) return text;
      }
    }
  }
  return undefined;
}

/** A cut after `end` words is at a clause boundary: punctuation after the last kept word, or a clause word next. */
function clauseEnd(tokens: readonly string[], end: number): boolean {
  const last = tokens[end - 1] ?? '';
  const next = tokens[end] ?? '';
  const punctuated = endsWithPause(last);
  if (!punctuated && isStopword(stripPunctuation(last).toLowerCase())) return false;
  // "the IBF, IBO and WBO titles": a comma between two names is inside a list, not a clause boundary.
  if (last.endsWith(',') && startsWith(last, 'upper') && startsWith(next, 'upper')) return false;
  // "… IBF, IBO and WBO titles": a list of names goes on after "and".
  if ((next === 'and' || next === 'or') && startsWith(last, 'upper')) return false;
  // "meant to show | that …", "officials said | that …": "that" opens the verb's object, not a new clause.
  if (!punctuated && next.toLowerCase() === 'that' && takesThatClause(stripPunctuation(last))) return false;
  return punctuated || DASHES.test(next) || CLAUSE_START.has(next.toLowerCase());
}

/** Ends on a comma, semicolon or colon. */
const endsWithPause = (token: string) => {
  const code = token.charCodeAt(token.length - 1);
  return code === 0x2c || code === 0x3b || code === 0x3a;
};
const DASHES = /^[—–-]+$/;
const CUT_PUNCTUATION = /[,;:—–-]/;

/**
 * A cut before a preposition, after a content word, that does not split a name ("Bank of America"), nor
 * part a participle from the "to" it needs ("meant | to show", "is expected | to direct") or, when it
 * describes the noun before it, from its "by" ("an election hailed | by the government"): the line
 * would end on a verb missing its object or its agent.
 */
function phraseEnd(tokens: readonly string[], end: number): boolean {
  const last = stripPunctuation(tokens[end - 1] ?? '');
  const next = tokens[end] ?? '';
  if (!PHRASE_START.has(next) || last === '' || isStopword(last.toLowerCase())) return false;
  if (!isParticiple(last)) return true;
  // "was foiled | by the navy" is a whole passive; "an election hailed | by" and "expected | to" are not.
  return next !== 'to' && !(next === 'by' && !followsAuxiliary(tokens, end - 1));
}

/** Whether the word before `tokens[at]` is an auxiliary, an adverb, "and" or "or" ("was arrested", "shot and killed"). */
function followsAuxiliary(tokens: readonly string[], at: number): boolean {
  const before = stripPunctuation(tokens[at - 1] ?? '').toLowerCase();
  return AUXILIARIES.has(before) || before.endsWith('ly') || before === 'and' || before === 'or';
}

/**
 * A cut after `end` words ends on a participle that describes the noun before it while the line already has
 * its verb ("… have voted in the first parliamentary election held | after …"): what it was held for is cut.
 * A participle after an auxiliary or an adverb ("was arrested", "were badly injured"), or in a line with no
 * other verb ("Gunman arrested"), is the line's own predicate.
 */
function endsOnReducedRelative(tokens: readonly string[], end: number): boolean {
  const last = stripPunctuation(tokens[end - 1] ?? '');
  if (endsWithPause(tokens[end - 1] ?? '') || !isParticiple(last)) return false;
  if (followsAuxiliary(tokens, end - 1)) return false;
  return hasVerb(tokens.slice(0, end - 1).join(' '));
}

const AUXILIARIES = new Set(
  'is are was were be been being has have had get gets got not never also just already'.split(' '),
);

/** "hailed", "taken", "meant": a lowercase word that reads as a past participle. */
function isParticiple(word: string): boolean {
  if (!startsWith(word, 'lower')) return false;
  return (word.length > 4 && word.endsWith('ed')) || IRREGULAR_PARTICIPLES.has(word);
}

/** "said", "show", "believes": a verb whose object can be a "that" clause (any -ed form is taken for one). */
function takesThatClause(word: string): boolean {
  return (word.length > 4 && word.endsWith('ed')) || CLAUSE_VERBS.has(word.toLowerCase());
}

const CLAUSE_VERBS = new Set(
  'say says said show shows shown tell tells told think thinks thought know knows knew believe believes hope hopes fear fears claim claims warn warns insist insists mean means meant argue argues suggest suggests find finds found admit admits deny denies indicate indicates'.split(
    ' ',
  ),
);

const IRREGULAR_PARTICIPLES = new Set(
  'meant set made held built known shown given taken seen sent told paid put hit shot cut led left found brought bought caught thought kept won lost beaten chosen driven broken written sworn due'.split(
    ' ',
  ),
);

// Patterns are module constants: a literal in a function is a new RegExp object at every call.
const SPACES = /\s+/;
const SPACE_RUNS = /\s+/g;
const CAPITALS_ONLY = /^\p{Lu}+$/u;
const NOT_LETTER = /[^\p{L}]/u;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/u;

const LOWER_START = /^\p{Ll}/u;
const UPPER_FIRST = /^\p{Lu}/u;
const ALL_UPPER = /^\p{Lu}{2,}$/u;
/** Whether `token` starts with a lower- or upper-case letter; ASCII without a pattern (most words). */
function startsWith(token: string, letterCase: 'lower' | 'upper'): boolean {
  const code = token.charCodeAt(0);
  if (code < 128) return letterCase === 'lower' ? code >= 97 && code <= 122 : code >= 65 && code <= 90;
  return (letterCase === 'lower' ? LOWER_START : UPPER_FIRST).test(token);
}

const isAsciiLetterOrDigit = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

function stripPunctuation(token: string): string {
  // Most words start and end with an ASCII letter or digit: nothing to strip.
  const plain =
    token.length > 0 &&
    isAsciiLetterOrDigit(token.charCodeAt(0)) &&
    isAsciiLetterOrDigit(token.charCodeAt(token.length - 1));
  return plain ? token : trimWhere(token, NOT_LETTER_OR_DIGIT);
}

// --- Cleaning and case --------------------------------------------------------------------------------

/** "Report: …", "UPDATE - …", "27/09/2013-…": a one- or two-word label or a date before the headline. */
function stripLabel(title: string): string {
  return title.replace(DATE_LABEL, '').replace(WORD_LABEL, '');
}

const DATE_LABEL = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*[-–—:]\s*/;
const WORD_LABEL = /^[\p{L}]+(?:\s[\p{L}]+)?\s*:\s+(?=\S)/u;

/**
 * A line made of dates, times and stamp words only ("27 NOVEMBER, 2005", "8: 24am:", "APR 28"): from its
 * start, piece after piece is one of them. A headline's first word is not: most are read no further.
 */
function isTimestampLike(text: string): boolean {
  for (let at = 0; at < text.length; at = STAMP_PIECE.lastIndex) {
    STAMP_PIECE.lastIndex = at;
    if (!STAMP_PIECE.test(text)) return false;
  }
  return true;
}

const STAMP_PIECE =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:posted|updated|published|last|am|pm|gmt|est|edt|pst|pdt|et|at|on)\b|\d+(?:st|nd|rd|th)?|[\s\p{P}]/iuy;

/** Ends without a closing full stop or colon; starts with a capital. */
function finish(text: string): string {
  const trimmed = trimWhere(trimWhere(text, TRAILING_PUNCTUATION, 'end'), LEADING_PUNCTUATION, 'start');
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

const TRAILING_PUNCTUATION = /[\s.,;:—–-]/u;
const LEADING_PUNCTUATION = /[\s,;:—–-]/u;

/** Has lowercase content words: already sentence case (or a lead sentence), not Title Case or ALL CAPS. */
function isSentenceCase(text: string): boolean {
  const words = text.split(SPACES).filter((w) => LONG_WORD.test(w) && !isStopword(w.toLowerCase()));
  if (words.length === 0) return true;
  const lower = words.filter((w) => LOWER_START.test(w)).length;
  return lower / words.length >= 0.3;
}

const LONG_WORD = /^\p{L}{4,}/u;

/**
 * How the theme's bodies (their first sentences) write each word's case, not counting sentence starts.
 * Capitalised words are counted in one pass; lowercase ones in a second, only for words seen capitalised
 * or written in capitals in a candidate's source, and only until they outnumber the capitalised ones
 * (every question compares the two). A question about any other word reads the bodies again in full.
 */
class CaseEvidence {
  private readonly capitalised = new Map<string, number>();
  /** Lowercase count of each counted word, up to its capitalised count + 1. */
  private readonly lowercase = new Map<string, number>();
  private readonly pairs = new Set<string>();
  private readonly acronyms = new Set<string>();
  private everyWord: CaseEvidence | undefined;

  /** `shouted`: the lowercase words in capitals in the candidates' sources; undefined to count every word. */
  constructor(
    private readonly articles: readonly Article[],
    private readonly shouted?: ReadonlySet<string>,
  ) {
    // Outlets repeat sentences word for word: each distinct one is read once, its counts times its copies.
    const sentences = new Map<string, number>();
    for (const article of articles)
      for (const sentence of leadOf(article, EVIDENCE_SENTENCES))
        sentences.set(sentence, (sentences.get(sentence) ?? 0) + 1);
    // One scan of each: capitalised words are counted at once, lowercase ones kept until every capitalised
    // count is known (it bounds what is tallied).
    const lowercase = LOWERCASE_WORDS;
    lowercase.clear();
    for (const [sentence, copies] of sentences) this.readWords(sentence, copies, lowercase);
    const counted = new LowercaseTally(this.capitalised, shouted);
    lowercase.forEach((word, copies) => {
      counted.add(word, copies);
    }, counted.shapes);
    lowercase.clear();
    for (const [key, count] of counted.counts) this.lowercase.set(key, count);
  }

  /** Capitalised in the bodies more often than in lowercase. */
  isNamed(key: string): boolean {
    const capitals = this.capitalised.get(key) ?? 0;
    return capitals > 0 && capitals > this.timesLowercase(key);
  }

  /** Written in lowercase more often than capitalised (for a word in capitals in a candidate). */
  isShouted(key: string): boolean {
    if (this.shouted !== undefined && !this.lowercase.has(key) && !this.shouted.has(key))
      return this.all().isShouted(key);
    return this.timesLowercase(key) > (this.capitalised.get(key) ?? 0);
  }

  /** Capitalised at least twice, and at least four times as often as in lowercase. */
  isLowercasedName(key: string): boolean {
    const capitals = this.capitalised.get(key) ?? 0;
    return capitals >= 2 && this.timesLowercase(key) * 4 <= capitals;
  }

  /** Whether the bodies capitalise the two words (lowercase, "undefined" for none) one after the other. */
  hasPair(first: string, second: string): boolean {
    return this.pairs.has(`${first} ${second}`);
  }

  /** Whether the bodies write the word in capitals. */
  isAcronym(word: string): boolean {
    return this.acronyms.has(word);
  }

  private timesLowercase(key: string): number {
    return this.lowercase.get(key) ?? 0;
  }

  private all(): CaseEvidence {
    this.everyWord ??= new CaseEvidence(this.articles);
    return this.everyWord;
  }

  /** Counts the sentence's capitalised words and adds its lowercase ones to `lowercase`. */
  private readWords(sentence: string, copies: number, lowercase: LowercaseWords): void {
    // The key of the last capitalised word but the first word, and its index: a pair needs the next.
    let previous: string | undefined;
    let previousIndex = -2;
    forEachWord(sentence, (text, from, to, index, word, upper) => {
      if (!upper) {
        lowercase.add(text, from, to, word, copies);
        return;
      }
      const token = word ?? text.slice(from, to);
      // A word beyond ASCII (`word` given) is keyed folded, so "Pérez" and "Perez" are one word's evidence.
      const key = word === undefined ? token.toLowerCase() : foldedLowercase(token);
      if (ALL_UPPER.test(token)) this.acronyms.add(token);
      if (previous !== undefined && previousIndex === index - 1) this.pairs.add(`${previous} ${key}`);
      previous = index === 0 ? undefined : key;
      previousIndex = index;
      if (index > 0) this.capitalised.set(key, (this.capitalised.get(key) ?? 0) + copies);
    });
  }
}

/** Lowercase counts of the words that can be asked about, each up to its capitalised count + 1. */
class LowercaseTally {
  readonly counts = new Map<string, number>();
  /**
   * How many counted ASCII words have each shape: a word of no such shape is passed over unread. One
   * array zeroed for each tally (there is one at a time), not a new one: that is slow to get and to free.
   */
  readonly shapes: Uint16Array | undefined;
  private readonly limits = new Map<string, number>();

  constructor(capitalised: ReadonlyMap<string, number>, shouted: ReadonlySet<string> | undefined) {
    if (shouted === undefined) return;
    this.shapes = TALLY_SHAPES.fill(0);
    const count = (key: string) => {
      if (this.limits.has(key)) return;
      this.limits.set(key, (capitalised.get(key) ?? 0) + 1);
      this.counts.set(key, 0);
      const shapes = this.shapes as Uint16Array;
      if (!NON_ASCII.test(key)) shapes[shapeOf(key)] = (shapes[shapeOf(key)] as number) + 1;
    };
    for (const key of capitalised.keys()) count(key);
    for (const key of shouted) count(key);
  }

  add(word: string, copies: number): void {
    const key = word.toLowerCase();
    if (this.shapes === undefined) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + copies);
      return;
    }
    const limit = this.limits.get(key);
    if (limit === undefined) return;
    const count = Math.min((this.counts.get(key) as number) + copies, limit);
    this.counts.set(key, count);
    // Decided: every question about it now has its answer.
    if (count === limit && !NON_ASCII.test(key)) {
      this.limits.delete(key);
      this.shapes[shapeOf(key)] = (this.shapes[shapeOf(key)] as number) - 1;
    }
  }
}

/**
 * Lowercase words of sentences, kept as where they are, to be tallied once the capitalised ones are counted.
 * A headline reads thousands of words: their places go in one typed array, reused from one CaseEvidence to
 * the next (one is filled and emptied at a time), not in an entry object per word.
 */
class LowercaseWords {
  /** The sentences read, and each non-ASCII word as a text of its own (it is `token`, not a slice). */
  private readonly texts: string[] = [];
  /** Per word: its text's index in `texts` (-1 - index for a non-ASCII word's own text), from, to, copies. */
  private spans = new Int32Array(4 * 1024);
  private count = 0;
  /** `texts` index of the sentence `add` was last given. */
  private sentence = -1;

  /** The word `token`, or `text.slice(from, to)` when `token` is undefined (an ASCII word), `copies` times. */
  add(text: string, from: number, to: number, token: string | undefined, copies: number): void {
    let at: number;
    if (token !== undefined) {
      // Folded as the capitalised words' keys are ("pérez" counts for "Pérez").
      this.texts.push(foldLetters(token));
      at = -this.texts.length;
    } else {
      if (this.texts[this.sentence] !== text) {
        this.texts.push(text);
        this.sentence = this.texts.length - 1;
      }
      at = this.sentence;
    }
    if (4 * this.count + 4 > this.spans.length) this.spans = grown(this.spans, 2 * this.spans.length);
    const spans = this.spans;
    const i = 4 * this.count++;
    spans[i] = at;
    spans[i + 1] = token === undefined ? from : 0;
    spans[i + 2] = token === undefined ? to : token.length;
    spans[i + 3] = copies;
  }

  /**
   * Visits the words in the order added. An ASCII word whose shape (length, first and last letter in
   * lowercase) has no count in `shapes` when its turn comes is not visited, nor its string built.
   */
  forEach(visit: (word: string, copies: number) => void, shapes?: Uint16Array): void {
    const spans = this.spans;
    for (let i = 0; i < 4 * this.count; i += 4) {
      const at = spans[i] as number;
      const from = spans[i + 1] as number;
      const to = spans[i + 2] as number;
      const copies = spans[i + 3] as number;
      if (at < 0) {
        visit(this.texts[-1 - at] as string, copies);
        continue;
      }
      const text = this.texts[at] as string;
      if (
        shapes &&
        shapes[shape(to - from, text.charCodeAt(from), lowerAscii(text.charCodeAt(to - 1)))] === 0
      )
        continue;
      visit(text.slice(from, to), copies);
    }
  }

  /** Forgets the words (and lets go of their sentences). */
  clear(): void {
    this.texts.length = 0;
    this.count = 0;
    this.sentence = -1;
  }
}

const LOWERCASE_WORDS = new LowercaseWords();

/**
 * Visits the words of a sentence as `split(/\s+/)` gives them (a leading space makes an empty first word),
 * without their edge punctuation, that start with a letter, `upper` when it is a capital: the word is
 * `token`, or `sentence.slice(from, to)` when `token` is undefined (an ASCII word: its string is built
 * only when wanted); `index` is its place among all words.
 */
function forEachWord(
  sentence: string,
  visit: (
    sentence: string,
    from: number,
    to: number,
    index: number,
    token: string | undefined,
    upper: boolean,
  ) => void,
): void {
  const length = sentence.length;
  let index = length === 0 || isSpaceCode(sentence.charCodeAt(0)) ? 0 : -1;
  for (let at = 0; ; ) {
    while (at < length && isSpaceCode(sentence.charCodeAt(at))) at++;
    if (at === length) return;
    const start = at;
    let ascii = true;
    for (; at < length; at++) {
      const code = sentence.charCodeAt(at);
      if (code < 128) {
        if (code === 32 || (code >= 9 && code <= 13)) break;
      } else if (isSpace(code)) break;
      else ascii = false;
    }
    index++;
    if (!ascii) {
      const token = stripPunctuation(sentence.slice(start, at));
      if (token === '') continue;
      if (startsWith(token, 'upper')) visit(sentence, start, at, index, token, true);
      else if (startsWith(token, 'lower')) visit(sentence, start, at, index, token, false);
      continue;
    }
    let from = start;
    let to = at;
    while (from < to && !isAsciiLetterOrDigit(sentence.charCodeAt(from))) from++;
    while (to > from && !isAsciiLetterOrDigit(sentence.charCodeAt(to - 1))) to--;
    const first = sentence.charCodeAt(from);
    if (from === to || first < 65 || (first > 90 && first < 97)) continue;
    visit(sentence, from, to, index, undefined, first <= 90);
  }
}

const isSpaceCode = (code: number) => (code < 128 ? code === 32 || (code >= 9 && code <= 13) : isSpace(code));

/** The lowercase words in capitals (3 letters or more) in the candidates' headlines and first two sentences. */
function shoutedWords(articles: readonly Article[]): Set<string> {
  const words = new Set<string>();
  for (const article of articles.slice(0, CANDIDATE_ARTICLES))
    for (const text of [article.title, ...leadOf(article, 2)])
      if (mayHaveCapitals(text)) for (const [word] of text.matchAll(CAPITALS)) words.add(caseKey(word));
  return words;
}

/** A run of 3 capitals or more between characters that are no letter or digit. */
const CAPITALS = /(?<![\p{L}\p{N}])\p{Lu}{3,}(?![\p{L}\p{N}])/gu;

/**
 * Whether CAPITALS can match: three code units in a row that are each A-Z or beyond ASCII (any other
 * capital is). Most lines have none, and are not searched.
 */
function mayHaveCapitals(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    run = (code >= 65 && code <= 90) || code >= 128 ? run + 1 : 0;
    if (run === 3) return true;
  }
  return false;
}
const SHAPES = 1 << 14;
const TALLY_SHAPES = new Uint16Array(SHAPES);
const shape = (length: number, first: number, last: number) =>
  ((Math.min(length, 15) << 10) | ((first & 31) << 5) | (last & 31)) & (SHAPES - 1);
const shapeOf = (key: string) => shape(key.length, key.charCodeAt(0), key.charCodeAt(key.length - 1));
const lowerAscii = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
const NON_ASCII = /[^\0-\x7f]/;

/**
 * Title Case or ALL CAPS headline to sentence case: a word keeps its capital when the bodies write it
 * with one (alone, or as part of a capitalised pair such as "New Zealand"), a word the bodies write in
 * capitals stays so, everything else is lowercased; the first word is capitalised.
 */
function toSentenceCase(title: string, evidence: CaseEvidence): string {
  const tokens = title.split(SPACES);
  const keys = tokens.map((t) => caseKey(stripPunctuation(t)));
  const allCaps = !LOWERCASE_LETTER.test(title);
  return tokens
    .map((token, i) => {
      const word = stripPunctuation(token);
      const key = keys[i] ?? '';
      const named =
        evidence.hasPair(`${keys[i - 1]}`, key) ||
        evidence.hasPair(key, `${keys[i + 1]}`) ||
        evidence.isNamed(key);
      let cased: string;
      if (ALL_UPPER.test(word) && (!allCaps || evidence.isAcronym(word))) cased = word;
      else if (named || ABBREVIATED.test(token))
        cased = word.charAt(0).toUpperCase() + (allCaps ? word.slice(1).toLowerCase() : word.slice(1));
      else cased = key;
      const result = token.replace(word, cased);
      return i === 0 ? result.charAt(0).toUpperCase() + result.slice(1) : result;
    })
    .join(' ');
}

const LOWERCASE_LETTER = /\p{Ll}/u;

/** The key of a word's case evidence: lowercase, letters beyond ASCII folded (`foldedLowercase`). */
function caseKey(word: string): string {
  return NON_ASCII.test(word) ? foldedLowercase(word) : word.toLowerCase();
}
/** "Gov.", "St.": a capitalised abbreviation. */
const ABBREVIATED = /^\p{Lu}\p{Ll}{0,3}\.$/u;

/**
 * Fixes case where the theme's bodies disagree with one source: a shouted word ("A FIRE has …") is
 * lowercased, a name a source wrote in lowercase ("Gov. sarah palin's") gets its capital back.
 */
function recase(text: string, evidence: CaseEvidence): string {
  return text
    .split(SPACES)
    .map((token, i) => {
      const word = stripPunctuation(token);
      const key = caseKey(word);
      if (i > 0 && word.length >= 3 && CAPITALS_ONLY.test(word) && evidence.isShouted(key))
        return token.replace(word, key);
      if (startsWith(word, 'lower') && evidence.isLowercasedName(key))
        return token.replace(word, word.charAt(0).toUpperCase() + word.slice(1));
      return token;
    })
    .join(' ');
}

/** No usable candidate: the central headline or lead, cut to 14 words before a lowercase word. */
function fallback(article: Article): string {
  const source = article.title.trim() || (article.sentences[0] ?? article.id);
  const tokens = source.split(SPACES);
  if (tokens.length <= HEADLINE_MAX_WORDS) return finish(source);
  let end = HEADLINE_MAX_WORDS;
  while (end > HEADLINE_MIN_WORDS && !LOWER_START.test(tokens[end] ?? '')) end--;
  while (end > HEADLINE_MIN_WORDS && isStopword(stripPunctuation(tokens[end - 1] ?? '').toLowerCase())) end--;
  return finish(tokens.slice(0, end).join(' '));
}
