import { cp, mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArticleIndexEntry } from '../../src/core/ports/article-index.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { type DevStudio, startDevStudio } from '../../src/preview/dev.ts';
import { launchChromium } from '../support/chromium.ts';
import { recordingObservability } from '../support/logs.ts';

const FIRST = '000_e134260b7217c83b.txt';
const SECOND = '001_002a772d83aea243.txt';
const LIVE_TITLE = 'Harbour authority opens a new ferry terminal';

describe('digest dev --watch', () => {
  let work: string;
  let drop: string;
  let state: string;
  let dev: DevStudio;
  const recorded = recordingObservability();
  const logLines = () => recorded.lines.map((line) => JSON.parse(line));

  const digest = () => dev.preview.current().digest;
  const articleIds = () => digest()?.themes.flatMap((t) => t.articles.map((a) => a.id)) ?? [];
  const indexEntries = async () =>
    JSON.parse(await readFile(join(state, 'index.json'), 'utf8')) as Record<string, ArticleIndexEntry>;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'digest-dev-'));
    drop = join(work, 'drop');
    state = join(work, 'state');
    await mkdir(drop);
    await cp(join('seeds', FIRST), join(drop, FIRST));
    dev = await startDevStudio({
      watchDir: drop,
      stateDir: state,
      sources: { settings: parseEmailSettings({}) },
      port: 0,
      log: recorded.log,
    });
  });
  afterAll(async () => {
    await dev?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('ingests the files already in the folder before the first build', async () => {
    // Prepare: the seed file was dropped before start.

    // Act
    const first = dev.preview.current();

    // Assess
    expect(first.error).toBeUndefined();
    expect(articleIds()).toEqual([FIRST]);
    const entry = (await indexEntries())[`s3://local-articles/${FIRST}`];
    expect(entry).toMatchObject({ key: FIRST, status: 'ingested' });
    expect(await readFile(join(state, 'articles', entry?.articlePath ?? ''), 'utf8')).toContain(
      'Khawaja Asif',
    );
    expect(logLines()).toContainEqual(
      expect.objectContaining({ message: 'object handled', outcome: 'ingested' }),
    );
  });

  it('ingests a dropped file through the ingest handler and shows it in the digest', async () => {
    // Prepare
    const before = dev.preview.current().version;

    // Act
    await cp(join('seeds', SECOND), join(drop, SECOND));

    // Assess
    await expect.poll(articleIds, { timeout: 10_000 }).toContain(SECOND);
    expect(dev.preview.current().version).toBeGreaterThan(before);
    expect((await indexEntries())[`s3://local-articles/${SECOND}`]?.status).toBe('ingested');
  });

  it('rejects broken files with their reasons in the skipped list, keeping the good articles', async () => {
    // Prepare
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]);

    // Act
    await mkdir(join(drop, 'wire'));
    await writeFile(join(drop, 'wire', 'photo.txt'), binary);
    await writeFile(join(drop, 'notes.docx'), 'not an accepted type');

    // Assess
    await expect
      .poll(() => digest()?.skipped, { timeout: 10_000 })
      .toEqual([
        { id: 'notes.docx', reason: expect.stringMatching(/unsupported file type/) },
        { id: 'wire/photo.txt', reason: 'binary content' },
      ]);
    expect(articleIds()).toEqual(expect.arrayContaining([FIRST, SECOND]));
    const page = await (await fetch(dev.preview.url)).text();
    expect(page).toContain('wire/photo.txt</code>: binary content');
  });

  it('retracts a deleted file: gone from the digest, kept as a tombstone in the index', async () => {
    // Prepare
    const entry = (await indexEntries())[`s3://local-articles/${FIRST}`];

    // Act
    await unlink(join(drop, FIRST));

    // Assess
    await expect.poll(articleIds, { timeout: 10_000 }).not.toContain(FIRST);
    expect(articleIds()).toContain(SECOND);
    await dev.settled();
    expect((await indexEntries())[`s3://local-articles/${FIRST}`]).toMatchObject({
      status: 'retracted',
      reason: 'deleted from the bucket',
    });
    await expect(readFile(join(state, 'articles', entry?.articlePath ?? ''))).rejects.toThrow(/ENOENT/);
  });

  it('updates the open studio page after a drop (Chromium)', async () => {
    // Prepare
    const browser = await launchChromium();
    const page = await browser.context.newPage();
    try {
      await page.goto(dev.preview.url);
      const countsBefore = await page.locator('#counts').textContent();

      // Act
      await writeFile(
        join(drop, 'zz-live.txt'),
        `${LIVE_TITLE}\n\nThe harbour authority opened a new ferry terminal on Monday, officials said.\n`,
      );
      await page.getByText(LIVE_TITLE).first().waitFor({ timeout: 10_000 });

      // Assess
      const articles = (text: string | null) => Number(/(\d+) articles?/.exec(text ?? '')?.[1]);
      expect(articles(await page.locator('#counts').textContent())).toBe(articles(countsBefore) + 1);
    } finally {
      await browser.close();
    }
  });

  it('reads nothing outside the folder: a link dropped into it, to a file or a folder, is not followed', async () => {
    // Prepare: a file and a folder of the editor's outside the watched folder (say a hostile archive, once
    // unpacked, links to them), and a sentinel file dropped after the links to know they were handled.
    const outside = join(work, 'private');
    await mkdir(outside);
    await cp(join('seeds', '002_e4b0cc16b253e023.txt'), join(outside, 'memo.txt'));
    const sentinel = '003_15bae5066eb9f954.txt';

    // Act
    await symlink(join(outside, 'memo.txt'), join(drop, 'linked-memo.txt'));
    await symlink(outside, join(drop, 'linked-folder'));
    await dev.settled();
    await cp(join('seeds', sentinel), join(drop, sentinel));

    // Assess
    await expect.poll(articleIds, { timeout: 10_000 }).toContain(sentinel);
    await dev.settled();
    const keys = Object.values(await indexEntries()).map((entry) => entry.key);
    expect(keys.filter((key) => key.startsWith('linked'))).toEqual([]);
    expect(articleIds().filter((id) => id.startsWith('linked'))).toEqual([]);
    // Not even listed: a link to a big folder (a home folder, /) would have its whole tree walked, a change a file.
    expect(logLines().filter((line) => String(line.objectId).includes('linked-folder/'))).toEqual([]);
  });
});
