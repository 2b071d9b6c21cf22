import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';

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
});
