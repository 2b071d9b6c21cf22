import { execFile } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStamp, listSourceFiles, readSourceFolder } from '../../src/adapters/local-files.ts';
import { parseFiles } from '../../src/core/parse-files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LATER = () => Date.now() + 60_000;

describe('listSourceFiles', () => {
  it('lists what readSourceFolder reads, with its ids, hidden files left out', async () => {
    // Prepare
    await mkdir(join(dir, 'world', '.drafts'), { recursive: true });
    await writeFile(join(dir, 'b.txt'), 'B');
    await writeFile(join(dir, 'world', 'a.md'), 'A');
    await writeFile(join(dir, 'world', '.drafts', 'c.txt'), 'C');
    await writeFile(join(dir, '.hidden.txt'), 'D');

    // Act
    const listed = await listSourceFiles(`${dir}/`);

    // Assess
    expect(listed.map((file) => file.id)).toEqual(['b.txt', 'world/a.md']);
    expect(listed.map((file) => file.path)).toEqual([join(dir, 'b.txt'), join(dir, 'world', 'a.md')]);
    expect((await readSourceFolder(dir)).map((file) => file.id)).toEqual(['b.txt', 'world/a.md']);
  });
});

describe('fileStamp', () => {
  it('changes when a file is written again, even with as many bytes', async () => {
    // Prepare: a file saved long ago, as most of a folder is.
    const path = join(dir, 'a.txt');
    await writeFile(path, 'first');
    const longAgo = new Date('2026-01-01T00:00:00Z');
    await utimes(path, longAgo, longAgo);
    const before = fileStamp(path, LATER());

    // Act
    await writeFile(path, 'other');

    // Assess
    expect(before).toBeDefined();
    expect(fileStamp(path, LATER())).not.toBe(before);
  });

  it('gives none for a file written just now (one more write could keep every field), or one it cannot stat', async () => {
    // Prepare
    const path = join(dir, 'a.txt');
    await writeFile(path, 'now');

    // Act
    const fresh = fileStamp(path);
    const missing = fileStamp(join(dir, 'missing.txt'), LATER());
    const unreachable = fileStamp(join(path, 'below-a-file.txt'), LATER());

    // Assess: the caller reads each such file, and reports why it cannot be read.
    expect(fresh).toBeUndefined();
    expect(missing).toBeUndefined();
    expect(unreachable).toBeUndefined();
  });
});

describe.runIf(process.platform !== 'win32')('writeFileAtomically', () => {
  it('leaves no partial file behind when the write fails midway, and the old file as it was', async () => {
    // Prepare: a file to replace, and a process that may write only a few KB per file (the disk fills up).
    const path = join(dir, 'subscribers.csv');
    await writeFile(path, 'email\nold@example.org\n');
    const module = pathToFileURL(resolve('src/adapters/local-files.ts')).href;
    const script = `const { writeFileAtomically } = await import(process.argv[1]);
      await writeFileAtomically(process.argv[2], 'x'.repeat(100_000), 0o600);`;

    // Act
    const failed = await promisify(execFile)('sh', [
      '-c',
      'ulimit -f 8; exec "$0" --import tsx --input-type=module -e "$1" "$2" "$3"',
      process.execPath,
      script,
      module,
      path,
    ]).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('EFBIG') });
    expect(await readdir(dir)).toEqual(['subscribers.csv']);
    expect(await readFile(path, 'utf8')).toBe('email\nold@example.org\n');
  });
});

