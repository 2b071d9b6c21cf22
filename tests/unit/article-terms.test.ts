import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/core/article.ts';
import { shingleHashes, shinglesOfWords } from '../../src/core/ingest/minhash.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { contentTerms, stem, words } from '../../src/core/text/tokens.ts';
import { parsedArticle, sourceFile } from '../support/articles.ts';

const SEEDS = ['000_e134260b7217c83b.txt', '002_e4b0cc16b253e023.txt', '004_c1981645b6ba3112.txt'];
const parsedSeeds = await Promise.all(SEEDS.map((name) => parsedArticle(sourceFile(`seeds/${name}`))));
const seeds = () => parsedSeeds;

/** Texts where lowercasing, digits, punctuation or whitespace could split words differently. */
const AWKWARD = [
  'İstanbul’s ŞEHİR and the KELVIN sign: 300 \u212A, 1,234.5 people in 2014.',
  'ΣΊΣΥΦΟΣ ran; café-owner Zoë O’Brien’s U.S. trip\u00a0(cost $160) ended at 2:09 a.m.',
  '  leading and trailing space\t\n',
  'no-break\u2009thin\u3000ideographic\ufeffBOM',
  '',
];

const texts = (terms: ArticleTerms, ids: ArrayLike<number>) => Array.from(ids, (id) => terms.text(id));

function article(id: string, text: string, sentences: string[]): Article {
  return { id, title: sentences[0] ?? '', text, sentences, contentHash: id };
}

