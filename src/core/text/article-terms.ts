import type { Article } from '../article.ts';
import { isSpace } from './chars.ts';
import { FNV_OFFSET, FNV_PRIME } from './fnv.ts';
import { CJK, classAt, cutsToken, NOT_TOKEN, readRun, WORD } from './fold.ts';
import { isContentToken, isStopword, stem as porterStem } from './tokens.ts';
import { grown, placeInTable } from './typed-arrays.ts';

/**
 * Token ids of an article's sentences: sentence `i` holds `ids[starts[i]]` up to but not including
 * `ids[ends[i]]` (`ids.subarray(starts[i], ends[i])`). `ids` is shared with the article's body tokens
 * (a sentence is a piece of the body), so a sentence costs two numbers, not an array.
 */
export interface TokenRuns {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * What ArticleTerms reads of an article, and all a stage may derive from it (`ArticleTerms.derived`): its id
 * names its memo, its text, sentences and title are what is read.
 */
export type ArticleText = Pick<Article, 'id' | 'text' | 'sentences' | 'title'>;

/** What `ArticleTerms.forEachWord` calls for each word. */
export interface WordVisitor {
  word(start: number, end: number, from: number, to: number): void;
}

/**
 * The one pass over the text of a build: every article is tokenised once, and every token, stem and term
 * is an integer id in one per-build vocabulary, shared by dedup, themes, labels and summaries.
 *
 * - A **token** is what `words(text)` in tokens.ts gives: a lowercase run of a-z0-9 in ASCII text, and beyond
 *   it a run of letters and digits with diacritics folded ("Erdoğan" is "erdogan"), or a bigram of a Han or
 *   Kana run (fold.ts); `tokens(text)[i]` is the id of `words(text)[i]`.
 * - `stem(token)` is the id of its Porter stem (`stem` in tokens.ts); `contentTerm(token)` the id of the
 *   term `contentTerms` in tokens.ts keeps for it, or -1 when it keeps none (stopword, one character, a
 *   number of up to 3 digits). So `contentTerms(text)` is `contentTermIds(tokens(text))` mapped through `text`.
 * - Tokens, stems and any string given to `id` share one id range `0 .. size - 1`, in order of first
 *   sight: a token that is its own stem ("cat") has one id. Ids say nothing about order; compare the
 *   strings (`text(id)`) where ties must be broken by term.
 * - Per-article arrays are memoised by article id and must not be written to. An article read again with
 *   another text, other sentences or another title (a changed file in the studio) is tokenised again.
 *
 * Create one per build (`buildDigestFromArticles` does, and passes it to each stage:
 * `collapseDuplicates(articles, terms)`, `groupThemes(articles, options, terms)`), or keep one across builds
 * from mostly the same articles (the studio does: nothing depends on the ids' order); size dense arrays by
 * `size` once the texts they index have been read, as reading more text gives out new ids.
 *
 * For example, a sentence's stemmed bigrams without a stopword pair, as summaries weigh them:
 * ```ts
 * const { ids, starts, ends } = terms.sentenceTokens(article);
 * for (let k = starts[i]; k + 1 < ends[i]; k++)
 *   if (!terms.isStopword(ids[k]) || !terms.isStopword(ids[k + 1]))
 *     pair(terms.stem(ids[k]), terms.stem(ids[k + 1]));
 * ```
 * and `contentTermIds(ids, starts[i], ends[i])` is `contentTerms(article.sentences[i])` as ids.
 */
export class ArticleTerms {
  /**
   * `keepsDerived`: this vocabulary serves build after build from mostly the same articles (the studio's),
   * and keeps what stages derive from each article (`derived`) so a rebuild makes it only for changed ones.
   */
  constructor(private readonly keepsDerived = false) {}