describe('readSourceFolder and links', () => {
  it('lists a link in the folder as a file it does not read, so build reports it skipped', async () => {
    // Prepare: an article, and links to a file and a folder outside the folder (never to be read).
    const outside = await mkdtemp(join(tmpdir(), 'local-files-outside-'));
    const input = join(dir, 'articles');
    await mkdir(input);
    await writeFile(join(outside, 'private.txt'), 'Private memo. Not for the digest.');
    await writeFile(
      join(input, 'story.txt'),
      'Story\n\nA harbour council approved the ferry budget on Monday.',
    );
    await symlink(join(outside, 'private.txt'), join(input, 'linked.txt'));
    await symlink(outside, join(input, 'linked-folder'));

    try {
      // Act
      const files = await readSourceFolder(input);
      const parsed = await parseFiles(files);

      // Assess: every entry of the folder is an article or skipped with why; nothing outside is read.
      expect(files.map((f) => [f.id, f.bytes.length, f.readError])).toEqual([
        ['linked-folder', 0, 'a link, not followed: copy the file itself into the folder'],
        ['linked.txt', 0, 'a link, not followed: copy the file itself into the folder'],
        ['story.txt', expect.any(Number), undefined],
      ]);
      expect(parsed.articles.map((a) => a.id)).toEqual(['story.txt']);
      expect(parsed.skipped).toEqual([
        {
          id: 'linked-folder',
          reason: 'could not be read: a link, not followed: copy the file itself into the folder',
        },
        {
          id: 'linked.txt',
          reason: 'could not be read: a link, not followed: copy the file itself into the folder',
        },
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('readSourceFolder and large files', () => {
  it('skips a file over the article limit by its size, without reading it into memory', async () => {
    // Prepare: sparse files (no disk used) of 200 MB and of 2 GiB + 1 byte, past what readFile can hold, as a
    // hostile folder may carry; one just over the limit, one at it; the limit as the parser applies it.
    await writeFile(join(dir, 'at-limit.txt'), `Story\n\n${'a'.repeat(1024 * 1024 - 7)}`);
    await writeFile(join(dir, 'just-over.txt'), 'a'.repeat(1024 * 1024 + 1));
    for (const [name, size] of [
      ['sparse-200mb.txt', 200 * 1024 * 1024],
      ['sparse-2gib.pdf', 2 ** 31 + 1],
    ] as const) {
      await writeFile(join(dir, name), '');
      await truncate(join(dir, name), size);
    }

    // Act
    const files = await readSourceFolder(dir);
    const parsed = await parseFiles(files);

    // Assess: the big ones hold no bytes, and each is skipped for its size as one that was read would be.
    expect(files.map((f) => [f.id, f.bytes.length, f.size, f.readError])).toEqual([
      ['at-limit.txt', 1024 * 1024, undefined, undefined],
      ['just-over.txt', 0, 1024 * 1024 + 1, undefined],
      ['sparse-200mb.txt', 0, 200 * 1024 * 1024, undefined],
      ['sparse-2gib.pdf', 0, 2 ** 31 + 1, undefined],
    ]);
    const reasons = new Map(parsed.skipped.map((s) => [s.id, s.reason]));
    expect(reasons.get('at-limit.txt') ?? '').not.toMatch(/byte limit/);
    expect(reasons.get('just-over.txt')).toBe('file is 1048577 bytes, over the 1048576-byte limit');
    expect(reasons.get('sparse-200mb.txt')).toBe('file is 209715200 bytes, over the 1048576-byte limit');
    expect(reasons.get('sparse-2gib.pdf')).toBe(
      'unsupported file type ".pdf"; expected one of .txt, .md, .markdown, .html, .htm, .json',
    );
  });

  it('reads and skips by the limit it is given, the one the files are then parsed with', async () => {
    // Prepare: an article of 1.5 MiB, over the default limit; limits of 2 MiB and of 1,000 bytes.
    const body = 'The council approved the new budget on Tuesday after a long debate.\n'.repeat(24_000);
    await writeFile(join(dir, 'long.txt'), `Council approves budget\n\n${body}`);
    const size = (await readFile(join(dir, 'long.txt'))).length;
    const larger = 2 * 1024 * 1024;

    // Act
    const atLarger = await parseFiles(await readSourceFolder(dir, larger), { maxArticleBytes: larger });
    const atSmaller = await parseFiles(await readSourceFolder(dir, 1000), { maxArticleBytes: 1000 });
    const mismatched = await parseFiles(await readSourceFolder(dir), { maxArticleBytes: larger });

    // Assess: read under the larger limit, it is an article, not an empty file; a reader with a lower limit than
    // the parser's is named as such.
    expect(size).toBeGreaterThan(1024 * 1024);
    expect(atLarger.skipped).toEqual([]);
    expect(atLarger.articles.map((a) => a.title)).toEqual(['Council approves budget']);
    expect(atSmaller.skipped).toEqual([
      { id: 'long.txt', reason: `file is ${size} bytes, over the 1000-byte limit` },
    ]);
    expect(mismatched.skipped).toEqual([
      {
        id: 'long.txt',
        reason: `file of ${size} bytes left unread: it was read with a lower size limit than ${larger} bytes`,
      },
    ]);
  });
});
