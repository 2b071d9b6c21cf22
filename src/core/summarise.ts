import type { Article } from './article.ts';
import { compareIds } from './compare-ids.ts';
import type { Point } from './digest.ts';
import { ArticleTerms, IntList } from './text/article-terms.ts';
import { isAsciiLetter, isSpace } from './text/chars.ts';
import { FNV_OFFSET, FNV_PRIME } from './text/fnv.ts';
import { Heap } from './text/heap.ts';
import { PairIds } from './text/pair-ids.ts';
import {
  needsAntecedent,
  tokenClues,
  unreadableReason,
  withoutConnective,
  withoutDateline,
} from './text/sentences.ts';
import { isStopword, normaliseForMatch, wordCount } from './text/tokens.ts';
import { grown, placeInTable } from './text/typed-arrays.ts';

export interface SummariseOptions {
  /** Word budget of the whole summary (whole sentences only, never exceeded). */
  words: number;
  /** Most points to return. @default unlimited */
  maxPoints?: number;
  /**
   * Points wanted at least: until there are this many, each choice leaves room for one more short
   * sentence. @default 1
   */
  minPoints?: number;
  /**
   * Exponent of the length cost in the gain-per-cost ratio: 0 ignores length, 1 is gain per word.
   * @default 0.5
   */
  lengthCost?: number;
  /** Extra weight of a concept per article whose lead sentences mention it. @default 1 */
  leadBonus?: number;
  /** Lead sentences per article that earn `leadBonus`. @default 3 */
  leadSentences?: number;
  /**
   * Weight of the diversity reward (Lin & Bilmes 2011) with articles as partitions: a square root of the
   * importance already taken from each article, so points spread over the theme's articles and each
   * article's key sentence comes first. @default 0.875
   */
  diversity?: number;
  /**
   * How fast a sentence's importance to its article falls with its position: 1 / (1 + position)^decay.
   * News copy puts the key fact first. @default 1
   */
  positionDecay?: number;
  /**
   * Share of a sentence's concept weight that must still be uncovered for it to be chosen: near-repeats
   * of points already chosen are skipped, whatever the diversity reward. @default 0.2
   */
  minNewShare?: number;
  /**
   * Share of the content words (stemmed, no stopwords) of the shorter of two sentences found in the other
   * from which on they say the same thing, however worded: the second is never chosen. @default 2/3
   */
  maxOverlap?: number;
  /**
   * The same test for paraphrases: a sentence whose statement (attribution aside) names no person, place
   * or figure the chosen point lacks, shares a name and another content word with it, and has at least
   * this share of its content words in it restates the point in other words ("X has died" after "X died
   * on Thursday in Y, aged 91"). A new name or figure is a new fact and keeps it. @default 0.5
   */
  maxParaphraseOverlap?: number;
}

export const DEFAULT_SUMMARY_OPTIONS = {
  lengthCost: 0.5,
  leadBonus: 1,
  leadSentences: 3,
  diversity: 0.875,
  positionDecay: 1,
  minNewShare: 0.2,
  maxOverlap: 2 / 3,
  maxParaphraseOverlap: 0.5,
};

interface Candidate {
  text: string;
  /** Its tokens (ArticleTerms ids), in order. */
  textTokens: Int32Array;
  words: number;
  concepts: Concept[];
  /** Total weight of its concepts. */
  reward: number;
  /** Importance to its article, from its position: its reward in the diversity term. */
  importance: number;
  /** Article rank (reading order) and sentence index of the first occurrence. */
  article: number;
  position: number;
  /** The first readable sentence of its article: the kind of sentence that says what happened. */
  lead: boolean;
  /** Content terms (ArticleTerms ids), to tell a reworded copy of a chosen point. */
  terms: Set<number>;
  /** The name it opens with when that is a name alone ("Banky was the CEO ..."): the reader must know it. */
  openingName?: string;
  /** The speaker of its quotation when that is a name alone ("…,” Larson said."): read after the point naming them. */
  speakerName?: string;
  /** Figures of its statement (attribution aside), as token ids: what a restatement has no new one of. */
  figures: Set<number>;
  /** Names of its statement (words capitalised as names are), as token ids, and their stems: nor of these. */
  names: { tokens: Set<number>; terms: Set<number> };
  /** Content terms of its statement (attribution aside). */
  statementTerms: Set<number>;
  /** Every token (id), to tell whether a name or figure of another sentence is in this one. */
  tokens: Set<number>;
}

/**
 * Extractive multi-document summary by concept coverage (Gillick & Favre 2009): concepts are stemmed
 * word bigrams weighted by the number of articles that use them (plus a bonus for lead sentences);
 * sentences are chosen greedily by new-concept weight per length^lengthCost within the word budget
 * (Lin & Bilmes 2010). The first point is an article's lead, the one that covers the story best: it
 * says what happened. Only sentences that stand alone are candidates: readable, not opening on a word
 * that points back (a leading "But" or "However," is dropped instead when the rest stands alone), and
 * not a reworded copy of a point already chosen. Points are quoted verbatim and cite every article in
 * which they occur. Input order does not matter.
 */
export function summarise(
  articles: readonly Article[],
  options: SummariseOptions,
  terms = new ArticleTerms(),
): Point[] {
  const ranking = rank(articles, options, terms);
  return pointsOf(ranking, options).map(ranking.quote);
}

/**
 * The summary and what an editor may swap a point for (digest.json `alternatives`) from one ranking of
 * the articles' sentences: the further sentences the summariser picks when given `count` more points
 * and room for them, in its reading order, quoted and cited like points. `terms` is the build's one
 * tokenisation of the articles (pipeline.ts), so their words are not read again.
 */
export function summariseWithAlternatives(
  articles: readonly Article[],
  options: SummariseOptions,
  count: number,
  terms = new ArticleTerms(),
): { points: Point[]; alternatives: Point[] } {
  const ranking = rank(articles, options, terms);
  const points = pointsOf(ranking, options);
  const taken = new Set(points.map((p) => p.text));
  const wider = {
    ...options,
    words: options.words * (1 + count),
    maxPoints: points.length + count,
    minPoints: 1,
  };
  const alternatives = pointsOf(ranking, wider)
    .filter((p) => !taken.has(p.text))
    .slice(0, count);
  return { points: points.map(ranking.quote), alternatives: alternatives.map(ranking.quote) };
}