  private strings: string[] = [];
  /** Each id's length in characters: read where a string's own would cost a pointer chase per token. */
  private lengths = new Int32Array(1024);
  /** FNV-1a hash of each id's string. */
  private hashes = new Uint32Array(1024);
  /** Stem id of each id, UNKNOWN until first asked. */
  private stems = new Int32Array(1024).fill(UNKNOWN);
  /** Content-term id of each id (NONE when none), UNKNOWN until first asked. */
  private contents = new Int32Array(1024).fill(UNKNOWN);
  /** Whether each id is a stopword: STOPWORD, NOT_STOPWORD, or UNKNOWN_STOPWORD until first asked. */
  private stopwords = new Uint8Array(1024);
  /** 1 for each id read as a token of a run with a token character beyond ASCII (`isFolded`). */
  private folded = new Uint8Array(1024);
  /**
   * Open-addressing table of the short ids: strings of 1 to SHORT_LENGTH characters a-z0-9 (nearly every
   * token), keyed by their exact code (`highs[id]`, `lows[id]`), so finding one compares two numbers, not
   * characters. id + 1 per slot, 0 when free.
   */
  private shortTable = new Int32Array(4096);
  private shortCount = 0;
  private highs = new Int32Array(1024);
  private lows = new Int32Array(1024);
  /** Open-addressing table of every other id, by FNV-1a hash: id + 1 per slot, 0 when free. */
  private longTable = new Int32Array(1024);
  private longCount = 0;
  private readonly buffer = new IntList();
  private readonly articles = new Map<string, Memo>();
  private articlesReadSoFar = 0;
  /** Where the memoised arrays live: views of a few large blocks (see `keep`). */
  private block = new Int32Array(0);
  private blockUsed = 0;

  /** Ids given out so far: every id is below it. */
  get size(): number {
    return this.strings.length;
  }

  /** Articles read so far, a changed one again: what its memory grows with when it is kept across builds. */
  get articlesRead(): number {
    return this.articlesReadSoFar;
  }

  /** The string of an id: a token, a stem or a string given to `id`. */
  text(id: number): string {
    return this.strings[id] as string;
  }

  /** The id of a string, given out on first sight. Any string: callers may intern their own keys ("#5.6"). */
  id(text: string): number {
    const length = text.length;
    if (length === 0 || length > SHORT_LENGTH) return this.longId(text, 0, length, 0);
    let high = 0;
    let low = 0;
    for (let i = 0; i < length; i++) {
      const c = text.charCodeAt(i);
      // Only lowercase a-z0-9 has a short code here: "Police" is a string of its own, not "police".
      const digit = c < 128 && (c < 65 || c > 90) ? (DIGIT[c] as number) : 0;
      if (digit === 0) return this.longId(text, 0, length, 0);
      if (i < HALF) high = high * RADIX + digit;
      else low = low * RADIX + digit;
    }
    return this.shortId(high, low, text, 0, length);
  }

  /**
   * FNV-1a (32-bit, unsigned) of the id's string over its UTF-16 code units: for a token, the word hash
   * near-duplicate shingles are made of (ingest/minhash.ts).
   */
  hash(id: number): number {
    return this.hashes[id] as number;
  }

  /** Token ids of a text: `words(text)` as ids. Not memoised: for texts that are no article's. */
  tokens(text: string): Int32Array {
    this.buffer.clear();
    this.scan(text, this.buffer);
    return this.buffer.toArray();
  }

  /** Token ids of an article's whole body text (`article.text`). Memoised. */
  textTokens(article: ArticleText): Int32Array {
    return this.read(article).text;
  }

  /** Token ids of an article's title. Memoised. */
  titleTokens(article: ArticleText): Int32Array {
    const memo = this.read(article);
    if (!memo.title) {
      this.buffer.clear();
      this.scan(article.title, this.buffer);
      memo.title = this.keep(this.buffer);
    }
    return memo.title;
  }

  /** Token ids of each of an article's sentences (`article.sentences`). Memoised. */
  sentenceTokens(article: ArticleText): TokenRuns {
    return this.read(article).sentences;
  }

  /**
   * What a stage makes of an article's text, sentences and title alone (nothing else of it), in this
   * vocabulary's ids: made by `make` unless kept from before (`remember`). `kind` names what is made, and the
   * settings it depends on.
   */
  derived<T>(article: ArticleText, kind: string, make: () => T): T {
    let value = this.remembered<T>(article, kind);
    if (value === undefined) {
      const made = make();
      this.remember(article, kind, () => made);
      value = made;
    }
    return value;
  }

  /** What `remember` kept of the article while its text is the one read, if anything. */
  remembered<T>(article: ArticleText, kind: string): T | undefined {
    return this.keepsDerived ? (this.read(article).derived?.get(kind) as T | undefined) : undefined;
  }

