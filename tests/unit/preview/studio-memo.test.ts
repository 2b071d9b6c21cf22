import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSourceFolder } from '../../../src/adapters/local-files.ts';
import type { SourceFile } from '../../../src/core/article.ts';
import { buildDigest } from '../../../src/core/digest-from-files.ts';
import { StudioMemo } from '../../../src/preview/studio-memo.ts';

const seeds = () => readSourceFolder('seeds');
const withText = (file: SourceFile, text: string): SourceFile => ({
  id: file.id,
  bytes: new TextEncoder().encode(text),
});
const FIXED_CLOCK = { now: () => new Date(0) };

describe('StudioMemo', () => {
  it('builds the digest `digest build` builds', async () => {
    // Prepare
    const files = await seeds();
    const memo = new StudioMemo();

    // Act
    const digest = memo.digest(await memo.parse(files), undefined);

    // Assess
    const expected = await buildDigest(files, FIXED_CLOCK);
    expect({ ...digest, generatedAt: expected.generatedAt }).toEqual(expected);
  });

  it('keeps the digest while the files and the title are the same, and parses no file again', async () => {
    // Prepare
    const memo = new StudioMemo();
    const first = await memo.parse(await seeds());
    const digest = memo.digest(first, 'Morning');

    // Act: the folder read again, as after an edit or a template change
    const again = await memo.parse(await seeds());

    // Assess
    expect(again.key).toBe(first.key);
    expect(again.articles.every((article, i) => article === first.articles[i])).toBe(true);
    expect(memo.digest(again, 'Morning')).toBe(digest);
    expect(memo.digest(again, 'Evening')).not.toBe(digest);
  });

  it('parses again only a changed file, forgets a removed one and builds the digest anew', async () => {
    // Prepare
    const memo = new StudioMemo();
    const [changed, removed, ...kept] = await seeds();
    const before = await memo.parse([changed as SourceFile, removed as SourceFile, ...kept]);
    const digest = memo.digest(before, undefined);
    const text = 'Harbour reopens\n\nThe city harbour reopened on Monday after three weeks of repairs.\n';

    // Act
    const after = await memo.parse([withText(changed as SourceFile, text), ...kept]);

    // Assess
    expect(after.key).not.toBe(before.key);
    expect(after.articles.map((a) => a.id)).toEqual([changed, ...kept].map((f) => f?.id));
    expect(after.articles[0]?.title).toBe('Harbour reopens');
    expect(after.articles.slice(1).every((article, i) => article === before.articles[i + 2])).toBe(true);
    expect(memo.digest(after, undefined)).not.toBe(digest);
  });

  it('keeps a file that could not be read as skipped, and reads it once it can be', async () => {
    // Prepare
    const memo = new StudioMemo();
    const [file, ...others] = await seeds();
    const unreadable: SourceFile = { id: 'locked.txt', bytes: new Uint8Array(), readError: 'EACCES' };

    // Act
    const locked = await memo.parse([unreadable, file as SourceFile]);
    const lockedAgain = await memo.parse([unreadable, file as SourceFile]);
    const opened = await memo.parse([
      withText(unreadable, 'Locked no more\n\nThe file can be read now.\n'),
      ...others,
    ]);

    // Assess
    expect(locked.skipped).toEqual([{ id: 'locked.txt', reason: 'could not be read: EACCES' }]);
    expect(lockedAgain.key).toBe(locked.key);
    expect(opened.skipped).toEqual([]);
    expect(opened.articles.map((a) => a.id)).toContain('locked.txt');
  });

  it('keys collected articles by what they hold, not by the objects', async () => {
    // Prepare
    const memo = new StudioMemo();
    const parsed = await memo.parse(await seeds());
    const collected = { articles: parsed.articles, skipped: parsed.skipped };
    const digest = memo.digest(memo.collected(collected), undefined);

    // Act
    const copy = memo.collected(structuredClone(collected));
    const edited = memo.collected({
      ...collected,
      articles: collected.articles.map((a, i) => (i === 0 ? { ...a, title: 'Another title' } : a)),
    });

    // Assess
    expect(memo.digest(copy, undefined)).toBe(digest);
    expect(edited.key).not.toBe(copy.key);
  });
  it('writes again (headline and summary) only the themes whose articles changed', async () => {
    // Prepare: the seeds' story and a second one of three articles, two themes.
    const harbour = (id: string, extra: string): SourceFile =>
      withText(
        { id, bytes: new Uint8Array() },
        `Harbour reopens after repairs\n\nThe city harbour reopened on Monday after three weeks of repairs to its main quay. ${extra}\n`,
      );
    const files = [
      ...(await seeds()),
      harbour('harbour-1.txt', 'Ferries resumed their crossings at noon, the port authority said.'),
      harbour('harbour-2.txt', 'The port authority said ferries resumed crossings at noon on Monday.'),
      harbour('harbour-3.txt', 'Fishing boats returned to the quay, the harbour master said.'),
    ];
    const memo = new StudioMemo();
    const before = memo.digest(await memo.parse(files), undefined);
    expect(before.themes).toHaveLength(2);
    const changed = files.map((file) =>
      file.id === 'harbour-3.txt'
        ? harbour(file.id, 'Fishing boats and two cargo ships returned to the quay, the harbour master said.')
        : file,
    );

    // Act
    const after = memo.digest(await memo.parse(changed), undefined);

    // Assess: the same digest as a fresh build, the unchanged theme's summary the very one written before.
    const expected = await buildDigest(changed, FIXED_CLOCK);
    expect({ ...after, generatedAt: expected.generatedAt }).toEqual(expected);
    const theme = (digest: typeof before, id: string) =>
      digest.themes.find((t) => t.articles.some((a) => a.id === id));
    expect(theme(after, 'harbour-3.txt')?.points).not.toBe(theme(before, 'harbour-3.txt')?.points);
    const seed = files[0]?.id as string;
    expect(theme(after, seed)?.points).toBe(theme(before, seed)?.points);
  });

  it.each([
    ['by their stamps', () => Date.now() + 60_000],
    ['files written just now', Date.now],
  ])('reads a folder as parse(readSourceFolder) does, and sees a file written again (%s)', async (_, now) => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'studio-memo-'));
    try {
      await cp('seeds', dir, { recursive: true });
      const memo = new StudioMemo(now);
      const first = await memo.parseFolder(dir);
      const [file, gone] = await readSourceFolder(dir);
      const text = new TextDecoder().decode(file?.bytes);

      // Act: nothing changed; then one file written again with as many bytes, one removed, one added.
      const unchanged = await memo.parseFolder(dir);
      await writeFile(
        join(dir, file?.id as string),
        text.replace(/[a-z]/, (c) => (c === 'a' ? 'b' : 'a')),
      );
      await rm(join(dir, gone?.id as string));
      await writeFile(join(dir, 'new.txt'), 'Harbour reopens\n\nThe city harbour reopened on Monday.\n');
      const changed = await memo.parseFolder(dir);

      // Assess
      const expected = await new StudioMemo().parse(await readSourceFolder(dir));
      expect(unchanged.key).toBe(first.key);
      expect(unchanged.articles.every((article, i) => article === first.articles[i])).toBe(true);
      expect(changed.key).toBe(expected.key);
      expect(changed.articles).toEqual(expected.articles);
      expect(changed.articles.slice(1).filter((a) => first.articles.includes(a))).toHaveLength(
        first.articles.length - 2,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