/** What every selection from the same articles shares: concept weights and candidate sentences. */
interface Ranking {
  /** Concept id -> weight (0: no weight). */
  weights: Float64Array;
  candidates: Candidate[];
  /** A chosen sentence as a point: its text and every article it occurs in. */
  quote: (candidate: Candidate) => Point;
}

/** What a ranking reads off one distinct sentence, however many articles repeat it. */
interface SentenceInfo {
  text: string;
  /** Its tokens (ArticleTerms ids). */
  tokens: Int32Array;
  /** Its concepts are `ids.grams` from `gramsFrom` up to `gramsTo`. */
  gramsFrom: number;
  gramsTo: number;
  /** Whether it stands alone once a wire dateline is cut off: it counts in its article's readable ranks. */
  readable: boolean;
  /** What a point quotes of it (no dateline, a dropped connective), its matchKey and wordCount; none when it needs the sentence before. */
  point?: { text: string; tokens: Int32Array; key: MatchKey; words: number };
}

function sentenceInfo(
  sentence: string,
  tokens: Int32Array,
  ids: ConceptIds,
  keys: SequenceIds,
  terms: ArticleTerms,
  clues: TokenClues,
): SentenceInfo {
  const gramsFrom = ids.appendBigrams(tokens);
  const info: SentenceInfo = {
    text: sentence,
    tokens,
    gramsFrom,
    gramsTo: ids.grams.length,
    readable: false,
  };
  const readableText = withoutDateline(sentence);
  // Counted once: the readability test and most points want the same count.
  const words = readableText === sentence ? wordCountOf(sentence, tokens, terms) : wordCount(readableText);
  if (unreadableReason(readableText, words, clues.ofText(tokens))) return info;
  info.readable = true;
  const text = needsAntecedent(readableText) ? withoutConnective(readableText) : readableText;
  if (text !== undefined) {
    const own = text === sentence ? tokens : terms.tokens(text);
    info.point = {
      text,
      tokens: own,
      key: matchKey(text, own, keys, terms),
      words: text === readableText ? words : wordCount(text),
    };
  }
  return info;
}

/**
 * `wordCount(text)` of a text whose tokens are `tokens`, stepping over each token whole instead of testing
 * every character for a space (ArticleTerms.forEachWord visits the same words).
 */
function wordCountOf(text: string, tokens: Int32Array, terms: ArticleTerms): number {
  return terms.forEachWord(text, tokens, 0, Number.POSITIVE_INFINITY);
}

/**
 * The tokenClues (sentences.ts) of each token of a build's vocabulary, worked out on first sight: one table
 * per build, shared by its rankings.
 */
class TokenClues {
  private static readonly tables = new WeakMap<ArticleTerms, TokenClues>();
  /** Each token's clues with KNOWN_CLUES set; 0 until worked out. */
  private clues = new Uint8Array(1024);

  private constructor(private readonly terms: ArticleTerms) {}

  static of(terms: ArticleTerms): TokenClues {
    let table = TokenClues.tables.get(terms);
    if (!table) {
      table = new TokenClues(terms);
      TokenClues.tables.set(terms, table);
    }
    return table;
  }

  /**
   * The clues of a text's tokens, or'ed together; undefined (all clues) when a token may hold a character
   * beyond ASCII (`ArticleTerms.isFolded`): the text's tokens may not be its runs of ASCII letters and digits
   * (see tokenClues).
   */
  ofText(tokens: Int32Array): number | undefined {
    let all = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as number;
      if (this.terms.isFolded(token)) return undefined;
      all |= this.ofToken(token);
    }
    return all & ~KNOWN_CLUES;
  }

  private ofToken(token: number): number {
    if (token >= this.clues.length)
      this.clues = grown(this.clues, Math.max(2 * this.clues.length, token + 1));
    let clues = this.clues[token] as number;
    if (clues === 0) {
      clues = tokenClues(this.terms.text(token)) | KNOWN_CLUES;
      this.clues[token] = clues;
    }
    return clues;
  }
}

const KNOWN_CLUES = 0x80;

/** Equal for two texts exactly when their normaliseForMatch forms are equal. */
type MatchKey = number | string;

/**
 * A key two texts share exactly when their normaliseForMatch forms are equal, cheap to make: a text whose
 * letters and digits are all ASCII normalises to its tokens joined by spaces, so the id of its token
 * sequence is its key; any other text's key is its normalised form (a string: never equal to an id).
 */
function matchKey(text: string, tokens: Int32Array, keys: SequenceIds, terms: ArticleTerms): MatchKey {
  if (!hasNonAsciiWordChar(text)) return keys.id(tokens);
  const normalised = normaliseForMatch(text);
  return NON_ASCII.test(normalised) ? normalised : keys.id(terms.tokens(normalised));
}

/**
 * Dense ids of token sequences, one per distinct sequence, from an open-addressing table: a sentence's
 * match key without a string built from its tokens. Sequences are kept, not copied (no one writes to them).
 */
class SequenceIds {
  private readonly sequences: Int32Array[] = [];
  private hashes = new Int32Array(256);
  /** Sequence id + 1 per slot, 0 when free; at most half full. */
  private slots = new Int32Array(512);

  id(tokens: Int32Array): number {
    let hash = FNV_OFFSET;
    for (let i = 0; i < tokens.length; i++) hash = Math.imul(hash ^ (tokens[i] as number), FNV_PRIME);
    hash ^= hash >>> 15;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.hashes[entry - 1] === hash && sameTokens(this.sequences[entry - 1] as Int32Array, tokens))
        return entry - 1;
    }
    const id = this.sequences.length;
    this.sequences.push(tokens);
    if (id === this.hashes.length) this.hashes = grown(this.hashes, 2 * id);
    this.hashes[id] = hash;
    if (2 * (id + 1) > this.slots.length) {
      this.slots = new Int32Array(2 * this.slots.length);
      for (let known = 0; known < id; known++) placeInTable(this.slots, this.hashes[known] as number, known);
    }
    placeInTable(this.slots, hash, id);
    return id;
  }
}

