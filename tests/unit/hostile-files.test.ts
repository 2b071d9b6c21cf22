// Property-based: random and mutated files (seeds cut, spliced, repeated, nested, re-encoded and renamed)
// through parse and the whole pipeline. Nothing throws, and every input file is accounted for exactly once.
// "Never hangs" is held by the vitest timeout; the time per MB of each hostile class is in `npm run bench`.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL_CLASSES, adversarialFiles } from '../../bench/adversarial-classes.ts';
import type { SourceFile } from '../../src/core/article.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { parseArticle } from '../../src/core/ingest/parse.ts';

const seeds = readdirSync('seeds')
  .sort()
  .map((name) => readFileSync(`seeds/${name}`, 'utf8'));
const EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.json', '.TXT', '.Md', '.pdf', ''];
// Fragments that have broken parsers before: markup, front matter, datelines, brackets, deep nesting.
const FRAGMENTS = [
  '<div>',
  '</div>',
  '<p>',
  '<!--',
  '<script>',
  '---\n',
  'title: [',
  '# ',
  '[',
  '](',
  '![',
  '**',
  '_',
  '"',
  '“',
  'WASHINGTON (Reuters) — ',
  'AA-A-A-A-A',
  '— AFP',
  'U.S. ',
  'Mr. ',
  'He ran. ',
  '\u0000',
  '\uFEFF',
  '\r\n',
  '{"title":',
  '[[[[',
  ' '.repeat(200),
  'é'.repeat(150),
  // Text beyond ASCII: Han runs (bigrams), astral letters, combining marks, other scripts' letters and digits.
  '北京大学',
  '𠀀𝐀',
  '\u0301\u0316',
  'İı ẞ ĳ ς',
  'ภาษาไทย',
  'Москва ٣',
];

/** A text mutated from a seed (or from nothing) by a few cuts, splices and repeats. */
const mutatedText = fc
  .record({
    seed: fc.constantFrom('', ...seeds),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        cut: fc.nat({ max: 200 }),
        insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 40 })),
        times: fc.integer({ min: 1, max: 50 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ seed, edits }) =>
    edits.reduce((text, { at, cut, insert, times }) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert.repeat(times) + text.slice(i + cut);
    }, seed),
  );

/** A file: a mutated text, or raw random bytes, under a random name and extension. */
const sourceFile = fc
  .record({
    name: fc.stringMatching(/^[a-zA-Z0-9 _-]{1,12}$/),
    extension: fc.constantFrom(...EXTENSIONS),
    content: fc.oneof(
      { weight: 4, arbitrary: mutatedText.map((text) => new TextEncoder().encode(text)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    ),
  })
  .map(({ name, extension, content }): Omit<SourceFile, 'id'> & { name: string } => ({
    name: `${name}${extension}`,
    bytes: content,
  }));

/** Unique ids: a folder never holds two files of one name. */
const fileSet = fc
  .array(sourceFile, { minLength: 1, maxLength: 8 })
  .map((files) => files.map((f, i): SourceFile => ({ id: `${i}-${f.name}`, bytes: f.bytes })));

describe('hostile and mutated files', () => {
  it('parse never throws and always names a reason when it skips', async () => {
    await fc.assert(
      fc.asyncProperty(sourceFile, async (file) => {
        const outcome = await parseArticle({ id: file.name, bytes: file.bytes });
        if (outcome.kind === 'skipped') expect(outcome.reason).toMatch(/\w/);
        else expect(outcome.article.sentences.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('the whole pipeline never throws and accounts for every file exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fileSet, async (files) => {
        const digest = await buildDigest(files, { now: () => new Date(0) });
        const seen = [
          ...digest.themes.flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])])),
          ...digest.skipped.map((s) => s.id),
        ].sort();
        expect(seen).toEqual(files.map((f) => f.id).sort());
      }),
      { numRuns: 60 },
    );
  }, 180_000);

  it('skips each hostile class of the benchmark with a reason or reads it, at 20 KB', async () => {
    // Prepare
    const files = ADVERSARIAL_CLASSES.flatMap((c) => adversarialFiles(c, 20_000));

    // Act
    const digest = await buildDigest(files, { now: () => new Date(0) });

    // Assess
    const seen = [
      ...digest.themes.flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])])),
      ...digest.skipped.map((s) => s.id),
    ];
    expect(seen.sort()).toEqual(files.map((f) => f.id).sort());
    const skipped = Object.fromEntries(digest.skipped.map((s) => [s.id, s.reason]));
    expect(skipped['nested.html']).toMatch(/nested more than 100 elements deep/);
    expect(skipped['nested.json']).toMatch(/nested more than 20 levels deep/);
  }, 120_000);
});
