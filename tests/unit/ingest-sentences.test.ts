import { describe, expect, it } from 'vitest';
import { sentenceBoundaries, splitSentences } from '../../src/core/ingest/sentences.ts';

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
      'a title joined to a name by a hyphen',
      'They climbed Aoraki-Mt. Cook on Sunday. The guide said so.',
      ['They climbed Aoraki-Mt. Cook on Sunday.', 'The guide said so.'],
    ],
    [
      'a name that ends like a title, before a new sentence',
      'The talks were hosted by Prime Minister Hun Sen. He said the border was calm.',
      ['The talks were hosted by Prime Minister Hun Sen.', 'He said the border was calm.'],
    ],
    [
      'titles before names and initials',
      'Sen. John McCain spoke. Gov. A. B. Smith agreed. Mt. Everest is high.',
      ['Sen. John McCain spoke.', 'Gov. A. B. Smith agreed.', 'Mt. Everest is high.'],
    ],
    [
      'a quoted question keeps a speaker with a lower-case title',
      '"Why did you leave?" Colts interim coach Bruce Arians asked. The player shrugged.',
      ['"Why did you leave?" Colts interim coach Bruce Arians asked.', 'The player shrugged.'],
    ],
    [
      'a new sentence after a quotation is not an attribution',
      '"It is over." Police said the man fled. Then he left.',
      ['"It is over."', 'Police said the man fled.', 'Then he left.'],
    ],
    [
      'times of day',
      'The meeting ended at 5 p.m. The mayor left. It starts at 9 a.m. Tuesday.',
      ['The meeting ended at 5 p.m.', 'The mayor left.', 'It starts at 9 a.m. Tuesday.'],
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

  it('never ends a sentence on a title and never loses text, whatever follows the title', () => {
    // Prepare: every title, after a name-like word or a hyphen, before names, initials and openers.
    const titles = ['Mr.', 'Dr.', 'Gen.', 'Gov.', 'Sen.', 'Rep.', 'Lt.', 'St.', 'Mt.', 'Rev.', 'Capt.'];
    const names = ['John Smith', 'A. B. Jones', 'Louis', 'Helens'];
    for (const title of titles)
      for (const name of names)
        for (const before of ['The visit of', 'They went to Aoraki-']) {
          const glue = before.endsWith('-') ? '' : ' ';
          const paragraph = `${before}${glue}${title} ${name} was brief. The crowd left early.`;

          // Act
          const sentences = splitSentences(paragraph);

          // Assess
          expect(sentences).toHaveLength(2);
          expect(sentences.join(' ')).toBe(paragraph);
          for (const s of sentences)
            expect(s).not.toMatch(/\b(?:Mr|Dr|Gen|Gov|Sen|Rep|Lt|St|Mt|Rev|Capt)\.$/u);
        }
  });

  it('returns no sentence for text without letters', () => {
    expect(splitSentences('— 12 —')).toEqual([]);
  });

  it('ends sentences at the full stops of Chinese and Japanese, which no space follows', () => {
    // Act
    const japanese = splitSentences('東京で地震があった。被害は報告されていない。');
    const mixed = splitSentences('The quake hit Tokyo on Monday. 東京で地震があった！被害は？');
    const chinese = splitSentences('北京今天下雨。气温下降了五度。');

    // Assess
    expect(japanese).toEqual(['東京で地震があった。', '被害は報告されていない。']);
    expect(mixed).toEqual(['The quake hit Tokyo on Monday.', '東京で地震があった！', '被害は？']);
    expect(chinese).toEqual(['北京今天下雨。', '气温下降了五度。']);
  });

  it('keeps a Japanese quotation that ends on its own stop with the と or って that reports it', () => {
    // Act
    const reported = splitSentences(
      '首相は「経済対策を急ぐ。」と記者団に述べました。政府は来週、閣議決定する方針です。',
    );
    const colloquial = splitSentences('彼は『もう行く！』って言った。');
    const next = splitSentences('首相は「経済対策を急ぐ。」政府は来週、閣議決定する方針です。');

    // Assess
    expect(reported).toEqual([
      '首相は「経済対策を急ぐ。」と記者団に述べました。',
      '政府は来週、閣議決定する方針です。',
    ]);
    expect(colloquial).toEqual(['彼は『もう行く！』って言った。']);
    expect(next).toEqual(['首相は「経済対策を急ぐ。」', '政府は来週、閣議決定する方針です。']);
  });
});

describe('sentenceBoundaries', () => {
  it('ends sentences where Intl.Segmenter does, on every text of the characters it knows', () => {
    // Prepare: random texts of every known character, sentence ends, closing marks and spaces weighted up.
    const known: string[] = [];
    for (let code = 0x20; code < 0x7f; code++) known.push(String.fromCharCode(code));
    for (let code = 0xc0; code <= 0x17f; code++) known.push(String.fromCharCode(code));
    known.push(...'‘’“”–—…\ufffd', ...'..!?  "”aA1');
    let seed = 29;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const texts = Array.from({ length: 60_000 }, () =>
      Array.from({ length: 1 + (next() % 24) }, () => known[next() % known.length]).join(''),
    );
    texts.push(
      'reports FoxSports. com and Yahoo! Sports.',
      'He left… Then he came back.',
      'e.g. the U.S. (Ret.) Then 5.5 A.B. c',
    );
    const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

    // Act
    const differing = texts.filter((text) => {
      const expected = [...segmenter.segment(text)].map((s) => s.index).filter((index) => index > 0);
      return JSON.stringify(sentenceBoundaries(text)) !== JSON.stringify(expected);
    });

    // Assess
    expect(differing).toEqual([]);
  });
});