function sameTokens(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether a text has a letter, mark or digit beyond ASCII: its tokens may not be its runs of ASCII letters and
 * digits (fold.ts folds "é" into a word, drops a combining accent, reads Han as bigrams).
 */
const hasNonAsciiWordChar = (text: string) => NON_ASCII.test(text) && NON_ASCII_WORD_CHAR.test(text);
const NON_ASCII_WORD_CHAR = /(?![\0-\x7f])[\p{L}\p{M}\p{N}]/u;

function rank(articles: readonly Article[], options: SummariseOptions, terms: ArticleTerms): Ranking {
  const settings = { ...DEFAULT_SUMMARY_OPTIONS, ...options };
  const ordered = readingOrder(articles);
  const ids = new ConceptIds(terms);
  const keys = new SequenceIds();
  const clues = TokenClues.of(terms);
  // Syndicated copy repeats sentences word for word: each distinct one is read once.
  const infos = new Map<string, SentenceInfo>();
  const sentences = ordered.map((article) => {
    const tokens = terms.sentenceTokens(article);
    return article.sentences.map((sentence, i) => {
      let info = infos.get(sentence);
      if (!info) {
        const run = tokens.ids.subarray(tokens.starts[i], tokens.ends[i]);
        info = sentenceInfo(sentence, run, ids, keys, terms, clues);
        infos.set(sentence, info);
      }
      return info;
    });
  });
  const weights = conceptWeights(
    sentences,
    ids.grams.values(),
    ids.size,
    settings.leadSentences,
    settings.leadBonus,
  );
  const candidates = candidatesOf(sentences, ids, weights, settings.positionDecay, {
    terms,
    cases: once(() => new WordCases(infos.values(), terms)),
  });
  const search = new ArticleSearch(ordered, sentences, terms);
  const sources = new Map<Candidate, string[]>();
  const quote = (candidate: Candidate): Point => {
    let found = sources.get(candidate);
    if (!found) {
      found = search.quoting(candidate.text, candidate.textTokens);
      sources.set(candidate, found);
    }
    return { text: candidate.text, sources: found };
  };
  return { weights, candidates, quote };
}

/**
 * Finds the articles that quote a point: those whose headline and body, normalised and joined by spaces,
 * contain the point's normalised text between spaces. When that text is ASCII, the article must have its
 * tokens in a row (over its headline and sentences in turn); an article whose letters and digits are all
 * ASCII normalises to its tokens joined by spaces, so that is all it needs.
 */
class ArticleSearch {
  private streams: Int32Array[] | undefined;
  private readonly plain: (boolean | undefined)[] = [];
  private readonly haystacks: (string | undefined)[] = [];

  constructor(
    private readonly articles: readonly Article[],
    private readonly sentences: readonly (readonly SentenceInfo[])[],
    private readonly terms: ArticleTerms,
  ) {}

  /** The articles that quote `text`, whose tokens are `tokens`. */
  quoting(text: string, tokens: Int32Array): string[] {
    const keyTokens = this.normalisedTokens(text, tokens);
    const needle = once(() => ` ${normaliseForMatch(text)} `);
    const inHaystack = (a: number) => this.haystack(a).includes(needle());
    return this.articles
      .filter((_, a) =>
        keyTokens === undefined
          ? inHaystack(a)
          : holds(this.stream(a), keyTokens) && (this.isPlain(a) || inHaystack(a)),
      )
      .map((article) => article.id);
  }

  /** The tokens of the text's normalised form, when that is ASCII and not empty. */
  private normalisedTokens(text: string, tokens: Int32Array): Int32Array | undefined {
    // A text whose letters and digits are all ASCII normalises to its tokens joined by spaces (see matchKey).
    if (!hasNonAsciiWordChar(text)) return tokens.length > 0 ? tokens : undefined;
    const key = normaliseForMatch(text);
    return NON_ASCII.test(key) || key === '' ? undefined : this.terms.tokens(key);
  }

  /** The tokens of the article's headline then of its sentences. */
  private stream(a: number): Int32Array {
    this.streams ??= this.allStreams();
    return this.streams[a] as Int32Array;
  }

  /**
   * Every article's stream, as views of one array: the first quote reads them all, and a typed array
   * apiece would be slow to get and to free.
   */
  private allStreams(): Int32Array[] {
    const titles = this.articles.map((article) => this.terms.titleTokens(article));
    let total = 0;
    this.articles.forEach((_, a) => {
      total += (titles[a] as Int32Array).length;
      for (const sentence of this.sentences[a] as SentenceInfo[]) total += sentence.tokens.length;
    });
    const all = new Int32Array(total);
    let at = 0;
    return this.articles.map((_, a) => {
      const start = at;
      const title = titles[a] as Int32Array;
      all.set(title, at);
      at += title.length;
      for (const { tokens } of this.sentences[a] as SentenceInfo[]) {
        all.set(tokens, at);
        at += tokens.length;
      }
      return all.subarray(start, at);
    });
  }

  /** Whether the article's headline and sentences have no letter or digit beyond ASCII. */
  private isPlain(a: number): boolean {
    this.plain[a] ??=
      !hasNonAsciiWordChar((this.articles[a] as Article).title) &&
      !(this.sentences[a] as SentenceInfo[]).some((s) => hasNonAsciiWordChar(s.text));
    return this.plain[a];
  }

  /** normaliseForMatch of the article's headline and body joined by spaces, from its sentences' own. */
  private haystack(a: number): string {
    this.haystacks[a] ??= ` ${[
      normaliseForMatch((this.articles[a] as Article).title),
      ...(this.sentences[a] as SentenceInfo[]).map((s) => normaliseForMatch(s.text)),
    ]
      .filter((part) => part !== '')
      .join(' ')} `;
    return this.haystacks[a];
  }
}

/** Whether `stream` has `tokens` in a row. */
function holds(stream: Int32Array, tokens: Int32Array): boolean {
  const first = tokens[0];
  for (let at = stream.indexOf(first as number); at >= 0 && at + tokens.length <= stream.length; ) {
    let i = 1;
    while (i < tokens.length && stream[at + i] === tokens[i]) i++;
    if (i === tokens.length) return true;
    at = stream.indexOf(first as number, at + 1);
  }
  return false;
}

function pointsOf({ weights, candidates }: Ranking, options: SummariseOptions): Candidate[] {
  const settings = { ...DEFAULT_SUMMARY_OPTIONS, ...options };
  const chosen = selectGreedily(candidates, weights, settings);
  // Points are read in story order, not in the order chosen: a point chosen first can restate a
  // fuller one that comes before it in that order.
  const read: Candidate[] = [];
  for (const c of arrange(chosen))
    if (!read.some((r) => restates(c, r, settings.maxParaphraseOverlap))) read.push(c);
  return read;
}

/** `make`, run the first time its value is wanted and then kept. */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: make() };
    return value.v;
  };
}

