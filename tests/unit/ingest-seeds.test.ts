import { describe, expect, it } from 'vitest';
import { parsedArticle, sourceFile } from '../support/articles.ts';

const seed = (name: string) => parsedArticle(sourceFile(`seeds/${name}`));

describe('parseArticle on the seed wire copy', () => {
  it('000: drops the date stamp and photo caption, takes the headline and leaves the highlight bullets out', async () => {
    // Act
    const article = await seed('000_e134260b7217c83b.txt');

    // Assess
    expect(article.title).toBe('Asif urges Afghanistan not to allow militants to operate against Pakistan');
    expect(article.headline).toBeUndefined();
    expect(article.published).toBe('2026-02-28T00:00:00.000Z');
    expect(article.text).not.toMatch(/date 2026-02-28|undated photo|PID\/File/);
    expect(article.sentences.some((s) => s.startsWith('Says ') || s.startsWith('Reminds '))).toBe(false);
    expect(article.sentences[0]).toMatch(/^Defence Minister Khawaja Asif on Saturday reminded/);
    expect(article.sentences).toContain(
      '“We were asked about your location. Do you remember?” he said, asking Afghan leaders to clarify whether accusations against Pakistan were true.',
    );
    expect(article.sentences).toHaveLength(18);
  });

  it('001: a lead sentence on the first line is the title, stays the first sentence and is marked as no headline', async () => {
    // Act
    const article = await seed('001_002a772d83aea243.txt');

    // Assess
    expect(article.title).toMatch(/^The Defense Minister of Pakistan Khawaja Asif outlined/);
    expect(article.sentences[0]).toBe(article.title);
    expect(article.headline).toBe(false);
    expect(article.sentences).toContain('Be an ally of those who stain our streets with blood.');
    expect(article.sentences).toHaveLength(16);
  });

  it('002: strips the ISLAMABAD: dateline but keeps its sentence, and drops the –Agencies credit', async () => {
    // Act
    const article = await seed('002_e4b0cc16b253e023.txt');

    // Assess
    expect(article.title).toBe('Defence Minister urges Kabul to end terror sanctuaries');
    expect(article.sentences[0]).toMatch(
      /^Defence Minister Khawaja Asif on Thursday said Pakistan has repeatedly raised/,
    );
    expect(article.text).not.toMatch(/ISLAMABAD|Agencies/);
    expect(article.sentences.at(-1)).toMatch(/will face consequences, Khawaja Asif said\.$/);
    expect(article.sentences).toContain('“Enough is enough — our patience has been exhausted.”');
    expect(article.sentences).toHaveLength(15);
  });

  it('003: drops the RELATED line, the sub-headings and the blank tail', async () => {
    // Act
    const article = await seed('003_15bae5066eb9f954.txt');

    // Assess
    expect(article.text).not.toMatch(
      /RELATED|Terror attacks from Afghan soil\n|Call for return of refugees|Warm ties between/,
    );
    expect(article.sentences).not.toContain('Terror attacks from Afghan soil');
    expect(article.text.endsWith('suffering in Gaza.')).toBe(true);
    expect(article.sentences).toHaveLength(19);
  });

  it('004: keeps the headline and drops the "Islamabad (Special Report)" credit line', async () => {
    // Act
    const article = await seed('004_c1981645b6ba3112.txt');

    // Assess
    expect(article.title).toBe(
      'Afghanistan Admits Terrorism Is the Root Cause of Tension with Pakistan — Khawaja Asif',
    );
    expect(article.text).not.toContain('Special Report');
    expect(article.sentences[0]).toBe(
      'Defense Minister Khawaja Asif has said that Afghanistan has finally acknowledged that the real cause of tension between Pakistan and Afghanistan is terrorism.',
    );
    expect(article.sentences).toHaveLength(40);
  });

  it('keeps every sentence verbatim: each one is found in the article text', async () => {
    // Prepare
    const names = [
      '000_e134260b7217c83b.txt',
      '001_002a772d83aea243.txt',
      '002_e4b0cc16b253e023.txt',
      '003_15bae5066eb9f954.txt',
      '004_c1981645b6ba3112.txt',
    ];

    // Act
    const articles = await Promise.all(names.map(seed));

    // Assess
    for (const article of articles) {
      for (const sentence of article.sentences) expect(article.text).toContain(sentence);
      expect(article.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(article.id).toMatch(/^00\d_/);
    }
  });
});
