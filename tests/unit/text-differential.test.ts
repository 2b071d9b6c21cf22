// Differential properties: the text core's integer-id fast paths against the plain string functions they
// stand for (issue 20: "keep the output identical"), on generated input. Fixed seeds: every run checks the
// same inputs, and a failure prints the shrunk counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCorpus, type StoryText, seededRandom } from '../../bench/corpus.ts';
import type { Article, CanonicalArticle } from '../../src/core/article.ts';
import { shingleHashes, shinglesOfWords } from '../../src/core/ingest/minhash.ts';
import { parseFiles } from '../../src/core/parse-files.ts';
import { summariseWithAlternatives } from '../../src/core/summarise.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { isSpace } from '../../src/core/text/chars.ts';
import { FNV_OFFSET, FNV_PRIME } from '../../src/core/text/fnv.ts';
import { termVectors } from '../../src/core/text/term-vectors.ts';
import { documentFrequencies, dot, tfidfVectors } from '../../src/core/text/tfidf.ts';
import { contentTerms, isStopword, stem, wordCount, words } from '../../src/core/text/tokens.ts';
import { VectorIndex } from '../../src/core/text/vector-index.ts';
import { groupThemes } from '../../src/core/themes.ts';

const SEED = 20_261_126;
const RUNS = 1000;
const settings = (numRuns = RUNS) => ({ seed: SEED, numRuns });

/** Characters and pieces the fast paths treat specially, or that sit next to what they treat specially. */
const SPECIAL = [
  '\u0130', // İ: lowercases to "i" and a combining dot, two characters
  '\u212a', // Kelvin sign: lowercases to ASCII "k"
  'ß',
  '\u1e9e', // ẞ
  'Σ',
  'é',
  'e\u0301', // e and a combining acute accent
  '\u0307', // combining dot above
  '\u0301',
  '0',
  '7',
  '1,234.5',
  "'",
  '’',
  '-',
  '\u2010', // hyphen
  '.',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\u000b',
  '\u000c',
  ' ',
  '  ',
  '\u00a0', // no-break space
  '\u1680',
  '\u2009', // thin space
  '\u200a',
  '\u200b', // zero-width space: not white space
  '\u180e', // Mongolian vowel separator: white space before Unicode 6.3, not now
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u007f', // the last ASCII character
  '\u0080', // the first beyond it
  '\u{1f600}', // a surrogate pair
  '\u{10400}', // Deseret capital letter: a surrogate pair that lowercases to another
  'Æ', // folds to two letters, "ae"
  'þ',
  'Ё',
  'ς', // folds to "σ"
  'Москва',
  '北京', // Han: a run read as bigrams
  '大',
  'の', // Hiragana
  'カー', // Katakana and the prolonged sound mark
  '。',
  '\u{20000}', // a Han character beyond the BMP: a surrogate pair in a bigram
  '\uff21', // full-width "A"
  '\u0915\u093e', // Devanagari letter and vowel sign (a mark): one word
  '\ud83d', // a lone high surrogate
  '\ude00', // a lone low surrogate
  'the',
  'The',
  'AND',
  'according',
  'Mr',
  'running',
  'Cities',
  'RELATIONAL',
  'agreed',
  'police',
  'Police',
];
const ALNUM = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
const alnum = fc.constantFrom(...ALNUM);

/** Runs of letters and digits around the 10-character limit of a token's short code. */
const longRun = fc.string({ unit: alnum, minLength: 8, maxLength: 24 });

/** One piece of a biased text. */
const piece = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL), weight: 6 },
  { arbitrary: alnum, weight: 4 },
  { arbitrary: longRun, weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 2 }), weight: 1 },
);