/** Oldest first (undated before dated), then by id: the order a reader follows the story. */
function readingOrder(articles: readonly Article[]): Article[] {
  return [...articles].sort(
    (a, b) => compareIds(a.published ?? '', b.published ?? '') || compareIds(a.id, b.id),
  );
}

/** A concept: a stemmed word bigram, as its id in one ranking. */
type Concept = number;

/**
 * Dense ids of the concepts (stemmed bigrams) of one ranking, in order of first sight, and the concepts of
 * the sentences it read, one run after another in one list: no array per sentence.
 */
class ConceptIds {
  private readonly pairs = new PairIds();
  readonly grams = new IntList();

  constructor(private readonly terms: ArticleTerms) {}

  get size(): number {
    return this.pairs.size;
  }

  /** Appends the stemmed word bigrams of tokens, but those of two stopwords, to `grams`; returns where they start. */
  appendBigrams(tokens: Int32Array): number {
    const grams = this.grams;
    const start = grams.length;
    const terms = this.terms;
    let previousStop = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as number;
      // A token with a content term is no stopword: one typed-array read for most tokens.
      const stop = terms.contentTerm(token) < 0 && terms.isStopword(token);
      if (i > 0 && !(previousStop && stop)) {
        grams.push(this.pairs.id(terms.stem(tokens[i - 1] as number), terms.stem(token)));
      }
      previousStop = stop;
    }
    return start;
  }
}

/**
 * Concept -> weight: articles using it, plus `leadBonus` per article whose lead mentions it. With
 * several articles, a concept used by one article only is that article's detail, not the story's: it
 * gets no weight, however early it comes (each article's lead is favoured by the diversity reward).
 */
function conceptWeights(
  articles: readonly (readonly SentenceInfo[])[],
  grams: Int32Array,
  count: number,
  leadSentences: number,
  leadBonus: number,
): Float64Array {
  const users = new Int32Array(count);
  const leads = new Int32Array(count);
  // The last article (1-based) that used each concept, anywhere and in its lead.
  const seen = new Int32Array(count);
  const seenInLead = new Int32Array(count);
  articles.forEach((sentences, a) => {
    sentences.forEach(({ gramsFrom, gramsTo }, index) => {
      for (let k = gramsFrom; k < gramsTo; k++) {
        const gram = grams[k] as number;
        if (seen[gram] !== a + 1) {
          seen[gram] = a + 1;
          users[gram] = (users[gram] as number) + 1;
        }
        if (index < leadSentences && seenInLead[gram] !== a + 1) {
          seenInLead[gram] = a + 1;
          leads[gram] = (leads[gram] as number) + 1;
        }
      }
    });
  });
  const minUsers = articles.length > 2 ? 2 : 1;
  const weights = new Float64Array(count);
  for (let gram = 0; gram < count; gram++)
    if ((users[gram] as number) >= minUsers)
      weights[gram] = (users[gram] as number) + leadBonus * (leads[gram] as number);
  return weights;
}

/** Whether a concept has weight: concepts first seen after the weights were counted have none. */
const weighs = (weights: Float64Array, concept: Concept) => (weights[concept] ?? 0) > 0;

/**
 * How a theme's articles write their words' case: the words LOWERCASE_WORD and CAPITALISED_INSIDE find in
 * their texts. A few words per point are asked about, so a text whose letters and digits are all ASCII
 * (nearly every one; other characters, such as curly quotes, may not be) is not scanned whole: a word is
 * looked for as written in the texts that have its token, and in those with a letter right before a digit
 * ("abc" of "abc123" is a word no token shows). The few other texts are read whole by the patterns.
 */
export class WordCases {
  private readonly lower = new Set<string>();
  private readonly inner = new Set<string>();
  /** The ASCII texts; their tokens one after another in `stream`, text i's ending before `ends[i]`. */
  private readonly asciiTexts: string[] = [];
  private readonly stream: Int32Array;
  private readonly ends: Int32Array;
  /** Indexes of the ASCII texts with a letter right before a digit. */
  private readonly lettersThenDigit: number[] = [];
  private readonly lowercaseAnswers = new Map<string, boolean>();
  private readonly capitalisedAnswers = new Map<string, boolean>();
  /**
   * Tokens and characters the questions have read. Past a few whole scans' worth (a hostile theme asks about
   * many words), the ASCII texts are read whole once, as the patterns would, and answer from then on:
   * linear time, however many words are asked about.
   */
  private work = 0;
  private readonly budget: number;
  /** Lowercase words of the ASCII texts as token ids (1 at each), once they are read whole. */
  private lowerTokens: Uint8Array | undefined;

  constructor(
    texts: Iterable<{ text: string; tokens: Int32Array }>,
    private readonly terms: ArticleTerms,
  ) {
    const asciiTokens: Int32Array[] = [];
    let total = 0;
    for (const { text, tokens } of texts) {
      if (hasNonAsciiWordChar(text)) {
        for (const word of text.match(LOWERCASE_WORD) ?? []) this.lower.add(word);
        for (const word of text.match(CAPITALISED_INSIDE) ?? []) this.inner.add(word);
        continue;
      }
      if (LETTER_THEN_DIGIT.test(text)) this.lettersThenDigit.push(this.asciiTexts.length);
      this.asciiTexts.push(text);
      asciiTokens.push(tokens);
      total += tokens.length;
    }
    this.stream = new Int32Array(total);
    this.ends = new Int32Array(asciiTokens.length);
    let at = 0;
    asciiTokens.forEach((tokens, i) => {
      this.stream.set(tokens, at);
      at += tokens.length;
      this.ends[i] = at;
    });
    this.budget = WHOLE_SCANS * this.asciiTexts.reduce((sum, text) => sum + text.length, total);
  }

  /** Whether the articles write `word` (lowercase) as a word of its own: "Police", "Staff" open sentences but are not names. */
  hasLowercase(word: string): boolean {
    return (
      this.lower.has(word) ||
      (ASCII_WORD.test(word) &&
        (this.lowerTokens
          ? this.lowerTokens[this.terms.id(word)] === 1
          : remembered(this.lowercaseAnswers, word, () => this.inAsciiText(word, isNotAsciiLetterOrDigit))))
    );
  }

  /** Whether the articles capitalise `word` inside a sentence, as names are. */
  hasCapitalisedInside(word: string): boolean {
    return (
      this.inner.has(word) ||
      (!this.lowerTokens &&
        ASCII_NAME.test(word) &&
        remembered(this.capitalisedAnswers, word, () => this.inAsciiText(word, isSpace)))
    );
  }

