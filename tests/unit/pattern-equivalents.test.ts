// Code written in place of a regular expression that cost a short run more to compile than to use must find what
// that expression finds: each is checked against it on every character that can matter, and on many random texts.
import { describe, expect, it } from 'vitest';
import { hasOverlongWord, withOverlongWordsCut } from '../../src/core/ingest/clean.ts';
import { capitalisedWords, WordCases } from '../../src/core/summarise.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';
import { needsAntecedent, tokenClues, unreadableReason } from '../../src/core/text/sentences.ts';

/** Characters whose classes the replaced patterns tell apart: ASCII, Latin-1, case oddities, astral, surrogates. */
const ALPHABET = [
  ...'aAbByYsSkKzZ09 \'’"“”.,-—/!?_\t\n',
  'é',
  'É',
  'ß',
  'ǅ', // titlecase, not \p{Lu}
  'ſ',
  '\u212a', // the Kelvin sign
  'İ',
  'ı',
  'Ⅰ', // a letter-like number (\p{Nl})
  '٣', // an Arabic-Indic digit
  '\u0345', // a combining mark that case-folds to a letter
  '𝐀', // an astral capital
  '𝐚',
  '\ud800', // lone surrogates
  '\udc00',
  '\u00a0',
];

/** Texts of up to `length` characters of ALPHABET from a fixed seed, so a failure is repeated. */
function randomTexts(count: number, length: number): string[] {
  let seed = 20;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: next() % length }, () => ALPHABET[next() % ALPHABET.length]).join(''),
  );
}

const texts = [
  ...randomTexts(20_000, 12),
  ...ALPHABET.flatMap((a) => ALPHABET.flatMap((b) => [`${a}${b}Xy`, `A${a}B${b}`])),
];