const biasedText = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
/** Any code unit, lone surrogates too. */
const codeUnitText = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const text = fc.oneof(
  { arbitrary: biasedText, weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
  { arbitrary: codeUnitText, weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 1 },
);

const texts = (terms: ArticleTerms, ids: ArrayLike<number>) => Array.from(ids, (id) => terms.text(id));

/** FNV-1a over a string's UTF-16 code units, as minhash.ts hashes a lowercase ASCII word. */
function fnv1a(word: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** The non-empty pieces of `text.split(/\s+/)`, each with where it starts and ends in `text`. */
function splitWords(text: string): { start: number; end: number; word: string }[] {
  const pieces = text.split(/\s+/).filter((word) => word !== '');
  const found = [...text.matchAll(/\S+/g)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    word: m[0],
  }));
  // The same pieces: what /\S+/ finds is what split(/\s+/) leaves.
  expect(found.map((f) => f.word)).toEqual(pieces);
  return found;
}

describe('the characters the fast paths single out', () => {
  it('isSpace is exactly what \\s matches, code unit by code unit, and \\s matches no surrogate pair', () => {
    const differ: string[] = [];
    for (let code = 0; code <= 0xffff; code++)
      if (isSpace(code) !== /\s/.test(String.fromCharCode(code))) differ.push(code.toString(16));
    for (let code = 0x10000; code <= 0x10ffff; code++)
      if (/\s/u.test(String.fromCodePoint(code))) differ.push(code.toString(16));
    expect(differ).toEqual([]);
  });

  it('only İ and the Kelvin sign, beyond ASCII, lowercase to a token character', () => {
    const lowersToToken: number[] = [];
    for (let code = 0x80; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      if (/[a-z0-9]/.test(String.fromCodePoint(code).toLowerCase())) lowersToToken.push(code);
    }
    expect(lowersToToken).toEqual([0x130, 0x212a]);
  });
});

describe('ArticleTerms against tokens.ts', () => {
  it('gives the words, stems, content terms, stopwords and word hashes of any text', () => {
    // One vocabulary for every run: its tables grow and its ids come in every order of first sight.
    const terms = new ArticleTerms();
    fc.assert(
      fc.property(text, (sample) => {
        const ids = terms.tokens(sample);
        const expected = words(sample);
        expect(texts(terms, ids)).toEqual(expected);
        expect(Array.from(ids, (id) => terms.text(terms.stem(id)))).toEqual(expected.map(stem));
        expect(texts(terms, terms.contentTermIds(ids))).toEqual(contentTerms(sample));
        expect(Array.from(ids, (id) => terms.isStopword(id))).toEqual(expected.map(isStopword));
        expect(Array.from(ids, (id) => terms.hash(id))).toEqual(expected.map(fnv1a));
        ids.forEach((id, i) => {
          // The token is the interned string, and its hash is its word's in a near-duplicate shingle.
          expect(terms.id(expected[i] as string)).toBe(id);
          expect(shinglesOfWords(Uint32Array.of(terms.hash(id)))).toEqual(
            shingleHashes(expected[i] as string),
          );
        });
        // Beyond ASCII too: a text's words are its tokens.
        expect(shinglesOfWords(Uint32Array.from(ids, (id) => terms.hash(id)))).toEqual(shingleHashes(sample));
      }),
      settings(),
    );
  });

  it('interns any string as itself, one id per distinct string, hashed by its code units', () => {
    const terms = new ArticleTerms();
    const seen = new Map<string, number>();
    const owner = new Map<number, string>();
    const key = fc.oneof(text, longRun, fc.string({ unit: alnum, maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 8 }), (keys) => {
        for (const k of keys) {
          const id = terms.id(k);
          expect(terms.text(id)).toBe(k);
          expect(terms.hash(id)).toBe(fnv1a(k));
          expect(terms.text(terms.stem(id))).toBe(stem(k));
          expect(terms.id(k)).toBe(id);
          if (seen.has(k)) expect(id).toBe(seen.get(k));
          if (owner.has(id)) expect(owner.get(id)).toBe(k);
          seen.set(k, id);
          owner.set(id, k);
        }
      }),
      settings(),
    );
  });
});

/** How a sentence of a generated article relates to its text. */
type SentenceKind = 'piece' | 'slice' | 'other';

/**
 * Articles whose sentences are pieces of their text, slices of it cut anywhere (through a token or a
 * surrogate pair), or unrelated text, in any order, with or without an İ that disables the alignment.
 */