  /**
   * Whether an ASCII text has `word` (ASCII letters) as written, after a character (NaN at the start) that
   * passes `before` and before one that is no letter: a run of letters the patterns find there.
   */
  private inAsciiText(word: string, before: (code: number) => boolean): boolean {
    const found = (text: number) => {
      this.work += (this.asciiTexts[text] as string).length;
      return hasLetterRun(this.asciiTexts[text] as string, word, before);
    };
    const token = this.terms.id(word.toLowerCase());
    const { stream, ends } = this;
    this.work += stream.length;
    let answer = false;
    let text = 0;
    for (let at = stream.indexOf(token); at >= 0 && !answer; at = stream.indexOf(token, ends[text - 1])) {
      while ((ends[text] as number) <= at) text++;
      answer = found(text);
      text++;
    }
    answer ||= this.lettersThenDigit.some(found);
    if (this.work > this.budget) this.readWhole();
    return answer;
  }

  /**
   * The words the patterns find in the ASCII texts, from one scan of each: each run of letters and digits is
   * one of its tokens; a run of letters opening one is a word, lowercase unless a digit comes before it,
   * capitalised inside a sentence after a space. A run of letters after a digit is neither.
   */
  private readWhole(): void {
    const lowerTokens = new Uint8Array(this.terms.size);
    let token = 0;
    for (const text of this.asciiTexts)
      for (let at = 0; at < text.length; ) {
        const first = text.charCodeAt(at);
        if (!isAsciiLetter(first) && !isAsciiDigit(first)) {
          at++;
          continue;
        }
        const start = at;
        let capitalInside = false;
        while (at < text.length && isAsciiLetter(text.charCodeAt(at))) {
          if (at > start && text.charCodeAt(at) <= 90) capitalInside = true;
          at++;
        }
        const letters = at;
        while (at < text.length && (isAsciiLetter(text.charCodeAt(at)) || isAsciiDigit(text.charCodeAt(at))))
          at++;
        const id = this.stream[token++] as number;
        if (letters === start) continue;
        if (first >= 97) {
          if (capitalInside || letters < at) this.lower.add(text.slice(start, letters));
          else lowerTokens[id] = 1;
        } else if (letters - start >= 2 && isSpace(text.charCodeAt(start - 1)))
          this.inner.add(text.slice(start, letters));
      }
    this.lowerTokens = lowerTokens;
  }
}

/** Scans' worth of the ASCII texts the questions may read before the texts are read whole. */
const WHOLE_SCANS = 4;

/** `find()` for `word`, asked once per word. */
function remembered(answers: Map<string, boolean>, word: string, find: () => boolean): boolean {
  let answer = answers.get(word);
  if (answer === undefined) {
    answer = find();
    answers.set(word, answer);
  }
  return answer;
}

/**
 * Whether `text` has `word` (ASCII letters) after a character that passes `before` and before one that is no
 * ASCII letter. A match overlapping one tried is passed over (the character before it is a letter of `word`,
 * which neither test passes): the search stays linear.
 */
function hasLetterRun(text: string, word: string, before: (code: number) => boolean): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length))
    if (before(text.charCodeAt(at - 1)) && !isAsciiLetter(text.charCodeAt(at + word.length))) return true;
  return false;
}

const LOWERCASE_WORD = /(?<![\p{L}\p{N}])\p{Ll}\p{L}*/gu;
const CAPITALISED_INSIDE = /(?<=\s)\p{Lu}\p{L}+/gu;
const ASCII_WORD = /^[a-z]+$/;
/** What CAPITALISED_INSIDE can find in ASCII text. */
const ASCII_NAME = /^[A-Z][A-Za-z]+$/;
const LETTER_THEN_DIGIT = /[A-Za-z]\d/;
const isAsciiDigit = (code: number) => code >= 48 && code <= 57;
const isNotAsciiLetterOrDigit = (code: number) => !isAsciiLetter(code) && !isAsciiDigit(code);
const NON_ASCII = /[^\0-\x7f]/;

/** "Banky was ...", "Mo ran ...": a sentence opening with one capitalised word that is a name, then its verb. */
function openingName(text: string, cases: () => WordCases): string | undefined {
  const match = NAME_THEN_WORD.exec(text);
  const [, name, verb] = match ?? [];
  if (name === undefined || verb === undefined || !(SUBJECT_VERB.has(verb) || VERB_FORM.test(verb)))
    return undefined;
  return aloneAsName(name, cases);
}

/** "“My client is in that facility,” Heller argued ...": a quotation's speaker named by one capitalised word that is a name. */
function speakerName(text: string, cases: () => WordCases): string | undefined {
  if (!text.includes('"') && !text.includes('”')) return undefined;
  const name = QUOTE_THEN_SPEAKER.exec(text)?.[1];
  return name === undefined ? undefined : aloneAsName(name, cases);
}