describe('ArticleTerms', () => {
  it('gives the tokens, stems and content terms tokens.ts gives, as ids of one vocabulary', () => {
    // Prepare
    const terms = new ArticleTerms();
    const samples = [...AWKWARD, ...seeds().flatMap((a) => [a.title, a.text])];

    for (const text of samples) {
      // Act
      const tokens = terms.tokens(text);

      // Assess
      expect(texts(terms, tokens)).toEqual(words(text));
      expect(Array.from(tokens, (id) => terms.text(terms.stem(id)))).toEqual(words(text).map(stem));
      expect(texts(terms, terms.contentTermIds(tokens))).toEqual(contentTerms(text));
    }
    expect(terms.id('police')).toBe(terms.tokens('Police')[0]);
    expect(terms.text(terms.id('#5.6'))).toBe('#5.6');
    expect(terms.isStopword(terms.id('the'))).toBe(true);
    expect(terms.contentTerm(terms.id('the'))).toBe(-1);
  });

  it('reads each sentence from the body where it is found there, and on its own where it is not', () => {
    // Prepare: "Def ghi." sits after "abc." with no space; "bc." cuts the token "abc"; the last is no
    // piece of the body; the body of the second article lowercases to a longer text.
    const terms = new ArticleTerms();
    const odd = article('odd', 'abc.Def ghi. Jkl 12', ['Def ghi.', 'bc.', 'Jkl 12', 'Not in the body']);
    const longer = article('longer', 'İSTANBUL is big.\n\nThe Zoë’s ŞEHİR.', [
      'İSTANBUL is big.',
      'The Zoë’s ŞEHİR.',
    ]);

    for (const a of [odd, longer, ...seeds()]) {
      // Act
      const runs = terms.sentenceTokens(a);

      // Assess
      expect(texts(terms, terms.textTokens(a))).toEqual(words(a.text));
      expect(texts(terms, terms.titleTokens(a))).toEqual(words(a.title));
      a.sentences.forEach((sentence, i) => {
        expect(texts(terms, runs.ids.subarray(runs.starts[i], runs.ends[i]))).toEqual(words(sentence));
      });
    }
  });

  it('keeps each article read: the same arrays on every call, sentences sharing the body tokens', () => {
    // Prepare
    const terms = new ArticleTerms();
    const [seed] = seeds() as [Article];

    // Act
    const body = terms.textTokens(seed);
    const runs = terms.sentenceTokens(seed);

    // Assess
    expect(terms.textTokens(seed)).toBe(body);
    expect(terms.sentenceTokens(seed)).toBe(runs);
    expect(runs.ids.buffer).toBe(body.buffer);
  });

  it('visits the words split(/\\s+/) gives, each with its own tokens, up to the word limit', () => {
    // Prepare
    const terms = new ArticleTerms();

    for (const text of [...AWKWARD, ...seeds().map((a) => a.text)]) {
      const ids = terms.tokens(text);
      const tokens = texts(terms, ids);
      const visited: { word: string; tokens: string[] }[] = [];

      // Act
      const count = terms.forEachWord(text, ids, 0, 7, {
        word: (start, end, from, to) => {
          visited.push({ word: text.slice(start, end), tokens: tokens.slice(from, to) });
        },
      });

      // Assess
      const expected = text
        .split(/\s+/)
        .filter((word) => word !== '')
        .slice(0, 7);
      expect(count).toBe(expected.length);
      expect(visited).toEqual(expected.map((word) => ({ word, tokens: words(word) })));
    }
  });

  it('hashes tokens as near-duplicate shingles hash words, so dedup can reuse them', () => {
    // Prepare
    const terms = new ArticleTerms();
    const [seed] = seeds() as [Article];
    const accented = article(
      'accented',
      'Zoë Pérez and Erdoğan met in Zürich an der Straße. Москва, 北京大学。',
      [],
    );
    expect(terms.isAscii(article('plain', 'Plain text, 12 words.', []))).toBe(true);
    expect(terms.isAscii(article('quoted', 'The “quoted” text.', []))).toBe(false);

    // Act
    const fromTokens = shinglesOfWords(Uint32Array.from(terms.textTokens(seed), (id) => terms.hash(id)));

    // Assess
    expect(fromTokens).toEqual(shingleHashes(seed.text));
    // Beyond ASCII too: letters folded, other scripts' words, Han bigrams.
    expect(shinglesOfWords(Uint32Array.from(terms.textTokens(accented), (id) => terms.hash(id)))).toEqual(
      shingleHashes(accented.text),
    );
  });

  it('keeps the tokens of articles of every length, one after another', () => {
    // Prepare: articles longer than twice the block their tokens are kept in so far, and one over a block.
    const terms = new ArticleTerms();
    const lengths = [3, 9000, 40_000, 5000, 70_000, 200];
    const read = lengths.map((count, i) => {
      const text = Array.from({ length: count }, (_, w) => `w${w % 97}`).join(' ');
      return article(`long-${i}`, `${text}.`, [`${text}.`]);
    });

    // Act
    const tokens = read.map((a) => terms.textTokens(a));

    // Assess
    expect(tokens.map((t) => t.length)).toEqual(lengths);
    tokens.forEach((t, i) => {
      expect(texts(terms, t)).toEqual(words(read[i]?.text ?? ''));
    });
  });

  it('interns a token of any length', () => {
    // Prepare
    const terms = new ArticleTerms();
    const long = 'x'.repeat(10_000);

    // Act
    const [, id] = terms.tokens(`a ${long} b`);

    // Assess
    expect(terms.text(id as number)).toBe(long);
    expect(terms.id(long)).toBe(id);
  });

  it('reads an article again only when its text, sentences or title changed, as after a file changed', () => {
    // Prepare
    const terms = new ArticleTerms();
    const [seed] = seeds() as [Article];
    const body = terms.textTokens(seed);
    const copy = { ...seed, duplicates: ['other.txt'] };
    const readAgain = structuredClone(seed);
    const changed = { ...seed, text: `${seed.text} More.`, sentences: [...seed.sentences, 'More.'] };

    // Act
    const copyBody = terms.textTokens(copy);
    const readAgainBody = terms.textTokens(readAgain);
    const changedBody = terms.textTokens(changed);

    // Assess: dedup's copy of an article, and the same article read again (`digest dev` reads the stored
    // articles at every build), share its tokens; a changed one has its own.
    expect(copyBody).toBe(body);
    expect(readAgainBody).toBe(body);
    expect(texts(terms, changedBody)).toEqual(words(changed.text));
    expect(terms.textTokens(changed)).toBe(changedBody);
    expect(terms.articlesRead).toBe(2);
  });

  it('keeps what stages derive from an article only when kept across builds, until the article changes', () => {
    // Prepare
    const [seed] = seeds() as [Article];
    const changed = { ...seed, title: 'Another title' };
    const made: string[] = [];
    const make = (article: Article) => () => {
      made.push(article.title);
      return { title: article.title };
    };
    const oneBuild = new ArticleTerms();
    const kept = new ArticleTerms(true);

    // Act
    oneBuild.derived(seed, 'kind', make(seed));
    oneBuild.derived(seed, 'kind', make(seed));
    const first = kept.derived(seed, 'kind', make(seed));
    const again = kept.derived(seed, 'kind', make(seed));
    const other = kept.derived(seed, 'other kind', make(seed));
    const afterChange = kept.derived(changed, 'kind', make(changed));

    // Assess
    expect(made).toEqual([seed.title, seed.title, seed.title, seed.title, 'Another title']);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(afterChange).toEqual({ title: 'Another title' });
    expect(oneBuild.remembered(seed, 'kind')).toBeUndefined();
    expect(kept.remembered(changed, 'kind')).toBe(afterChange);
  });
});
