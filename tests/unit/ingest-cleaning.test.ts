import { describe, expect, it } from 'vitest';
import { AGENCY_NAMES, cleanBlocks, fixGluedSentences, noiseKind } from '../../src/core/ingest/clean.ts';
import { normalisePublished, takeLeadingDateStamp } from '../../src/core/ingest/dates.ts';
import { contentHash, normaliseForHash } from '../../src/core/ingest/hash.ts';

describe('cleaning rules', () => {
  it.each([
    [
      'Defence Minister Khawaja Asif addresses a press conference in this undated photo.— PID/File',
      'photo caption',
    ],
    ['Photo: AFP', 'photo caption'],
    ['RELATED: Asif says Pakistan reserves right to pursue terrorists into Afghanistan', 'related link'],
    ['Read more: Trade talks resume', 'related link'],
    ['Subscribe to our newsletter for the latest news', 'share or subscribe prompt'],
    ['Share this article', 'share or subscribe prompt'],
    ['–Agencies', 'agency credit'],
    ['(Reuters)', 'agency credit'],
    ['— AFP', 'agency credit'],
    ['Additional reporting by Jane Doe; Editing by John Roe', 'reporting credit'],
    ['By Aamir Latif', 'byline'],
    // Every way a rule's line can open, in either case (the rules are looked up by a line's first character).
    ['PHOTO: AFP', 'photo caption'],
    ['(photo credit: Reuters)', 'photo caption'],
    ['Supporters gather in Lahore.— Online/File', 'photo caption'],
    ['The minister, seen IN THIS FILE PHOTO, spoke.', 'photo caption'],
    ['see also: Budget talks', 'related link'],
    ['WATCH: The rally in full', 'related link'],
    ['LISTEN: Our podcast', 'related link'],
    ['© 2026 Dawn', 'share or subscribe prompt'],
    ['ADVERTISEMENT', 'share or subscribe prompt'],
    ['Tap here to follow', 'share or subscribe prompt'],
    ['Get the latest news', 'share or subscribe prompt'],
    ["Don't miss this", 'share or subscribe prompt'],
    ['(Additional reporting by Jane Doe)', 'reporting credit'],
    ['compiled by our staff', 'reporting credit'],
    ['Writing by John Roe', 'reporting credit'],
    ['BY JOHN SMITH', 'byline'],
    ['— Agence France-Presse', 'agency credit'],
    ['with input from Reuters', 'agency credit'],
    ['Inputs from APP', 'agency credit'],
    ['additional reporting from AFP', 'agency credit'],
    ['xinhua', 'agency credit'],
    ['Web Desk', 'agency credit'],
    ['MONITORING DESK', 'agency credit'],
    ['bloomberg.', 'agency credit'],
    ['Online', 'agency credit'],
    ['uni', 'agency credit'],
    ['News Desk', 'agency credit'],
    ['EFE', 'agency credit'],
    ['dpa', 'agency credit'],
    ['NNI', 'agency credit'],
  ])('"%s" is noise (%s)', (line, kind) => {
    expect(noiseKind(line)).toBe(kind);
  });

  it('an agency credit line is found for every agency, in any case, with every opening and ending', () => {
    // The rule is tried only on a line whose final word ends an agency name: each must pass that check.
    const lines = AGENCY_NAMES.split('|').flatMap((name) =>
      [name, name.toLowerCase(), name.toUpperCase()].flatMap((agency) =>
        ['', '— ', '-', '(', 'with input from ', 'Additional reporting from '].flatMap((opening) =>
          ['', ')', '.', ').'].map((ending) => `${opening}${agency}${ending}`),
        ),
      ),
    );
    expect(lines.filter((line) => noiseKind(line) !== 'agency credit')).toEqual([]);
  });

  it.each([
    'Shares of the company fell sharply on Monday.',
    'By Tuesday, the talks had collapsed.',
    'Subscribers will pay more from March.',
    'The photo agency said the minister was pictured in Kabul last year.',
  ])('"%s" is body text', (line) => {
    expect(noiseKind(line)).toBeUndefined();
  });

  it('strips leading date stamps and datelines but keeps the sentence, and trailing agency credits', () => {
    // Act
    const { blocks, stampedDate } = cleanBlocks([
      { kind: 'paragraph', text: 'Saturday, January 8, 2005' },
      { kind: 'paragraph', text: 'ISLAMABAD: The minister spoke on Thursday.' },
      { kind: 'paragraph', text: 'WASHINGTON (Reuters) - Officials met again. — AFP' },
    ]);

    // Assess
    expect(blocks.map((b) => b.text)).toEqual(['The minister spoke on Thursday.', 'Officials met again.']);
    expect(stampedDate).toBe('2005-01-08T00:00:00.000Z');
  });

  it('removes a trailing credit of every agency, and keeps a sentence that only names one', () => {
    // Act
    const lines = [
      'Officials met again (Reuters).',
      'Officials met again -- Agence France-Presse',
      'Officials met again – Web Desk.',
      'Officials met again —Anadolu Agency',
      'Officials met again (IANS)',
      'Officials met again, said AFP.',
      'Officials met again at the CAP.',
    ];
    const { blocks } = cleanBlocks(
      ['Headline', 'Lead', 'Lead', 'Lead', ...lines].map((text) => ({ kind: 'paragraph' as const, text })),
    );

    // Assess
    expect(blocks.slice(4).map((b) => b.text)).toEqual([
      'Officials met again',
      'Officials met again',
      'Officials met again',
      'Officials met again',
      'Officials met again',
      'Officials met again, said AFP.',
      'Officials met again at the CAP.',
    ]);
  });

  it('splits a sentence end glued to the next word, and nothing else', () => {
    expect(fixGluedSentences('from Afghan soil.He said so.')).toBe('from Afghan soil. He said so.');
    expect(fixGluedSentences('The U.S.A. and example.com stay, as does 3.5.')).toBe(
      'The U.S.A. and example.com stay, as does 3.5.',
    );
  });

  it('reads date stamps as news copy writes them', () => {
    expect(takeLeadingDateStamp('date 2026-02-28 Defence Minister spoke')).toEqual({
      iso: '2026-02-28T00:00:00.000Z',
      rest: 'Defence Minister spoke',
    });
    expect(takeLeadingDateStamp('2005/01/08 Tsunami aid donations')?.rest).toBe('Tsunami aid donations');
    expect(takeLeadingDateStamp('Tuesday, January 18, 2005Through a telethon')?.rest).toBe(
      'Through a telethon',
    );
    expect(takeLeadingDateStamp('2005 was a hard year')).toBeUndefined();
    expect(normalisePublished('2026-02-28T10:00:00+05:00')).toBe('2026-02-28T05:00:00.000Z');
    expect(normalisePublished('28 February 2026')).toBe('2026-02-28T00:00:00.000Z');
    expect(normalisePublished('Sat, 28 Feb 2026 10:00:00 GMT')).toBe('2026-02-28T10:00:00.000Z');
    expect(normalisePublished('2026-02-30')).toBeUndefined();
    expect(normalisePublished('yesterday')).toBeUndefined();
  });

  it('content hash folds whitespace and quote styles, and nothing that changes the words', () => {
    const curly = contentHash('“We ask nothing,” he said.\n\nHe left  Kabul’s airport.');
    expect(contentHash('"We ask nothing," he said. He left Kabul\'s airport.')).toBe(curly);
    expect(contentHash('"We ask everything," he said. He left Kabul\'s airport.')).not.toBe(curly);
  });

  it('hashes text as its NFKC form hashes, whatever the character (text with only quotes folds without NFKC)', () => {
    // Act: every character of the Basic Multilingual Plane between letters, and beside a space and a curly quote.
    const differing: string[] = [];
    for (let code = 1; code < 0x10000; code++) {
      if (code >= 0xd800 && code < 0xe000) continue;
      const character = String.fromCharCode(code);
      for (const text of [`a${character}b`, ` ${character}  ’x`])
        if (normaliseForHash(text) !== normaliseForHash(text.normalize('NFKC'))) differing.push(text);
    }

    // Assess
    expect(differing).toEqual([]);
    expect(normaliseForHash('“He ran″ ´ ’')).toBe(normaliseForHash('“He ran″ ´ ’'.normalize('NFKC')));
  });
});

