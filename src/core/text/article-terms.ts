import type { Article } from '../article.ts';
import { isContentToken, isSpace, isStopword, stem as porterStem } from './tokens.ts';

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
 * The one pass over the text of a build: every article is tokenised once, and every token, stem and term
 * is an integer id in one per-build vocabulary, shared by dedup, themes, labels and summaries.
 *
 * - A **token** is what `words(text)` in tokens.ts gives: a lowercase run of a-z0-9 (`tokens(text)[i]` is
 *   the id of `words(text)[i]`).
 * - `stem(token)` is the id of its Porter stem (`stem` in tokens.ts); `contentTerm(token)` the id of the
 *   term `contentTerms` in tokens.ts keeps for it, or -1 when it keeps none (stopword, one character, a
 *   number of up to 3 digits). So `contentTerms(text)` is `contentTermIds(tokens(text))` mapped through `text`.
 * - Tokens, stems and any string given to `id` share one id range `0 .. size - 1`, in order of first
 *   sight: a token that is its own stem ("cat") has one id. Ids say nothing about order; compare the
 *   strings (`text(id)`) where ties must be broken by term.
 * - Per-article arrays are memoised by article id (one build never has two articles with one id) and
 *   must not be written to.
 *
 * Create one per build (`buildDigestFromArticles` does, and passes it to each stage:
 * `collapseDuplicates(articles, terms)`, `groupThemes(articles, options, terms)`); size dense arrays by
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
  private strings: string[] = [];
  /** FNV-1a hash of each id's string. */
  private hashes = new Uint32Array(1024);
  /** Stem id of each id, UNKNOWN until first asked. */
  private stems = new Int32Array(1024).fill(UNKNOWN);
  /** Content-term id of each id (NONE when none), UNKNOWN until first asked. */
  private contents = new Int32Array(1024).fill(UNKNOWN);
  /** Open-addressing hash table: id + 1 per slot, 0 when free. */
  private table = new Int32Array(4096);
  private readonly buffer = new IntList();
  private readonly offsets = new IntList();
  private readonly articles = new Map<string, Memo>();

  /** Ids given out so far: every id is below it. */
  get size(): number {
    return this.strings.length;
  }

  /** The string of an id: a token, a stem or a string given to `id`. */
  text(id: number): string {
    return this.strings[id] as string;
  }

  /** The id of a string, given out on first sight. Any string: callers may intern their own keys ("#5.6"). */
  id(text: string): number {
    let h = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    return this.intern(text, 0, text.length, h >>> 0);
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
  textTokens(article: Article): Int32Array {
    return this.read(article).text;
  }

  /** Token ids of an article's title. Memoised. */
  titleTokens(article: Article): Int32Array {
    const memo = this.read(article);
    memo.title ??= this.tokens(article.title);
    return memo.title;
  }

  /** Token ids of each of an article's sentences (`article.sentences`). Memoised. */
  sentenceTokens(article: Article): TokenRuns {
    return this.read(article).sentences;
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

  /** Whether a token is a stopword (stopwords.ts). */
  isStopword(token: number): boolean {
    return isStopword(this.text(token));
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
   * most `maxWords` of them, with the range of `tokens(text)` each holds: `visit(start, end, from, to)`
   * for the word `text.slice(start, end)` and its tokens `tokens(text)[from .. to - 1]`. Returns how
   * many words it visited. No string is built.
   */
  forEachWord(
    text: string,
    maxWords: number,
    visit: (start: number, end: number, from: number, to: number) => void,
  ): number {
    const lower = text.toLowerCase();
    // Lowercasing keeps positions unless a character becomes two ("İ" -> "i̇"): then each word on its own.
    const aligned = lower.length === text.length;
    const length = text.length;
    let words = 0;
    let token = 0;
    let i = 0;
    while (words < maxWords) {
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i === length) break;
      const start = i;
      const from = token;
      let inToken = false;
      for (; i < length && !isSpace(text.charCodeAt(i)); i++) {
        const tokenChar = aligned && isTokenChar(lower.charCodeAt(i));
        if (tokenChar && !inToken) token++;
        inToken = tokenChar;
      }
      if (!aligned) token += countTokens(text.slice(start, i).toLowerCase());
      visit(start, i, from, token);
      words++;
    }
    return words;
  }

  /**
   * The article's memo, its body read on first sight: the body is scanned once, and each sentence found
   * in it takes its tokens from there. A sentence is an exact piece of its paragraph, so it is found from
   * where the last one ended; one that is not (or whose edges cut a token) is scanned on its own.
   */
  private read(article: Article): Memo {
    let memo = this.articles.get(article.id);
    if (memo) return memo;
    const { text, sentences } = article;
    const ids = this.buffer;
    ids.clear();
    this.offsets.clear();
    const aligned = this.scan(text, ids, this.offsets);
    const bodyLength = ids.length;
    const starts = new Int32Array(sentences.length);
    const ends = new Int32Array(sentences.length);
    const lower = aligned ? text.toLowerCase() : '';
    let cursor = 0;
    let token = 0;
    sentences.forEach((sentence, i) => {
      const at = aligned ? text.indexOf(sentence, cursor) : -1;
      const end = at + sentence.length;
      if (at >= 0 && !isTokenChar(lower.charCodeAt(at - 1)) && !isTokenChar(lower.charCodeAt(end))) {
        // Token k spans offsets[2k] .. offsets[2k + 1]: skip those before the sentence, take those in it.
        while (token < bodyLength && this.offsets.at(2 * token) < at) token++;
        starts[i] = token;
        while (token < bodyLength && this.offsets.at(2 * token + 1) <= end) token++;
        ends[i] = token;
        cursor = end;
      } else {
        starts[i] = ids.length;
        this.scan(sentence, ids);
        ends[i] = ids.length;
      }
    });
    const all = ids.toArray();
    memo = { text: all.subarray(0, bodyLength), sentences: { ids: all, starts, ends } };
    this.articles.set(article.id, memo);
    return memo;
  }

  /**
   * Appends the token ids of `text` to `out`, and the start and end offset of each token in `text` to
   * `offsets` when given. Returns whether lowercasing kept every character's offset (so offsets are
   * those of `text` too).
   */
  private scan(text: string, out: IntList, offsets?: IntList): boolean {
    const lower = text.toLowerCase();
    const length = lower.length;
    let i = 0;
    for (;;) {
      while (i < length && !isTokenChar(lower.charCodeAt(i))) i++;
      if (i === length) break;
      const start = i;
      let h = FNV_OFFSET;
      for (; i < length && isTokenChar(lower.charCodeAt(i)); i++)
        h = Math.imul(h ^ lower.charCodeAt(i), FNV_PRIME);
      out.push(this.intern(lower, start, i, h >>> 0));
      if (offsets) {
        offsets.push(start);
        offsets.push(i);
      }
    }
    return length === text.length;
  }

  /** The id of `source.slice(start, end)`, whose hash is `hash`; the string is built only when new. */
  private intern(source: string, start: number, end: number, hash: number): number {
    const mask = this.table.length - 1;
    const length = end - start;
    for (let slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot] as number;
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] !== hash) continue;
      const known = this.strings[id] as string;
      if (known.length === length && sameChars(known, source, start)) return id;
    }
    const id = this.strings.length;
    this.strings.push(ownCopy(source, start, end));
    if (id === this.hashes.length) this.growIds();
    this.hashes[id] = hash;
    if ((id + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(id);
    return id;
  }

  private place(id: number): void {
    const mask = this.table.length - 1;
    let slot = spread(this.hashes[id] as number) & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = id + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let id = 0; id < this.strings.length; id++) this.place(id);
  }

  private growIds(): void {
    const size = this.hashes.length * 2;
    const hashes = new Uint32Array(size);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const stems = new Int32Array(size).fill(UNKNOWN);
    stems.set(this.stems);
    this.stems = stems;
    const contents = new Int32Array(size).fill(UNKNOWN);
    contents.set(this.contents);
    this.contents = contents;
  }
}