describe('hand-written matchers', () => {
  it('capitalisedWords finds the words the names pattern matches', () => {
    const pattern = /(?<![\p{L}\p{N}'’])\p{Lu}[\p{L}’']*/gu;
    const differing = texts.filter(
      (text) => JSON.stringify(capitalisedWords(text)) !== JSON.stringify(text.match(pattern) ?? []),
    );
    expect(differing).toEqual([]);
    expect(capitalisedWords('Mark Teixeira’s agent met O’Brien at 5Pm in Boston.')).toEqual([
      'Mark',
      'Teixeira’s',
      'O’Brien',
      'Boston',
    ]);
  });

  it('sentence openers and verbs of saying fold case as the iu flags do: ſ is s, the Kelvin sign is k', () => {
    // Each as the patterns these checks replaced answer it.
    const pointsBack: [string, boolean][] = [
      ['ſhe left the city on Monday.', true],
      ['Shelter was found for the city on Monday.', false],
      ['This wee\u212a the city reopened its bridge.', false],
      ['Those wee\u212as were hard for the city and its mayor.', true],
      ['Now thatcher Smith runs the city, the bridge opened.', false],
      ['Most people in the city welcomed the bridge.', true],
      ['Most peoples of the region welcomed the bridge.', false],
      ['On the other hand, the city reopened its bridge.', true],
      ['On the other handle the city reopened its bridge.', false],
    ];
    expect(pointsBack.map(([sentence]) => [sentence, needsAntecedent(sentence)])).toEqual(pointsBack);
    const reasons: [string, string | undefined][] = [
      ['ſays Pakistan hosted the talks on the border last week.', 'fragment'],
      ['Says: Pakistan hosted the talks on the border last week.', undefined],
      ['“We will rebuild the town again,” the mayor ſaid.', undefined],
      ['“We will rebuild the town again,” according to the mayor.', undefined],
      ['“We will rebuild the town again,” the mayor wrote5.', 'unattributed quote'],
    ];
    expect(reasons.map(([sentence]) => [sentence, unreadableReason(sentence)])).toEqual(reasons);
  });

  it('WordCases answers as the case patterns read over every text would', () => {
    const lowercase = /(?<![\p{L}\p{N}])\p{Ll}\p{L}*/gu;
    const capitalisedInside = /(?<=\s)\p{Lu}\p{L}+/gu;
    const terms = new ArticleTerms();
    const differing: string[] = [];
    // Themes of 50 texts each, asked about every run of letters in them, as written and lowercased (some ask
    // enough to have their texts read whole part way: both ways of answering are checked).
    for (let from = 0; from < texts.length; from += 50) {
      const theme = texts.slice(from, from + 50);
      const cases = new WordCases(
        theme.map((text) => ({ text, tokens: terms.tokens(text) })),
        terms,
      );
      const lower = new Set(theme.flatMap((text) => text.match(lowercase) ?? []));
      const inner = new Set(theme.flatMap((text) => text.match(capitalisedInside) ?? []));
      for (const word of theme.flatMap((text) => text.match(/[\p{L}\d]+/gu) ?? [])) {
        for (const asked of [word, word.replace(/\d.*/u, '')]) {
          // hasLowercase is asked about lowercase words only.
          const lowered = asked.toLowerCase();
          if (
            cases.hasLowercase(lowered) !== lower.has(lowered) ||
            cases.hasCapitalisedInside(asked) !== inner.has(asked)
          )
            differing.push(asked);
        }
      }
    }
    expect(differing).toEqual([]);
    const cases = new WordCases(
      ['Police said the police van hit Abc7 and abc9.', 'The X5 met Staff and Tugs.'].map((text) => ({
        text,
        tokens: terms.tokens(text),
      })),
      terms,
    );
    expect(['police', 'staff', 'abc', 'x', 'said'].map((word) => cases.hasLowercase(word))).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(['Police', 'Staff', 'Abc', 'Tugs', 'The', 'X'].map((w) => cases.hasCapitalisedInside(w))).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('unreadableReason with the clues of a text’s tokens gives the reason it gives without them', () => {
    const pieces = [
      ...'photo Photograph PICTURED pictures by By BY by_ xby foreseen inside Read More unrelated click'.split(
        ' ',
      ),
      ..."agencies contributed subscribe rights copyright / I I’m I've me Me my My we We we’re us US our".split(
        ' ',
      ),
      ...'Our ours i mine said told the mayor city council met é_ _ ſ “ ” " , . é x 2 Ⅰ ² ’'.split(' '),
      ...['seen in', 'read more', 'sign up for', 'reporting by', 'follow us', 'share this'],
    ];
    let seed = 7;
    // The high bits of a linear congruential generator (its low bits repeat soon).
    const pick = <T>(list: readonly T[]) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[(seed >>> 12) % list.length] as T;
    };
    const separators = [' ', ' ', ' ', '', ', ', '\u00a0'];
    const lengths = [4, 6, 8, 10, 12, 14];
    const sentences = Array.from({ length: 20_000 }, () => {
      const inner = Array.from({ length: pick(lengths) }, () => `${pick(pieces)}${pick(separators)}`);
      return `The mayor ${inner.join('')} today.`;
    });
    const terms = new ArticleTerms();
    const differing = sentences.filter((sentence) => {
      // As the summariser gives them: none (every pattern runs) for a text with a token read from a run with a
      // letter beyond ASCII ("é", "ſ"), which folds it into a word.
      const tokens = terms.tokens(sentence);
      const clues = tokens.some((token) => terms.isFolded(token))
        ? undefined
        : Array.from(tokens, (token) => tokenClues(terms.text(token))).reduce((all, clue) => all | clue, 0);
      return unreadableReason(sentence, undefined, clues) !== unreadableReason(sentence);
    });
    expect(differing).toEqual([]);
    // The clues matter: many of these sentences are unreadable for a keyword or a first-person word.
    const reasons = new Set(sentences.map((sentence) => unreadableReason(sentence)));
    expect([...reasons]).toEqual(
      expect.arrayContaining(['caption', 'byline', 'prompt', 'unattributed quote', undefined]),
    );
  });
});

describe('ingest scans', () => {
  it('hasOverlongWord finds a run of more than 100 characters other than a space, as /[^ ]{101}/ does', () => {
    // Words of 1 to 130 characters between single or double spaces, so runs of 99 to 102 are common.
    let seed = 20;
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * below);
    };
    const word = () => 'x'.repeat(next(4) === 0 ? 95 + next(10) : 1 + next(130));
    const texts = Array.from({ length: 20_000 }, () =>
      Array.from({ length: next(6) }, word).join(next(5) === 0 ? '  ' : ' '),
    );
    const runs = [99, 100, 101, 102].flatMap((n) => [
      'x'.repeat(n),
      ` ${'x'.repeat(n)}`,
      `${'x'.repeat(n)} a`,
    ]);
    const differing = [...texts, ...runs].filter((text) => hasOverlongWord(text) !== /[^ ]{101}/.test(text));
    expect(differing).toEqual([]);
    expect(texts.filter(hasOverlongWord).length).toBeGreaterThan(1000);
  });

  it('withOverlongWordsCut cuts as /(^|s)(S{100})S+/g does a text without Han, Kana or a surrogate pair', () => {
    // Prepare: words of letters beyond U+3000 (full-width, Hangul) that are not Han or Kana, so the cut is read
    // character by character, between spaces of two kinds.
    let seed = 7;
    const next = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * below);
    };
    const letters = ['x', 'Ａ', '한', 'é', '\uffff'];
    const word = () =>
      Array.from({ length: next(3) === 0 ? 95 + next(10) : 1 + next(130) }, () => letters[next(5)]).join('');
    const texts = Array.from({ length: 5000 }, () =>
      Array.from({ length: 1 + next(5) }, word).join(next(3) === 0 ? '\u3000' : ' '),
    );

    // Act
    const differing = texts.filter(
      (text) => withOverlongWordsCut(text) !== text.replace(/(^|\s)(\S{100})\S+/g, '$1$2'),
    );

    // Assess
    expect(differing).toEqual([]);
    expect(texts.filter((text) => withOverlongWordsCut(text) !== text).length).toBeGreaterThan(500);
  });
});
