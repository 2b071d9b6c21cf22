// Tokens beyond ASCII (src/core/text/fold.ts) read as a reader of non-English news, and as hostile input:
// every tokeniser (`words`, ArticleTerms, near-duplicate shingles) gives the same tokens, no token holds half
// a surrogate pair, a bigram never spans a space or a stop, and spellings of one word meet.
import { describe, expect, it } from 'vitest';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { foldedLowercase } from '../../src/core/text/fold.ts';
import { contentTerms, words } from '../../src/core/text/tokens.ts';

/** The tokens of `text` by ArticleTerms, checked equal to `words` (tokens.ts) and to its count of words' tokens. */
function tokensOf(text: string): string[] {
  const terms = new ArticleTerms();
  const ids = terms.tokens(text);
  const read = Array.from(ids, (id) => terms.text(id));
  expect(read).toEqual(words(text));
  expect(counted(terms, text, ids)).toBe(ids.length);
  return read;
}

/** How many tokens `forEachWord` steps over, word by word: it must agree with the scan. */
function counted(terms: ArticleTerms, text: string, ids: Int32Array): number {
  let total = 0;
  terms.forEachWord(text, ids, 0, Number.MAX_SAFE_INTEGER, {
    word: (_start, _end, from, to) => {
      total += to - from;
    },
  });
  return total;
}

/** Whether a string holds a surrogate that is not half of a pair. */
const hasLoneSurrogate = (s: string) => /\p{Surrogate}/u.test(s);

describe('tokens beyond ASCII', () => {
  it('never split a surrogate pair: astral letters and Han stay whole, lone surrogates are in no token', () => {
    // Prepare
    const texts = [
      '𝐀𝐁𝐂 bold',
      '𠀀𠀁𠀂 extension B',
      'a𠀀b',
      '北𠀀京',
      '\ud800abc\udc00',
      'x\udc00\ud800y',
      '𠀀\ud800𠀁',
      '中\udc00文',
    ];

    // Act
    const tokens = texts.flatMap(tokensOf);

    // Assess
    expect(tokens.filter(hasLoneSurrogate)).toEqual([]);
    expect(tokensOf('𠀀𠀁𠀂')).toEqual(['𠀀𠀁', '𠀁𠀂']);
    expect(tokensOf('\ud800abc\udc00')).toEqual(['abc']);
    expect(tokensOf('𠀀\ud800𠀁')).toEqual(['𠀀', '𠀁']);
  });

  it('read a Han or Kana bigram only within a run: never across a space, a stop or a comma', () => {
    // Act
    const spaced = tokensOf('北京 大学');
    const stopped = tokensOf('北京。大学，东京、大阪・京都');

    // Assess
    expect(spaced).toEqual(['北京', '大学']);
    expect(stopped).toEqual(['北京', '大学', '东京', '大阪', '京都']);
  });

  it('fold Turkish dotted and dotless i, German sharp s in either case, Dutch ij and Greek final sigma', () => {
    // Act
    const turkish = tokensOf('İSTANBUL İstanbul istanbul Istanbul ışık IŞIK');
    const german = tokensOf('STRAẞE Straße STRASSE strasse');
    const dutch = tokensOf('ĲSSELMEER Ĳsselmeer ĳsselmeer IJsselmeer');
    const greek = tokensOf('ΟΔΥΣΣΕΑΣ Οδυσσέας οδυσσεας');

    // Assess
    expect(new Set(turkish)).toEqual(new Set(['istanbul', 'isik']));
    expect(new Set(german)).toEqual(new Set(['strasse']));
    expect(new Set(dutch)).toEqual(new Set(['ijsselmeer']));
    expect(new Set(greek)).toEqual(new Set(['οδυσσεασ']));
    expect(foldedLowercase('İSTANBUL')).toBe(foldedLowercase('Istanbul'));
  });

  it('read a word mixing scripts as one token, and a Han run within it as bigrams of its own', () => {
    // Act
    const mixed = tokensOf('Pokémonゲーム iPhone用 Coвет naïve-test');

    // Assess
    expect(mixed).toEqual(['pokemon', 'ゲー', 'ーム', 'iphone', '用', 'coвет', 'naive', 'test']);
  });

  it('read digits of other scripts as the digits they are: "٢٠٢٤" is "2024", and "٣" a bare number', () => {
    // Act
    const arabic = tokensOf('عام ٢٠٢٤ و ٣ و ١٥');
    const devanagari = tokensOf('वर्ष २०२४');

    // Assess
    expect(arabic).toEqual(['عام', '2024', 'و', '3', 'و', '15']);
    expect(devanagari).toContain('2024');
    expect(contentTerms('عام ٢٠٢٤ و ١٥')).toEqual(contentTerms('عام 2024 و 15'));
  });

  it('keep a mark with the Han or Kana character it follows: a variation selector is dropped, a voicing mark composes', () => {
    // Act
    const selected = tokensOf('葛\u{E0100}城市 辻\ufe00本');
    const voiced = tokensOf('か\u3099くせい');
    const emoji = tokensOf('Danger ⚠\ufe0f ahead');

    // Assess
    expect(selected).toEqual(tokensOf('葛城市 辻本'));
    expect(voiced).toEqual(tokensOf('がくせい'));
    expect(emoji).toEqual(['danger', 'ahead']);
  });

  it('read a sentence that starts on a mark after a Han character alone: the mark is part of that character', () => {
    // Prepare
    const terms = new ArticleTerms();
    const article = { id: 'a.txt', title: '', text: '北京\u0591İ', sentences: ['\u0591İ'] };

    // Act
    const { ids, starts, ends } = terms.sentenceTokens(article);
    const sentence = Array.from(ids.subarray(starts[0], ends[0]), (id) => terms.text(id));

    // Assess
    expect(sentence).toEqual(Array.from(terms.tokens('\u0591İ'), (id) => terms.text(id)));
    expect(Array.from(terms.textTokens(article), (id) => terms.text(id))).toEqual(['北京', 'i']);
  });
});
