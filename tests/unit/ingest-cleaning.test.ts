import { describe, expect, it } from 'vitest';
import { cleanBlocks, fixGluedSentences, noiseKind } from '../../src/core/ingest/clean.ts';
import { normalisePublished, takeLeadingDateStamp } from '../../src/core/ingest/dates.ts';
import { contentHash } from '../../src/core/ingest/hash.ts';

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
  ])('"%s" is noise (%s)', (line, kind) => {
    expect(noiseKind(line)).toBe(kind);
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
});