  /**
   * When this vocabulary is kept across builds (`keepsDerived`), keeps what `make` gives (what a stage made
   * of the article, see `derived`) with its tokens, so a rebuild makes it again only for changed articles.
   * Else does nothing: a build makes each once, and keeping it would only hold memory.
   */
  remember(article: ArticleText, kind: string, make: () => unknown): void {
    if (!this.keepsDerived) return;
    const memo = this.read(article);
    memo.derived ??= new Map();
    memo.derived.set(kind, make());
  }

  /** Whether every character of an article's body text is ASCII, as its tokens were read. Memoised. */
  isAscii(article: ArticleText): boolean {
    return this.read(article).ascii;
  }

  /** The id of a token's Porter stem (tokens of 3 characters or fewer are their own stem). */
  stem(token: number): number {
    let stem = this.stems[token] as number;
    if (stem === UNKNOWN) {
      stem = this.id(porterStem(this.text(token)));
      this.stems[token] = stem;
    }
    return stem;
  }

  /** The id of a token's content term (its stem), or -1 for a stopword, one character or 1 to 3 digits. */
  contentTerm(token: number): number {
    let term = this.contents[token] as number;
    if (term === UNKNOWN) {
      term = isContentToken(this.text(token)) ? this.stem(token) : NONE;
      this.contents[token] = term;
    }
    return term;
  }

  /**
   * Whether a token was ever read from a run with a token character beyond ASCII ("cafe" from "café", any
   * Cyrillic word or Han bigram): a text none of whose tokens was is read as its ASCII runs of letters and
   * digits (a token is not flagged by its text, so "cafe" written plain may be flagged too).
   */
  isFolded(token: number): boolean {
    return this.folded[token] === 1;
  }

  /** Whether a token is a stopword (stopwords.ts). */
  isStopword(token: number): boolean {
    let known = this.stopwords[token] as number;
    if (known === UNKNOWN_STOPWORD) {
      known = isStopword(this.text(token)) ? STOPWORD : NOT_STOPWORD;
      this.stopwords[token] = known;
    }
    return known === STOPWORD;
  }

  /** The content terms of tokens, in order, repeats kept: `contentTerms` of their text as ids. */
  contentTermIds(tokens: ArrayLike<number>, from = 0, to = tokens.length): Int32Array {
    this.buffer.clear();
    this.appendContentTerms(tokens, from, to, this.buffer);
    return this.buffer.toArray();
  }

  /** Appends the content terms of `tokens[from .. to - 1]` to `out`. */
  appendContentTerms(tokens: ArrayLike<number>, from: number, to: number, out: IntList): void {
    for (let i = from; i < to; i++) {
      const term = this.contentTerm(tokens[i] as number);
      if (term !== NONE) out.push(term);
    }
  }

