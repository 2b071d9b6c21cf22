import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/core/article.ts';
import { collapseDuplicates } from '../../src/core/dedup.ts';
import { parseArticle } from '../../src/core/ingest/parse.ts';
import { sourceFile } from '../support/articles.ts';
import { evalCorporaPresent, evalDir } from '../support/eval-corpora.ts';

async function parseFolder(dir: string) {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort();
  const outcomes = await Promise.all(names.map((name) => parseArticle(sourceFile(join(dir, name), name))));
  const articles = outcomes.flatMap((o) => (o.kind === 'article' ? [o.article] : []));
  return { outcomes, articles };
}

function expectVerbatimSentences(articles: readonly Article[]) {
  for (const article of articles) {
    expect(article.sentences.length).toBeGreaterThan(0);
    for (const sentence of article.sentences) expect(article.text).toContain(sentence);
  }
}

describe.runIf(evalCorporaPresent)('the eval corpora parse', () => {
  it('ECB+ dev: all but the headline-only files parse, and every near-duplicate is of the same gold event', async () => {
    // Prepare
    const dir = join(evalDir, 'ecbplus-dev');
    const gold = JSON.parse(readFileSync(join(dir, 'gold.json'), 'utf8')) as {
      events: Record<string, string>;
    };

    // Act
    const { outcomes, articles } = await parseFolder(join(dir, 'articles'));
    const canonical = collapseDuplicates(articles);

    // Assess
    const skipped = outcomes.filter((o) => o.kind === 'skipped');
    expect(outcomes).toHaveLength(462);
    expect(skipped.length).toBeLessThanOrEqual(5);
    for (const s of skipped)
      expect(s).toMatchObject({ reason: expect.stringMatching(/^no sentence in the body/) });
    expectVerbatimSentences(articles);
    const pairs = canonical.flatMap((a) => a.duplicates.map((d) => [gold.events[a.id], gold.events[d]]));
    expect(pairs.length).toBeGreaterThan(0);
    for (const [kept, copy] of pairs) expect(copy).toBe(kept);
  });

  it('MultiLing 2011 dev: every file parses, gets its dateline as published, and no title keeps a date prefix', async () => {
    // Prepare
    const clusters = join(evalDir, 'multiling2011-dev', 'clusters');

    // Act
    const parsed = await Promise.all(
      readdirSync(clusters)
        .sort()
        .map((cluster) => parseFolder(join(clusters, cluster))),
    );

    // Assess
    const articles = parsed.flatMap((p) => p.articles);
    expect(articles).toHaveLength(parsed.reduce((n, p) => n + p.outcomes.length, 0));
    expect(articles.length).toBe(30);
    expectVerbatimSentences(articles);
    for (const article of articles) {
      expect(article.published).toMatch(/^20\d\d-\d\d-\d\dT00:00:00\.000Z$/);
      expect(article.title).not.toMatch(/^\d{4}\/\d\d\/\d\d/);
    }
  });
});