const QUOTE_THEN_SPEAKER =
  /[”"] ?(\p{Lu}\p{Ll}+) (?:said|says|added|adds|argued|explained|noted|wrote|told)\b/u;

/** The word, when the articles never write it in lowercase and it is no function word nor an opening-only plural. */
function aloneAsName(name: string, cases: () => WordCases): string | undefined {
  const lower = name.toLowerCase();
  if (cases().hasLowercase(lower) || isStopword(lower)) return undefined;
  // "Tugs towed ...": a plural that only ever opens a sentence is not a name ("Cheeks" inside one is).
  return name.endsWith('s') && !cases().hasCapitalisedInside(name) ? undefined : name;
}

const NAME_THEN_WORD = /^(\p{Lu}\p{L}+)\s+(\p{Ll}+)\s/u;
const VERB_FORM = /\p{Ll}{2}(?:ed|s)$/u;

/** Verbs that follow a subject, besides -ed and -s forms. */
const SUBJECT_VERB = new Set(
  'is was are were has had have will would could can may might must ran won fled went came got made took gave left led lost held hit shot told said became began'.split(
    ' ',
  ),
);

function candidatesOf(
  articles: readonly (readonly SentenceInfo[])[],
  ids: ConceptIds,
  weights: Float64Array,
  positionDecay: number,
  context: CandidateContext,
): Candidate[] {
  const byKey = new Map<MatchKey, Candidate>();
  // Marks the concepts already listed for the sentence at hand.
  const listed = new Int32Array(weights.length);
  let mark = 0;
  // The sentences' concepts. Appending a point's own run below leaves them as they are (in this view or,
  // when the list grows, in the array it leaves): the new run is read from a new view.
  const sentenceGrams = ids.grams.values();
  articles.forEach((sentences, rank) => {
    // Rank among the article's readable sentences: a caption or dateline before the lead does not
    // make the lead less important.
    let readable = 0;
    sentences.forEach((sentence, position) => {
      if (!sentence.readable) return;
      const readableRank = readable++;
      const point = sentence.point;
      if (point === undefined || byKey.has(point.key)) return;
      const { text, tokens, key, words } = point;
      mark++;
      // Its weighted concepts, each once, in order of first use; a quoted part's new bigrams have no weight.
      const concepts: Concept[] = [];
      let reward = 0;
      const ownGrams = text === sentence.text;
      const from = ownGrams ? sentence.gramsFrom : ids.appendBigrams(tokens);
      const grams = ownGrams ? sentenceGrams : ids.grams.values();
      const to = ownGrams ? sentence.gramsTo : grams.length;
      for (let k = from; k < to; k++) {
        const gram = grams[k] as number;
        if (weighs(weights, gram) && listed[gram] !== mark) {
          listed[gram] = mark;
          concepts.push(gram);
          reward += weights[gram] as number;
        }
      }
      byKey.set(
        key,
        new LazyCandidate(
          text,
          tokens,
          words,
          concepts,
          reward,
          1 / (1 + readableRank) ** positionDecay,
          rank,
          position,
          readableRank === 0,
          context,
        ),
      );
    });
  });
  return [...byKey.values()];
}

/** What candidates read their details from: the build's terms and the ranking's word cases. */
interface CandidateContext {
  terms: ArticleTerms;
  cases: () => WordCases;
}

/**
 * A candidate whose details are worked out the first time they are read: only the few sentences that
 * could win a place are ever compared with the points chosen.
 */
class LazyCandidate implements Candidate {
  private opening: { name: string | undefined } | undefined;
  private speaker: { name: string | undefined } | undefined;
  private ownTerms: Set<number> | undefined;
  private ownTokens: Set<number> | undefined;
  private said: { text: string; figures: Set<number>; terms: Set<number> } | undefined;
  private statementNames: Candidate['names'] | undefined;

  constructor(
    readonly text: string,
    readonly textTokens: Int32Array,
    readonly words: number,
    readonly concepts: Concept[],
    readonly reward: number,
    readonly importance: number,
    readonly article: number,
    readonly position: number,
    readonly lead: boolean,
    private readonly context: CandidateContext,
  ) {}

  get openingName(): string | undefined {
    this.opening ??= { name: openingName(this.text, this.context.cases) };
    return this.opening.name;
  }
  get speakerName(): string | undefined {
    this.speaker ??= { name: speakerName(this.text, this.context.cases) };
    return this.speaker.name;
  }
  get terms(): Set<number> {
    this.ownTerms ??= contentTermSet(this.context.terms, this.textTokens);
    return this.ownTerms;
  }
  /** Made on first read: only chosen points are asked for theirs. */
  get tokens(): Set<number> {
    if (!this.ownTokens) {
      this.ownTokens = new Set<number>();
      for (let i = 0; i < this.textTokens.length; i++) this.ownTokens.add(this.textTokens[i] as number);
    }
    return this.ownTokens;
  }
  get figures(): Set<number> {
    return this.statement().figures;
  }
  get statementTerms(): Set<number> {
    return this.statement().terms;
  }
  /** Made apart from the figures: telling names needs the articles' word cases, a figure does not. */
  get names(): Candidate['names'] {
    const { terms, cases } = this.context;
    this.statementNames ??= namesOf(this.statement().text, terms, cases());
    return this.statementNames;
  }

  private statement() {
    if (!this.said) {
      const { terms } = this.context;
      const text = statement(this.text);
      const tokens = text === this.text ? this.textTokens : terms.tokens(text);
      this.said = { text, figures: figuresOf(tokens, terms), terms: contentTermSet(terms, tokens) };
    }
    return this.said;
  }
}

/** The content terms of tokens, in order of first use (an indexed loop: no array of them, no iterator). */
function contentTermSet(terms: ArticleTerms, tokens: Int32Array): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const term = terms.contentTerm(tokens[i] as number);
    if (term >= 0) found.add(term);
  }
  return found;
}

/**
 * Chooses points greedily by score: new concept weight plus the diversity reward, per length cost. A
 * candidate's score only falls as points are taken (fewer of its concepts are new; its article's
 * diversity reward shrinks once the article gave a point), so once no limit that lifts later applies
 * (room for a second point, a lead first), the choice is lazy (Minoux 1978): candidates wait in a queue
 * by their last score, and only the one at its head is scored again, until the head's score is current.
 * The same point wins each round as when every candidate is scored again.
 */
function selectGreedily(
  candidates: readonly Candidate[],
  weights: Float64Array,
  settings: SummariseOptions & typeof DEFAULT_SUMMARY_OPTIONS,
): Candidate[] {
  const selection = new GreedySelection(candidates, weights, settings);
  const maxPoints = settings.maxPoints ?? Number.POSITIVE_INFINITY;
  while (selection.chosen.length < maxPoints) {
    const best = selection.limited() ? selection.bestOfAll() : selection.bestQueued();
    if (best < 0) break;
    selection.take(best);
  }
  return selection.chosen;
}

/** A candidate's score as of a round (the number of points chosen when it was scored). */
interface QueuedScore {
  index: number;
  score: number;
  round: number;
  /** Its candidate's `queued` count when it was queued: an older entry of a candidate queued again is passed over. */
  stamp: number;
}

class GreedySelection {
  readonly chosen: Candidate[] = [];
  private readonly picked: Uint8Array;
  /** Candidates that repeat a chosen point: they never will be chosen. */
  private readonly repeating: Uint8Array;
  private readonly covered: Uint8Array;
  /** Importance taken from each article (by rank), and each candidate's length cost. */
  private readonly rewardPerArticle: Float64Array;
  private readonly lengthCosts: number[];
  private readonly diversityScale: number;
  /** The two shortest stand-alone sentences: while a second point is still wanted, the first must leave room for one. */
  private readonly shortest: Candidate | undefined;
  private readonly nextShortest: Candidate | undefined;
  /** The first point says what happened: of the articles' leads, the one that covers the story best. */
  private readonly hasLead: boolean;
  private used = 0;
  private queue: Heap<QueuedScore> | undefined;
  private readonly queued: Int32Array;