const article = fc
  .record({
    parts: fc.array(fc.record({ gap: text, sentence: text }), { maxLength: 6 }),
    tail: text,
    picks: fc.array(
      fc.record({
        kind: fc.constantFrom<SentenceKind>('piece', 'piece', 'slice', 'other'),
        at: fc.nat(),
        length: fc.nat({ max: 40 }),
        other: text,
      }),
      { maxLength: 8 },
    ),
    dotted: fc.boolean(),
    title: text,
    id: fc.constantFrom('a.txt', 'b.txt', 'c.md'),
  })
  .map(({ parts, tail, picks, dotted, title, id }): Article => {
    const body = parts.map((p) => p.gap + p.sentence).join('') + tail;
    const text = dotted ? `${body}\u0130` : body;
    const pieces = parts.map((p) => p.sentence);
    const sentences = picks.map(({ kind, at, length, other }) => {
      if (kind === 'piece' && pieces.length > 0) return pieces[at % pieces.length] as string;
      if (kind === 'slice' && text.length > 0) {
        const start = at % text.length;
        return text.slice(start, start + length);
      }
      return other;
    });
    // Mostly in reading order, as a parser gives them.
    const ordered = picks.every((p) => p.kind === 'piece') ? [...pieces] : sentences;
    return { id, title, text, sentences: ordered, contentHash: id };
  });

function expectTokensOf(terms: ArticleTerms, a: Article): void {
  expect(texts(terms, terms.textTokens(a))).toEqual(words(a.text));
  expect(texts(terms, terms.titleTokens(a))).toEqual(words(a.title));
  const runs = terms.sentenceTokens(a);
  a.sentences.forEach((sentence, i) => {
    expect(texts(terms, runs.ids.subarray(runs.starts[i], runs.ends[i]))).toEqual(words(sentence));
    expect(texts(terms, terms.contentTermIds(runs.ids, runs.starts[i], runs.ends[i]))).toEqual(
      contentTerms(sentence),
    );
  });
  expect(terms.isAscii(a)).toBe(/^[\0-\x7f]*$/.test(a.text));
}