/** A growable list of integers: typed-array storage, no boxing. */
export class IntList {
  private data = new Int32Array(256);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const data = new Int32Array(this.data.length * 2);
      data.set(this.data);
      this.data = data;
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
}

interface Memo {
  text: Int32Array;
  title?: Int32Array;
  sentences: TokenRuns;
}

const UNKNOWN = -2;
const NONE = -1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Whether `source` holds `known` at `start` (a loop: `startsWith` at an offset costs far more per call). */
function sameChars(known: string, source: string, start: number): boolean {
  for (let i = 0; i < known.length; i++)
    if (known.charCodeAt(i) !== source.charCodeAt(start + i)) return false;
  return true;
}

/** a-z or 0-9: a character of a token, once lowercased. */
function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function countTokens(lower: string): number {
  let count = 0;
  let inToken = false;
  for (let i = 0; i < lower.length; i++) {
    const tokenChar = isTokenChar(lower.charCodeAt(i));
    if (tokenChar && !inToken) count++;
    inToken = tokenChar;
  }
  return count;
}

/**
 * `source.slice(start, end)` as a string of its own: V8 makes a longer slice a view that keeps all of
 * `source` (a whole article) alive for as long as the vocabulary lives.
 */
function ownCopy(source: string, start: number, end: number): string {
  if (end - start < 13) return start === 0 && end === source.length ? source : source.slice(start, end);
  const chunks: string[] = [];
  // In chunks: a hostile file's one-word megabyte would overflow the call stack as arguments.
  for (let from = start; from < end; from += 4096) {
    const codes: number[] = [];
    for (let i = from; i < Math.min(end, from + 4096); i++) codes.push(source.charCodeAt(i));
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.length === 1 ? (chunks[0] as string) : chunks.join('');
}

/** FNV's low bits are weak for short keys: the table slot takes the high bits in too. */
function spread(hash: number): number {
  return hash ^ (hash >>> 15);
}