  constructor(
    private readonly candidates: readonly Candidate[],
    private readonly weights: Float64Array,
    private readonly settings: SummariseOptions & typeof DEFAULT_SUMMARY_OPTIONS,
  ) {
    this.picked = new Uint8Array(candidates.length);
    this.repeating = new Uint8Array(candidates.length);
    this.queued = new Int32Array(candidates.length);
    this.covered = new Uint8Array(weights.length);
    this.rewardPerArticle = new Float64Array(candidates.reduce((n, c) => Math.max(n, c.article + 1), 0));
    this.lengthCosts = candidates.map((c) => c.words ** settings.lengthCost);
    // Scaled by the total concept weight, so `diversity` means the same for any story size.
    let totalWeight = 0;
    for (const w of weights) totalWeight += w;
    this.diversityScale = settings.diversity * Math.sqrt(totalWeight);
    [this.shortest, this.nextShortest] = twoShortest(candidates);
    this.hasLead = candidates.some((c) => c.lead && c.words + this.roomLeft(c) <= settings.words);
  }

  /** Whether this round has a limit that lifts in a later one (room for a second point, a lead first). */
  limited(): boolean {
    return (this.hasLead && this.chosen.length === 0) || this.roomLeft(undefined) > 0;
  }

  /** The best candidate (ties to the earlier sentence) that repeats no point, every candidate scored; -1 when none. */
  bestOfAll(): number {
    const scores = this.candidates.map((_, i) => this.score(i));
    for (;;) {
      let at = -1;
      scores.forEach((score, i) => {
        if (score !== 0 && (at < 0 || this.before(score, i, scores[at] as number, at))) at = i;
      });
      if (at < 0 || this.repeats(at) === undefined) return at;
      scores[at] = 0;
    }
  }

  /** What bestOfAll finds, from the queue: the head is scored again until its score is current. */
  bestQueued(): number {
    const queue = this.queue ?? this.queueOfAll();
    const round = this.chosen.length;
    const waiting: number[] = [];
    let best = -1;
    for (let head = queue.pop(); head !== undefined; head = queue.pop()) {
      const { index, stamp } = head;
      if (stamp !== this.queued[index] || this.repeating[index] === 1) continue;
      if (head.round !== round) this.enqueue(index);
      else {
        const repeat = this.repeats(index);
        if (repeat === undefined) {
          best = index;
          break;
        }
        // A name a later point may introduce waits for the next round; a repeated point never comes back.
        if (repeat === 'unintroduced') waiting.push(index);
        else this.repeating[index] = 1;
      }
    }
    for (const index of waiting) this.enqueue(index);
    return best;
  }

  take(i: number): void {
    const candidate = this.candidates[i] as Candidate;
    this.chosen.push(candidate);
    this.picked[i] = 1;
    for (const concept of candidate.concepts) this.covered[concept] = 1;
    this.rewardPerArticle[candidate.article] =
      (this.rewardPerArticle[candidate.article] as number) + candidate.importance;
    this.used += candidate.words;
    // The article's other candidates have a new diversity reward: smaller, but rounded it might not be, so
    // their queued scores are replaced rather than trusted to bound the new ones.
    if (this.queue)
      this.candidates.forEach((other, index) => {
        if (other.article === candidate.article && this.picked[index] === 0) this.enqueue(index);
      });
  }

  private queueOfAll(): Heap<QueuedScore> {
    this.queue = new Heap<QueuedScore>((a, b) => this.before(a.score, a.index, b.score, b.index));
    this.candidates.forEach((_, i) => {
      if (this.picked[i] === 0) this.enqueue(i);
    });
    return this.queue;
  }

  /** Queues the candidate by its current score, unless it cannot be chosen now (nor, the score falling, later). */
  private enqueue(index: number): void {
    const score = this.score(index);
    const stamp = ++(this.queued[index] as number);
    if (score > 0) this.queue?.push({ index, score, round: this.chosen.length, stamp });
  }

  /** Whether a score ranks before another: higher, or equal and of the earlier sentence. */
  private before(score: number, i: number, other: number, j: number): boolean {
    return (
      score > other ||
      (score === other && precedes(this.candidates[i] as Candidate, this.candidates[j] as Candidate))
    );
  }

  /** The candidate's score this round; 0 when it cannot be chosen. */
  private score(i: number): number {
    const candidate = this.candidates[i] as Candidate;
    const { settings } = this;
    if (this.picked[i] === 1 || this.used + candidate.words + this.roomLeft(candidate) > settings.words)
      return 0;
    if (this.hasLead && this.chosen.length === 0 && !candidate.lead) return 0;
    let gain = 0;
    for (const concept of candidate.concepts)
      if (this.covered[concept] === 0) gain += this.weights[concept] as number;
    if (gain < settings.minNewShare * candidate.reward) return 0;
    const taken = this.rewardPerArticle[candidate.article] as number;
    gain += this.diversityScale * (Math.sqrt(taken + candidate.importance) - Math.sqrt(taken));
    return gain / (this.lengthCosts[i] as number);
  }

  /** Room the candidate must leave for a second point while one is still wanted. */
  private roomLeft(candidate: Candidate | undefined): number {
    const { shortest, nextShortest } = this;
    return this.chosen.length + 1 >= (this.settings.minPoints ?? 1) || !shortest
      ? 0
      : ((candidate === shortest ? nextShortest : shortest)?.words ?? 0);
  }

  /**
   * Whether the candidate opens on a name ("Banky was ...") no point has said who that is ('unintroduced'),
   * or repeats a chosen point ('repeat'): the comparisons are made only for a sentence that would win
   * otherwise.
   */
  private repeats(i: number): 'unintroduced' | 'repeat' | undefined {
    const candidate = this.candidates[i] as Candidate;
    const { chosen, settings } = this;
    const name = chosen.length > 0 ? candidate.openingName : undefined;
    if (name !== undefined && !chosen.some((c) => c.text.includes(name))) return 'unintroduced';
    return chosen.some((c) => overlap(c.terms, candidate.terms) >= settings.maxOverlap) ||
      chosen.some((c) => restates(candidate, c, settings.maxParaphraseOverlap))
      ? 'repeat'
      : undefined;
  }
}

/** Share of the smaller set's members found in the other. */
function overlap(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  if (small.size === 0) return 0;
  let shared = 0;
  for (const term of small) if (large.has(term)) shared++;
  return shared / small.size;
}