  /**
   * Visits the whitespace-separated words of `text` (the non-empty pieces of `text.split(/\s+/)`), at
   * most `maxWords` of them, with the range of its tokens each holds: `tokens[offset ..]` are `tokens(text)`
   * (a sentence's run, `sentenceTokens`), and `visitor.word(start, end, from, to)` gets the word
   * `text.slice(start, end)` and its tokens `tokens[offset + from .. offset + to - 1]`. Returns how many
   * words it visited: with no visitor, only counts them. No string is built for an ASCII token, and no
   * character of one is read twice: it is stepped over whole, as its characters are those of its text, each
   * in its place. A run with characters beyond ASCII (folded, or CJK bigrams) is read again (`readRun`), and
   * so is a token that some text spells with more or fewer characters than it has ("Straße").
   */
  forEachWord(
    text: string,
    tokens: ArrayLike<number>,
    offset: number,
    maxWords: number,
    visitor?: WordVisitor,
  ): number {
    const length = text.length;
    let words = 0;
    let token = 0;
    let i = 0;
    while (words < maxWords) {
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i === length) break;
      const start = i;
      const from = token;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c < 128) {
          if (DIGIT[c] !== 0) {
            const tokenLength = this.lengths[tokens[offset + token++] as number] as number;
            // 0: a token some text spells with more or fewer characters ("strasse" for "Straße"): read its run.
            i = tokenLength !== 0 ? i + tokenLength : readRun(text, i, length, NO_TOKEN);
          } else if (c === 32 || (c >= 9 && c <= 13)) break;
          else i++;
        } else if (isSpace(c)) break;
        else if (classAt(text, i) !== NOT_TOKEN) {
          // Counted outside: a closure over `token` would keep it off the registers for the whole loop.
          runTokens = 0;
          i = readRun(text, i, length, countToken);
          token += runTokens;
        } else i++;
      }
      visitor?.word(start, i, from, token);
      words++;
    }
    return words;
  }

  /**
   * The article's memo, its body read on first sight: once, piece by piece. A sentence is an exact piece
   * of its paragraph, so it is found from where the last one ended, and the body is read as the gap
   * before it, then it: its tokens are those of the body. One that is not found (or whose edges cut a
   * token) is read on its own once the body is read, its tokens after the body's.
   */
  private read(article: ArticleText): Memo {
    let memo = this.articles.get(article.id);
    if (memo && isSameText(memo.source, article)) return memo;
    const { text, sentences } = article;
    const ids = this.buffer;
    ids.clear();
    const runs = this.room(2 * sentences.length);
    const starts = runs.subarray(0, sentences.length);
    const ends = runs.subarray(sentences.length);
    let ascii = ASCII;
    let cursor = 0;
    sentences.forEach((sentence, i) => {
      const at = text.indexOf(sentence, cursor);
      const end = at + sentence.length;
      if (at >= 0 && !cutsAt(text, at, at - 1) && !cutsAt(text, end, end)) {
        ascii &= this.scan(text, ids, cursor, at);
        starts[i] = ids.length;
        ascii &= this.scan(text, ids, at, end);
        ends[i] = ids.length;
        cursor = end;
      } else starts[i] = ends[i] = NOT_FOUND;
    });
    ascii &= this.scan(text, ids, cursor, text.length);
    const bodyLength = ids.length;
    sentences.forEach((sentence, i) => {
      if (starts[i] !== NOT_FOUND) return;
      starts[i] = ids.length;
      this.scan(sentence, ids);
      ends[i] = ids.length;
    });
    const all = this.keep(ids);
    memo = {
      source: { text, sentences, title: article.title },
      text: all.subarray(0, bodyLength),
      sentences: { ids: all, starts, ends },
      ascii: ascii !== 0,
    };
    this.articles.set(article.id, memo);
    this.articlesReadSoFar++;
    return memo;
  }

  /** A copy of `list`'s values that lives as long as the vocabulary. */
  private keep(list: IntList): Int32Array {
    const kept = this.room(list.length);
    kept.set(list.values());
    return kept;
  }

  /**
   * `count` numbers that live as long as the vocabulary: a view of a block shared with other articles'.
   * A typed array apiece would be memory outside the heap, slow to get and to free, for each article.
   */
  private room(count: number): Int32Array {
    if (count > MAX_BLOCK / 4) return new Int32Array(count);
    if (this.blockUsed + count > this.block.length) {
      // Blocks double up to MAX_BLOCK (at least `count`): an ArticleTerms that reads a few articles keeps a small one.
      this.block = new Int32Array(Math.min(MAX_BLOCK, Math.max(4096, 2 * this.block.length, count)));
      this.blockUsed = 0;
    }
    this.blockUsed += count;
    return this.block.subarray(this.blockUsed - count, this.blockUsed);
  }

  /**
   * Appends the token ids of `text.slice(from, to)` to `out`. Returns ASCII when every character of it is
   * ASCII, else 0.
   */
  private scan(text: string, out: IntList, from = 0, to = text.length): number {
    return this.scanAscii(text, from, to, out);
  }

  /**
   * `scan`, lowercasing ASCII as read: no lowercased copy of the text, and a token's short code is built as
   * it is read. A run with a token character beyond ASCII is read by `readRun` (fold.ts) instead.
   */
  private scanAscii(text: string, from: number, to: number, out: IntList): number {
    let ascii = ASCII;
    let i = from;
    while (i < to) {
      let c = text.charCodeAt(i);
      let digit = c < 128 ? (DIGIT[c] as number) : 0;
      if (digit === 0) {
        if (c >= 128) {
          ascii = 0;
          if (classAt(text, i, to) !== NOT_TOKEN) {
            i = this.readRun(text, i, to, out);
            continue;
          }
        }
        i++;
        continue;
      }
      const start = i;
      let high = 0;
      let low = 0;
      do {
        const at = i - start;
        if (at < HALF) high = high * RADIX + digit;
        else if (at < SHORT_LENGTH) low = low * RADIX + digit;
        c = ++i < to ? text.charCodeAt(i) : 0;
        digit = c < 128 ? (DIGIT[c] as number) : 0;
      } while (digit !== 0);
      // A word character beyond ASCII goes on with the token ("Erdoğan"): its run is read whole.
      if (c >= 128 && classAt(text, i, to) === WORD) {
        ascii = 0;
        i = this.readRun(text, start, to, out);
        continue;
      }
      out.push(
        i - start <= SHORT_LENGTH
          ? this.shortId(high, low, text, start, i)
          : this.longId(text, start, i, LOWERCASE_BIT),
      );
    }
    return ascii;
  }

  /**
   * Appends the ids of the tokens of the run at `text[start]` (`readRun` in fold.ts), and returns where it
   * ends. A word token whose run is longer or shorter than it has length 0 from then on (`forEachWord`).
   */
  private readRun(text: string, start: number, to: number, out: IntList): number {
    let word = -1;
    const end = readRun(text, start, to, (token) => {
      word = this.id(token);
      this.folded[word] = 1;
      out.push(word);
    });
    if (word >= 0 && classAt(text, start, to) !== CJK && this.lengths[word] !== end - start)
      this.lengths[word] = 0;
    return end;
  }

  /**
   * The id of the short string `source.slice(start, end)` lowercased, whose code is `high`, `low`; the
   * string is built only when new.
   */
  private shortId(high: number, low: number, source: string, start: number, end: number): number {
    const table = this.shortTable;
    const mask = table.length - 1;
    for (let slot = mixCode(high, low) & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot] as number;
      if (entry === 0) break;
      if (this.highs[entry - 1] === high && this.lows[entry - 1] === low) return entry - 1;
    }
    const id = this.add(source.slice(start, end).toLowerCase());
    this.highs[id] = high;
    this.lows[id] = low;
    if (++this.shortCount * 2 > table.length) this.growShort();
    this.placeShort(id);
    return id;
  }

  /**
   * The id of any other string: `source.slice(start, end)`, with each character or'ed with `fold`
   * (LOWERCASE_BIT lowercases a token's ASCII letters and keeps its digits, 0 keeps every character).
   */
  private longId(source: string, start: number, end: number, fold: number): number {
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (source.charCodeAt(i) | fold), FNV_PRIME);
    hash >>>= 0;
    const mask = this.longTable.length - 1;
    const length = end - start;
    for (let slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.longTable[slot] as number;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] !== hash) continue;
      const known = this.strings[id] as string;
      if (known.length === length && sameChars(known, source, start, fold)) return id;
    }
    const id = this.add(ownCopy(source, start, end, fold));
    if (++this.longCount * 2 > this.longTable.length) this.growLong();
    this.placeLong(id);
    return id;
  }

  /** Gives `text` the next id. */
  private add(text: string): number {
    const id = this.strings.length;
    this.strings.push(text);
    if (id === this.hashes.length) this.growIds();
    this.lengths[id] = text.length;
    let hash = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
    this.hashes[id] = hash >>> 0;
    return id;
  }

  private placeShort(id: number): void {
    placeInTable(this.shortTable, mixCode(this.highs[id] as number, this.lows[id] as number), id);
  }

  private growShort(): void {
    const old = this.shortTable;
    this.shortTable = new Int32Array(old.length * 2);
    for (const entry of old) if (entry !== 0) this.placeShort(entry - 1);
  }

  private placeLong(id: number): void {
    placeInTable(this.longTable, spread(this.hashes[id] as number), id);
  }

  private growLong(): void {
    const old = this.longTable;
    this.longTable = new Int32Array(old.length * 2);
    for (const entry of old) if (entry !== 0) this.placeLong(entry - 1);
  }

  private growIds(): void {
    const size = this.hashes.length * 2;
    this.hashes = grown(this.hashes, size);
    this.lengths = grown(this.lengths, size);
    this.stems = grown(this.stems, size, UNKNOWN);
    this.contents = grown(this.contents, size, UNKNOWN);
    this.stopwords = grown(this.stopwords, size);
    this.folded = grown(this.folded, size);
    this.highs = grown(this.highs, size);
    this.lows = grown(this.lows, size);
  }
}