describe('words cut to 100 characters', () => {
  const paragraph = (text: string) => cleanBlocks([{ kind: 'paragraph', text }]).blocks.map((b) => b.text);
  const zh =
    '国家统计局周一公布的数据显示，中国第三季度国内生产总值同比增长百分之四点六，低于第二季度的百分之四点七，也略低于市场预期。分析人士认为，房地产市场的持续低迷和消费需求疲软是拖累经济增长的主要因素。政府近期推出了一系列刺激措施，包括降低利率和支持房地产市场的政策。';

  it('keeps a Chinese or Japanese paragraph whole: written without spaces, Han and Kana end a word at each character', () => {
    // Prepare
    const ja =
      '気象庁によりますと、きょう午前、北海道の東の沖を震源とする地震があり、釧路市などで震度四の揺れを観測しました。この地震による津波の心配はありません。気象庁は今後一週間程度、同じ程度の揺れに注意するよう呼びかけています。';

    // Act
    const chinese = paragraph(zh);
    const japanese = paragraph(ja);

    // Assess
    expect(zh.length).toBeGreaterThan(100);
    expect(chinese).toEqual([zh]);
    expect(japanese).toEqual([ja]);
  });

  it('still cuts a run of other characters over 100 between Han characters, and an English word as before', () => {
    // Act
    const latin = paragraph(`中文${'x'.repeat(150)}中文。`);
    const english = paragraph(`The ${'x'.repeat(150)} ran.`);

    // Assess
    expect(latin).toEqual([`中文${'x'.repeat(100)}中文。`]);
    expect(english).toEqual([`The ${'x'.repeat(100)} ran.`]);
  });

  it('never cuts a surrogate pair in half', () => {
    // Act
    const [cut] = paragraph(`The a${'𝐀'.repeat(80)} ran.`);

    // Assess
    expect(cut).toBe(`The a${'𝐀'.repeat(49)} ran.`);
  });
});

describe('blocks over 4,000 characters', () => {
  const blocks = (text: string) => cleanBlocks([{ kind: 'paragraph', text }]).blocks.map((b) => b.text);

  it('split a Chinese paragraph after a full stop of its own, not inside a sentence', () => {
    // Prepare
    const sentence = `${'中文新闻报道'.repeat(8)}。`;

    // Act
    const pieces = blocks(sentence.repeat(100));

    // Assess
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(sentence.repeat(100));
    for (const piece of pieces) expect(piece.endsWith('。')).toBe(true);
  });

  it('never split a surrogate pair between two blocks', () => {
    // Act
    const pieces = blocks(`a${'𠀀'.repeat(2500)}`);

    // Assess
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.filter((piece) => /\p{Surrogate}/u.test(piece))).toEqual([]);
    expect(pieces.join('')).toBe(`a${'𠀀'.repeat(2500)}`);
  });
});