/** "..., her spokesman Harlan Boll said.", "According to police, ...": who told it, not what happened. */
const TRAILING_ATTRIBUTION =
  /,[^,"“”]{0,60}\b(?:said|says|told|announced|confirmed|reported|added|according to)\b[^,"“”]{0,40}[.!]?$/u;
const LEADING_ATTRIBUTION =
  /^(?:according to [^,]{1,50},|[^,"“”]{1,50}\b(?:said|says|reported|announced|confirmed)\b(?: that)?)\s/iu;

/** What a sentence states, without its attribution (a space where a leading one was: the next word is not the first). */
function statement(text: string): string {
  return text.replace(TRAILING_ATTRIBUTION, '.').replace(LEADING_ATTRIBUTION, ' ');
}

/** The tokens with a digit. */
function figuresOf(tokens: Int32Array, terms: ArticleTerms): Set<number> {
  const figures = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as number;
    if (hasDigit(terms.text(token))) figures.add(token);
  }
  return figures;
}

/** The words capitalised as names are (not a sentence's capitalised first word unless it is a name elsewhere). */
function namesOf(text: string, terms: ArticleTerms, cases: WordCases): Candidate['names'] {
  const names = new Set<number>();
  capitalisedWords(text).forEach((word, i) => {
    const lower = word.toLowerCase().replace(POSSESSIVE_END, '');
    if (isStopword(lower) || cases.hasLowercase(lower)) return;
    if (i === 0 && text.startsWith(word) && !cases.hasCapitalisedInside(word)) return;
    for (const token of terms.tokens(lower)) names.add(token);
  });
  const nameTerms = new Set<number>();
  for (const name of names) nameTerms.add(terms.stem(name));
  return { tokens: names, terms: nameTerms };
}

/** `/\d/u.test(text)` as a loop over the characters: it runs on every token of a point. */
function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isAsciiDigit(text.charCodeAt(i))) return true;
  return false;
}
const POSSESSIVE_END = /['’]s?$/u;

/**
 * The words of `text` that open with a capital (not after a letter, digit or apostrophe), with the letters and
 * apostrophes that follow: what `/(?<![\p{L}\p{N}'’])\p{Lu}[\p{L}’']*\/gu` matches, read one code point at a
 * time instead. V8 compiles that look-behind over every letter and digit class in a few milliseconds, the
 * costliest pattern of a short run; ASCII is tested by its code and only other characters by (small) patterns.
 */
export function capitalisedWords(text: string): string[] {
  const words: string[] = [];
  let previous = -1;
  for (let at = 0; at < text.length; ) {
    const code = text.codePointAt(at) as number;
    let end = at + (code > 0xffff ? 2 : 1);
    if (isUppercase(code) && !(previous >= 0 && (isLetterOrNumber(previous) || isApostrophe(previous)))) {
      let last = code;
      while (end < text.length) {
        const next = text.codePointAt(end) as number;
        if (!(isLetter(next) || isApostrophe(next))) break;
        last = next;
        end += next > 0xffff ? 2 : 1;
      }
      words.push(text.slice(at, end));
      previous = last;
    } else previous = code;
    at = end;
  }
  return words;
}

const isApostrophe = (code: number) => code === 0x27 || code === 0x2019;
const isUppercase = (code: number) =>
  code < 0x80 ? code >= 0x41 && code <= 0x5a : UPPERCASE_LETTER.test(String.fromCodePoint(code));
const isLetter = (code: number) =>
  code < 0x80 ? isAsciiLetter(code) : LETTER.test(String.fromCodePoint(code));
const isLetterOrNumber = (code: number) =>
  code < 0x80
    ? isAsciiLetter(code) || (code >= 0x30 && code <= 0x39)
    : LETTER_OR_NUMBER.test(String.fromCodePoint(code));
const UPPERCASE_LETTER = /\p{Lu}/u;
const LETTER = /\p{L}/u;
const LETTER_OR_NUMBER = /[\p{L}\p{N}]/u;

/**
 * Whether `candidate` says what `point` says in other words: its statement (attribution aside) has no
 * figure and no name the point lacks, shares a name and another content word with it, and at least
 * `threshold` of its content words are in the point ("Esther Williams has died" after "Esther Williams
 * ... died on Thursday ..."). A new figure, name or most words new is a new fact.
 */
function restates(candidate: Candidate, point: Candidate, threshold: number): boolean {
  for (const figure of candidate.figures) if (!point.tokens.has(figure)) return false;
  // Names after figures: telling them costs more.
  const names = candidate.names;
  if (names.tokens.size === 0) return false;
  for (const name of names.tokens) if (!point.tokens.has(name)) return false;
  let shared = 0;
  let sharedOther = false;
  for (const term of candidate.statementTerms)
    if (point.terms.has(term)) {
      shared++;
      if (!names.terms.has(term)) sharedOther = true;
    }
  return sharedOther && shared / candidate.statementTerms.size >= threshold;
}

function twoShortest(candidates: readonly Candidate[]): Candidate[] {
  const shorter = (a: Candidate, b: Candidate | undefined) =>
    !b || a.words < b.words || (a.words === b.words && compareCandidates(a, b) < 0);
  let first: Candidate | undefined;
  let second: Candidate | undefined;
  for (const c of candidates) {
    if (shorter(c, first)) [first, second] = [c, first];
    else if (shorter(c, second)) second = c;
  }
  return [first, second].filter((c): c is Candidate => c !== undefined);
}

function precedes(a: Candidate, b: Candidate): boolean {
  return compareCandidates(a, b) < 0;
}

function compareCandidates(a: Candidate, b: Candidate): number {
  // No two candidates come from one position of one article.
  return a.article - b.article || a.position - b.position;
}

/**
 * The lead first, then the other facts in the order a reader follows the story; a point opening on a
 * name alone, or quoting a speaker named by one word ("…,” Heller argued"), comes after the first point
 * that names them in full.
 */
function arrange(chosen: readonly Candidate[]): Candidate[] {
  const [lead, ...facts] = chosen;
  if (!lead) return [];
  const result = [lead];
  const waiting: Candidate[] = [];
  const introduced = (c: Candidate) => {
    const name = c.openingName ?? c.speakerName;
    return name === undefined || result.some((r) => r.text.includes(name));
  };
  for (const fact of facts.sort(compareCandidates)) {
    if (!introduced(fact)) {
      waiting.push(fact);
      continue;
    }
    result.push(fact);
    for (const next of waiting.filter(introduced)) {
      result.push(next);
      waiting.splice(waiting.indexOf(next), 1);
    }
  }
  return [...result, ...waiting];
}