/** A growable list of integers: typed-array storage, no boxing. */
export class IntList {
  private data = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      this.data = grown(this.data, this.data.length * 2);
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index] as number;
  }

  clear(): void {
    this.length = 0;
  }

  /** A copy of the values, exactly sized. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }

  /** The values, not copied: a view that holds them until the list next changes. */
  values(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

interface Memo {
  /** What it was read from: an article with these is the one read (dedup's copy of it too). */
  source: Omit<ArticleText, 'id'>;
  text: Int32Array;
  title?: Int32Array;
  sentences: TokenRuns;
  /** Whether every character of the body is ASCII. */
  ascii: boolean;
  /** What stages made of the article (`derived`), by kind. */
  derived?: Map<string, unknown>;
}

/**
 * Whether an article has the text, sentences and title a memo was read from: at once for dedup's copy of it (the
 * same strings and array), by value for an article read again (`digest dev` collects new objects every build).
 */
function isSameText(source: Memo['source'], article: ArticleText): boolean {
  if (source.text !== article.text || source.title !== article.title) return false;
  const [a, b] = [source.sentences, article.sentences];
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The largest block of memoised arrays (1 MiB); an array over a quarter of it gets its own. */
const MAX_BLOCK = 1 << 18;
const UNKNOWN = -2;
const NONE = -1;
const UNKNOWN_STOPWORD = 0;
const NOT_STOPWORD = 1;
const STOPWORD = 2;
/** What `scan` returns when every character it read is ASCII. */
const ASCII = 1;
/** `starts` and `ends` of a sentence not found in the body, until it is read. */
const NOT_FOUND = -1;
/** A `readRun` visitor that does nothing. */
const NO_TOKEN = () => {};
/** Tokens `countToken` has counted since last set to 0. */
let runTokens = 0;
/** A `readRun` visitor that counts the tokens in `runTokens`. */
const countToken = () => {
  runTokens++;
};

/**
 * A short code is a string's digits in base RADIX, HALF characters to a number: `high` holds the first
 * HALF, `low` the rest. Digits start at 1, so each string of up to SHORT_LENGTH characters has a code
 * of its own, and each half stays below 2^31.
 */
const RADIX = 37;
const HALF = 5;
const SHORT_LENGTH = 2 * HALF;
/** The digit of each ASCII character in a short code: 1-26 for a-z and A-Z (as lowercased), 27-36 for 0-9, else 0. */
const DIGIT = new Uint8Array(128);
for (let c = 0; c < 26; c++) {
  DIGIT[97 + c] = c + 1;
  DIGIT[65 + c] = c + 1;
}
for (let c = 0; c < 10; c++) DIGIT[48 + c] = 27 + c;
/** Or'ed into an ASCII letter or digit, lowercases it. */
const LOWERCASE_BIT = 0x20;

/**
 * Whether a sentence edge between `text[at - 1]` and `text[at]` may cut a token, by the character outside the
 * sentence (`text[outside]`, NaN outside the text): an ASCII letter or digit may; one beyond ASCII when
 * it and the character inside are of one run (`cutsToken`).
 */
function cutsAt(text: string, at: number, outside: number): boolean {
  const c = text.charCodeAt(outside);
  return c < 128 ? DIGIT[c] !== 0 : c >= 128 && cutsToken(text, at);
}

/** The table slot of a short code. */
function mixCode(high: number, low: number): number {
  let h = Math.imul(high, 0x9e3779b1) ^ low;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/** Whether `source` holds `known` at `start`, each character or'ed with `fold` (a loop: `startsWith` at an offset costs far more per call). */
function sameChars(known: string, source: string, start: number, fold: number): boolean {
  for (let i = 0; i < known.length; i++)
    if (known.charCodeAt(i) !== (source.charCodeAt(start + i) | fold)) return false;
  return true;
}

/**
 * `source.slice(start, end)`, each character or'ed with `fold`, as a string of its own: V8 makes a longer
 * slice a view that keeps all of `source` (a whole article) alive for as long as the vocabulary lives.
 */
function ownCopy(source: string, start: number, end: number, fold: number): string {
  if (fold === 0 && start === 0 && end === source.length) return source;
  const chunks: string[] = [];
  // In chunks: a hostile file's one-word megabyte would overflow the call stack as arguments.
  for (let from = start; from < end; from += 4096) {
    const codes: number[] = [];
    for (let i = from; i < Math.min(end, from + 4096); i++) codes.push(source.charCodeAt(i) | fold);
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.length === 1 ? (chunks[0] as string) : chunks.join('');
}

/** FNV's low bits are weak for short keys: the table slot takes the high bits in too. */
function spread(hash: number): number {
  return hash ^ (hash >>> 15);
}