describe("an article's memo", () => {
  it('gives each sentence the tokens of its text, whether or not it is a piece of the body', () => {
    const terms = new ArticleTerms();
    fc.assert(
      fc.property(article, (a) => {
        // A fresh id per run: each article is read once, here.
        const fresh = { ...a, id: `${a.id}#${terms.articlesRead}` };
        expectTokensOf(terms, fresh);
        // Read again from the memo: the same tokens.
        expectTokensOf(terms, structuredClone(fresh));
      }),
      settings(),
    );
  });

  it('reads an article again, in the kept vocabulary, when its text, sentences or title changed', () => {
    const terms = new ArticleTerms(true);
    const change = fc.record({
      text: fc.option(text, { nil: undefined }),
      sentence: fc.option(fc.tuple(fc.nat(), text), { nil: undefined }),
      title: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(article, change, (a, { text: newText, sentence, title }) => {
        expectTokensOf(terms, a);
        terms.remember(a, 'kind', () => a.title);
        const sentences = [...a.sentences];
        if (sentence) {
          const [at, replacement] = sentence;
          sentences[sentences.length === 0 ? 0 : at % sentences.length] = replacement;
        }
        const changed: Article = {
          ...a,
          text: newText ?? a.text,
          title: title ?? a.title,
          sentences,
        };
        expectTokensOf(terms, changed);
        const same =
          changed.text === a.text &&
          changed.title === a.title &&
          changed.sentences.length === a.sentences.length &&
          changed.sentences.every((s, i) => s === a.sentences[i]);
        expect(terms.remembered(changed, 'kind')).toBe(same ? a.title : undefined);
        // And back: the first version's tokens again.
        expectTokensOf(terms, a);
      }),
      settings(),
    );
  });
});

describe('forEachWord', () => {
  it('visits the non-empty pieces of split(/\\s+/), each with its tokens, up to maxWords', () => {
    const terms = new ArticleTerms();
    const maxWords = fc.oneof(fc.nat({ max: 12 }), fc.constant(Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(text, maxWords, fc.nat({ max: 3 }), (sample, max, offset) => {
        const ids = terms.tokens(sample);
        // The text's tokens at `offset` of a longer run, as a sentence's are in `sentenceTokens`.
        const run = new Int32Array(offset + ids.length + 2).fill(terms.id('junk'));
        run.set(ids, offset);
        const tokenTexts = texts(terms, ids);
        const visited: { start: number; end: number; word: string; tokens: string[] }[] = [];
        const count = terms.forEachWord(sample, run, offset, max, {
          word: (start, end, from, to) => {
            visited.push({ start, end, word: sample.slice(start, end), tokens: tokenTexts.slice(from, to) });
          },
        });
        const expected = splitWords(sample)
          .slice(0, max)
          .map((w) => ({ ...w, tokens: words(w.word) }));
        expect(visited).toEqual(expected);
        expect(count).toBe(expected.length);
        expect(terms.forEachWord(sample, run, offset, max)).toBe(count);
        expect(wordCount(sample)).toBe(splitWords(sample).length);
      }),
      settings(),
    );
  });

  it("visits a memoised sentence's words with its own run of tokens", () => {
    const terms = new ArticleTerms();
    fc.assert(
      fc.property(article, (a) => {
        const fresh = { ...a, id: `${a.id}#${terms.articlesRead}` };
        const runs = terms.sentenceTokens(fresh);
        fresh.sentences.forEach((sentence, i) => {
          const visited: string[][] = [];
          terms.forEachWord(sentence, runs.ids, runs.starts[i] as number, Number.POSITIVE_INFINITY, {
            word: (_start, _end, from, to) => {
              const at = runs.starts[i] as number;
              visited.push(texts(terms, runs.ids.subarray(at + from, at + to)));
            },
          });
          expect(visited).toEqual(splitWords(sentence).map((w) => words(w.word)));
        });
      }),
      settings(),
    );
  });
});

/** Documents of terms from a small pool, so terms repeat within and across documents. */
const TERM_POOL = ['a', 'b', 'c', 'cat', 'dog', 'ecb', 'rate', 'rates', 'x1', 'longerterm12', 'z'];
const documents = fc.array(fc.array(fc.constantFrom(...TERM_POOL), { maxLength: 14 }), { maxLength: 9 });

describe('termVectors and VectorIndex against tfidf.ts', () => {
  it('termVectors gives tfidfVectors of the filtered documents: same entries, order and bits', () => {
    fc.assert(
      fc.property(
        documents,
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom(...TERM_POOL), { maxLength: 5 }),
        (docs, minDocuments, readFirst) => {
          // A vocabulary that read other terms first: ids in another order than the documents'.
          const terms = new ArticleTerms();
          for (const t of readFirst) terms.id(t);
          const vectors = termVectors(
            docs.map((d) => Int32Array.from(d, (t) => terms.id(t))),
            terms,
            minDocuments,
          );
          const df = documentFrequencies(docs);
          const filtered = docs.map((d) => d.filter((t) => (df.get(t) as number) >= minDocuments));
          const expected = tfidfVectors(filtered);
          const got = vectors.ids.map((ids, d) =>
            Array.from(ids, (id, i) => [terms.text(id), vectors.weights[d]?.[i]] as const),
          );
          expect(got).toEqual(expected.map((v) => [...v.entries()]));
          // Bit for bit, -0 apart from 0 too.
          got.forEach((entries, d) => {
            for (const [term, weight] of entries)
              expect(Object.is(weight, expected[d]?.get(term))).toBe(true);
          });
        },
      ),
      settings(),
    );
  });

  it('VectorIndex.dot is dot to the last bit, for any pairs in any order', () => {
    fc.assert(
      fc.property(
        documents.filter((docs) => docs.length > 0),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 30 }),
        (docs, pairs) => {
          const terms = new ArticleTerms();
          const vectors = termVectors(
            docs.map((d) => Int32Array.from(d, (t) => terms.id(t))),
            terms,
          );
          const maps = tfidfVectors(docs);
          const index = new VectorIndex(vectors);
          for (const [i, j] of pairs) {
            const [a, b] = [i % docs.length, j % docs.length];
            expect(index.dot(a, b)).toBe(dot(maps[a] as Map<string, number>, maps[b] as Map<string, number>));
          }
        },
      ),
      settings(),
    );
  });
});

