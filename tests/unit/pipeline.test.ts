import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { parseFiles } from '../../src/core/parse-files.ts';
import { buildDigestFromArticles, DEFAULT_DIGEST_TITLE } from '../../src/core/pipeline.ts';
import { renderSampleEmail } from '../../src/core/render/sample.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { ArticleTerms } from '../../src/core/text/article-terms.ts';

describe('buildDigest', () => {
  it('lists every input file exactly once, as an article, a duplicate or a skipped entry', async () => {
    // Prepare
    const files = await readSourceFolder('seeds');

    // Act
    const digest = await buildDigest(files, { now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    const seen = [
      ...digest.themes.flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])])),
      ...digest.skipped.map((s) => s.id),
    ].sort();
    expect(seen).toEqual(files.map((f) => f.id).sort());
    expect(digest.generatedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('builds the same digest with a vocabulary kept across builds, whatever it read before', async () => {
    // Prepare: a vocabulary that read every article in another order, with other text first, and so gives
    // every token another id, then keeps what the stages derive from each article.
    const files = [
      ...(await readSourceFolder('seeds')),
      ...(await readSourceFolder('tests/fixtures/articles/eval')),
    ];
    const { articles, skipped } = await parseFiles(files);
    const options = { now: () => new Date(0) };
    const kept = new ArticleTerms(true);
    for (const article of [...articles].reverse()) {
      kept.tokens(`${[...article.title].reverse().join('')} ${article.id}`);
      kept.textTokens({ ...article, sentences: [...article.sentences] });
    }

    // Act
    const fresh = buildDigestFromArticles(articles, skipped, options);
    const first = buildDigestFromArticles(articles, skipped, { ...options, terms: kept });
    const again = buildDigestFromArticles(articles, skipped, { ...options, terms: kept });

    // Assess
    expect(fresh.themes.length).toBeGreaterThan(1);
    expect(first).toEqual(fresh);
    expect(again).toEqual(fresh);
  });

  it('titles a digest "News digest" when the title given is blank, so an empty window still has a subject', async () => {
    // Prepare
    const templates = await loadTemplates(templateFolder());

    // Act
    const digest = buildDigestFromArticles([], [], { title: '  ', now: () => new Date(0) });
    const email = await renderSampleEmail(digest, templates, parseEmailSettings({}));

    // Assess
    expect(digest.title).toBe(DEFAULT_DIGEST_TITLE);
    expect(email.rendered.subject).toBe(DEFAULT_DIGEST_TITLE);
    expect(email.eml.length).toBeGreaterThan(0);
  });
});
