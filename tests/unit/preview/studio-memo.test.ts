import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSourceFile, readSourceFolder, type SourcePath } from '../../../src/adapters/local-files.ts';
import type { SourceFile } from '../../../src/core/article.ts';
import { buildDigest } from '../../../src/core/digest-from-files.ts';
import { StudioMemo } from '../../../src/preview/studio-memo.ts';

const FIXED_CLOCK = { now: () => new Date(0) };
/** A clock well after every file's times: every file has a stamp (none is "racy"). */
const LATER = () => Date.now() + 60_000;
const LONG_AGO = new Date('2026-01-01T00:00:00Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'studio-memo-'));
  await cp('seeds', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file of the folder, its times set long ago unless `now`, as a file saved earlier has them. */
async function put(id: string, text: string, now = false): Promise<void> {
  const path = join(dir, id);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  if (!now) await utimes(path, LONG_AGO, LONG_AGO);
}

/** readSourceFile, with the ids it read. */
function countingReader() {
  const ids: string[] = [];
  const read = (path: SourcePath): SourceFile => {
    ids.push(path.id);
    return readSourceFile(path);
  };
  return { ids, read };
}

const harbour = (extra: string) =>
  `Harbour reopens after repairs\n\nThe city harbour reopened on Monday after three weeks of repairs to its main quay. ${extra}\n`;

describe('StudioMemo', () => {
  it('builds the digest `digest build` builds', async () => {
    // Prepare
    const memo = new StudioMemo();

    // Act
    const digest = memo.digest(await memo.parseFolder(dir), undefined);

    // Assess
    const expected = await buildDigest(await readSourceFolder(dir), FIXED_CLOCK);
    expect({ ...digest, generatedAt: expected.generatedAt }).toEqual(expected);
  });

  it('reads no file again while none changed, and keeps the digest while the title is the same', async () => {
    // Prepare
    const { ids, read } = countingReader();
    const memo = new StudioMemo(LATER, read);
    const first = await memo.parseFolder(dir);
    const digest = memo.digest(first, 'Morning');
    const firstReads = ids.length;

    // Act: the folder read again, as after an edit or a template change
    const again = await memo.parseFolder(dir);

    // Assess
    expect(firstReads).toBe(first.articles.length);
    expect(ids).toHaveLength(firstReads);
    expect(again.key).toBe(first.key);
    expect(again.articles.every((article, i) => article === first.articles[i])).toBe(true);
    expect(memo.digest(again, 'Morning')).toBe(digest);
    expect(memo.digest(again, 'Evening')).not.toBe(digest);
  });

  it('dates the digest by its clock, and builds it again once the day (UTC) has changed', async () => {
    // Prepare: a studio open just before midnight.
    let clock = Date.parse('2099-03-01T23:59:58Z');
    const memo = new StudioMemo(() => clock);
    const input = await memo.parseFolder(dir);
    const evening = memo.digest(input, undefined);

    // Act: the same articles one second later, then after midnight.
    clock += 1000;
    const sameDay = memo.digest(input, undefined);
    clock += 2000;
    const nextDay = memo.digest(input, undefined);

    // Assess: dated as a fresh build then would be; the themes as they were.
    expect(evening.generatedAt).toBe('2099-03-01T23:59:58.000Z');
    expect(sameDay).toBe(evening);
    expect(nextDay.generatedAt).toBe('2099-03-02T00:00:01.000Z');
    expect({ ...nextDay, generatedAt: evening.generatedAt }).toEqual(evening);
  });

  it.each([
    ['their stamps', LATER],
    ['files changed in the last seconds, which have none', Date.now],
  ])('sees a file written again with as many bytes, a removed one and a new one (%s)', async (_, now) => {
    // Prepare
    const [file, gone] = await readSourceFolder(dir);
    const text = new TextDecoder().decode(file?.bytes);
    const memo = new StudioMemo(now);
    const first = await memo.parseFolder(dir);

    // Act
    await put(
      file?.id as string,
      text.replace(/[a-z]/, (c) => (c === 'a' ? 'b' : 'a')),
      true,
    );
    await rm(join(dir, gone?.id as string));
    await put('new.txt', 'Harbour reopens\n\nThe city harbour reopened on Monday.\n', true);
    const changed = await memo.parseFolder(dir);

    // Assess: what a fresh memo reads, the unchanged articles the very ones parsed before.
    const expected = await new StudioMemo().parseFolder(dir);
    expect(changed.key).toBe(expected.key);
    expect(changed.articles).toEqual(expected.articles);
    expect(changed.articles[0]).not.toEqual(first.articles[0]);
    expect(changed.articles.filter((a) => first.articles.includes(a))).toHaveLength(
      first.articles.length - 2,
    );
  });

  it('keeps a file that could not be read as skipped, and reads it again until it can be', async () => {
    // Prepare: the file's stamp stays the same; only reading it fails, then works.
    await put('locked.txt', 'Locked no more\n\nThe file can be read now.\n');
    let locked = true;
    const read = (path: SourcePath): SourceFile =>
      locked && path.id === 'locked.txt'
        ? { id: path.id, bytes: new Uint8Array(), readError: 'EBUSY' }
        : readSourceFile(path);
    const memo = new StudioMemo(LATER, read);

    // Act
    const first = await memo.parseFolder(dir);
    const again = await memo.parseFolder(dir);
    locked = false;
    const opened = await memo.parseFolder(dir);

    // Assess
    expect(first.skipped).toEqual([{ id: 'locked.txt', reason: 'could not be read: EBUSY' }]);
    expect(again.key).toBe(first.key);
    expect(opened.skipped).toEqual([]);
    expect(opened.articles.map((a) => a.id)).toContain('locked.txt');
  });

  it('keys collected articles by what they hold, not by the objects', async () => {
    // Prepare
    const memo = new StudioMemo();
    const parsed = await memo.parseFolder(dir);
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
    await put('harbour-1.txt', harbour('Ferries resumed their crossings at noon, the port authority said.'));
    await put(
      'harbour-2.txt',
      harbour('The port authority said ferries resumed crossings at noon on Monday.'),
    );
    await put('harbour-3.txt', harbour('Fishing boats returned to the quay, the harbour master said.'));
    const memo = new StudioMemo(LATER);
    const before = memo.digest(await memo.parseFolder(dir), undefined);
    expect(before.themes).toHaveLength(2);

    // Act
    await put(
      'harbour-3.txt',
      harbour('Fishing boats and two cargo ships returned to the quay, the harbour master said.'),
      true,
    );
    const after = memo.digest(await memo.parseFolder(dir), undefined);

    // Assess: the same digest as a fresh build, the unchanged theme's summary the very one written before.
    const expected = await buildDigest(await readSourceFolder(dir), FIXED_CLOCK);
    expect({ ...after, generatedAt: expected.generatedAt }).toEqual(expected);
    const theme = (digest: typeof before, id: string) =>
      digest.themes.find((t) => t.articles.some((a) => a.id === id));
    expect(theme(after, 'harbour-3.txt')?.points).not.toBe(theme(before, 'harbour-3.txt')?.points);
    const seed = before.themes.find((t) => !t.articles.some((a) => a.id.startsWith('harbour')));
    const seedId = seed?.articles[0]?.id as string;
    expect(theme(after, seedId)?.points).toBe(theme(before, seedId)?.points);
  });

  it('builds what a fresh build does when a changed article becomes a copy of another, and back', async () => {
    // Prepare: dedup's band keys and shingle sets of the unchanged articles come from the last build.
    const [original] = await readSourceFolder(dir);
    const text = new TextDecoder().decode(original?.bytes);
    await put('other.txt', harbour('Ferries resumed their crossings at noon, the port authority said.'));
    const memo = new StudioMemo(LATER);
    memo.digest(await memo.parseFolder(dir), undefined);

    const copiesOf = (digest: { themes: { articles: { duplicates?: string[] }[] }[] }) =>
      digest.themes.flatMap((t) => t.articles.flatMap((a) => a.duplicates ?? []));
    const versions = [`${text}\nOne more line at the end.\n`, harbour('Boats are back.')];
    const copies: string[][] = [];
    for (const next of versions) {
      // Act
      await put('other.txt', next, true);
      const digest = memo.digest(await memo.parseFolder(dir), undefined);

      // Assess
      const expected = await buildDigest(await readSourceFolder(dir), FIXED_CLOCK);
      expect({ ...digest, generatedAt: expected.generatedAt }).toEqual(expected);
      copies.push(copiesOf(digest));
    }
    expect(copies[0]?.length).toBe(1);
    expect(copies[1]).toEqual([]);
  });
});
