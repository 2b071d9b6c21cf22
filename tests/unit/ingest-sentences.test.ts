import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/core/ingest/sentences.ts';

describe('splitSentences', () => {
  it.each([
    [
      'abbreviations',
      'The U.S. Senate voted. Mr. Smith and Gen. Jones agreed on Jan. 5. Voting ends at 5 p.m. local time.',
      [
        'The U.S. Senate voted.',
        'Mr. Smith and Gen. Jones agreed on Jan. 5.',
        'Voting ends at 5 p.m. local time.',
      ],
    ],
    [
      'an initialism that does end a sentence',
      'He moved to the U.S. He was 19.',
      ['He moved to the U.S.', 'He was 19.'],
    ],
    [
      'initials',
      'It was signed by President George W. Bush. J. R. R. Tolkien wrote it.',
      ['It was signed by President George W. Bush.', 'J. R. R. Tolkien wrote it.'],
    ],
    [
      'spaced initials',
      'He killed L. A. County Deputy Jerry Ortiz. The D. A. said so.',
      ['He killed L. A. County Deputy Jerry Ortiz.', 'The D. A. said so.'],
    ],
    [
      'a case number and a district attorney',
      'He is charged in case No. VA089897 filed today. Dist. Atty. Steve Cooley agreed.',
      ['He is charged in case No. VA089897 filed today.', 'Dist. Atty. Steve Cooley agreed.'],
    ],
    [
      'decimals and years',
      'Prices rose 4.5% in 2005. Wages rose 3.2 percent.',
      ['Prices rose 4.5% in 2005.', 'Wages rose 3.2 percent.'],
    ],
    [
      'a company suffix',
      'Shares of Apple Inc. fell 3%. Others rose.',
      ['Shares of Apple Inc. fell 3%.', 'Others rose.'],
    ],
    [
      'a quote followed by its attribution stays whole',
      '“We were asked. Do you remember?” he said, asking them. Then he left.',
      ['“We were asked. Do you remember?” he said, asking them.', 'Then he left.'],
    ],
    [
      'straight quotes',
      '"It is over. We won," she said. "Really." Then she left.',
      ['"It is over. We won," she said.', '"Really."', 'Then she left.'],
    ],
    [
      'a question or exclamation in quotes keeps its named speaker',
      '“Hide, she’s got a gun!” Andy Vanore said. “Why?” Eyewitness News asked. Then police came.',
      ['“Hide, she’s got a gun!” Andy Vanore said.', '“Why?” Eyewitness News asked.', 'Then police came.'],
    ],
    [
      'a closing quote ends a sentence before a capital',
      '“Enough is enough.” The minister left.',
      ['“Enough is enough.”', 'The minister left.'],
    ],
    [
      'an unclosed quote does not swallow the paragraph',
      '“The first part. The second part.',
      ['“The first part.', 'The second part.'],
    ],
    [
      'question and exclamation marks',
      'Why now? Because it is time! Yes.',
      ['Why now?', 'Because it is time!', 'Yes.'],
    ],
  ])('%s', (_name, paragraph, expected) => {
    // Act
    const sentences = splitSentences(paragraph);

    // Assess
    expect(sentences).toEqual(expected);
    for (const s of sentences) expect(paragraph).toContain(s);
  });

  it('returns no sentence for text without letters', () => {
    expect(splitSentences('— 12 —')).toEqual([]);
  });
});