/** Words any story may use. */
const COMMON_WORDS = 'the said on a new after officials week report people city Tuesday 40 percent'.split(
  ' ',
);
/** Words of one event each, names and figures among them: what tells its stories from the others'. */
const EVENT_WORDS = [
  'bank rates rise inflation Lagarde Frankfurt ECB markets 2.5 bonds lending euro governors'.split(' '),
  'storm flood river rescue Danube villages evacuated rainfall dams 1,200 soldiers Hungary'.split(' '),
  'election vote count results Macron Paris ballots turnout candidate runoff polls senate'.split(' '),
  'quake island tremor magnitude Sumatra tsunami aftershocks buildings collapsed 6.8 coast'.split(' '),
];

/** A sentence of an event: mostly its own words, some common ones. */
function sentenceOf(event: readonly string[]): fc.Arbitrary<string> {
  const word = fc.oneof(
    { arbitrary: fc.constantFrom(...event), weight: 3 },
    { arbitrary: fc.constantFrom(...COMMON_WORDS), weight: 2 },
  );
  return fc
    .array(word, { minLength: 6, maxLength: 14 })
    .map((ws) => `${(ws[0] as string).charAt(0).toUpperCase()}${ws.join(' ').slice(1)}.`);
}

/** A pool of 1 to 4 events, each told by a few stories, as bench/corpus.ts samples them from the eval corpora. */
const storyPool: fc.Arbitrary<StoryText[][]> = fc
  .integer({ min: 1, max: EVENT_WORDS.length })
  .chain((events) =>
    fc.tuple(
      ...EVENT_WORDS.slice(0, events).map((event) =>
        fc.array(
          fc.record({
            title: sentenceOf(event),
            sentences: fc.array(sentenceOf(event), { minLength: 3, maxLength: 7 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      ),
    ),
  );

/** `items` in the order a seeded shuffle gives. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** A vocabulary kept across builds that first read unrelated text, and the articles backwards: other ids. */
function usedVocabulary(unrelated: string, articles: readonly Article[]): ArticleTerms {
  const terms = new ArticleTerms(true);
  terms.tokens(unrelated);
  for (const a of [...articles].reverse()) {
    terms.tokens([...a.title].reverse().join(''));
    terms.textTokens({ ...a, sentences: [...a.sentences] });
  }
  return terms;
}

describe('the clusterer and the summariser', () => {
  it('group and summarise the same whatever the input order and the vocabulary read before', async () => {
    const summary = { words: 80, minPoints: 2, maxPoints: 5 };
    await fc.assert(
      fc.asyncProperty(
        storyPool,
        fc.integer({ min: 2, max: 14 }),
        fc.nat(),
        fc.nat(),
        biasedText,
        async (stories, count, corpusSeed, order, unrelated) => {
          const { articles } = await parseFiles(generateCorpus(stories, count, corpusSeed));
          const canonical: CanonicalArticle[] = articles.map((a) => ({ ...a, duplicates: [] }));
          const fresh = new ArticleTerms();
          const expected = groupThemes(canonical, {}, fresh).map((group) => ({
            group,
            ...summariseWithAlternatives(group.articles, summary, 4, fresh),
          }));
          const kept = usedVocabulary(unrelated, articles);
          // Twice with the kept vocabulary: the second build reuses what the first derived.
          for (let build = 0; build < 2; build++) {
            const got = groupThemes(shuffled(canonical, order + build), {}, kept).map((group) => ({
              group,
              ...summariseWithAlternatives(shuffled(group.articles, order - build), summary, 4, kept),
            }));
            expect(got).toEqual(expected);
          }
        },
      ),
      settings(150),
    );
  });
});
