import { cp, mkdir, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editsFileOf, readEditsFile, writeEditsFile } from '../../../src/adapters/local-edits.ts';
import { readSourceFolder } from '../../../src/adapters/local-files.ts';
import type { Digest } from '../../../src/core/digest.ts';
import { parseFiles } from '../../../src/core/parse-files.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { type DevStudio, startDevStudio } from '../../../src/preview/dev.ts';
import { type EditSession, folderEditSession } from '../../../src/preview/editing.ts';
import { type PreviewServer, startPreviewServer } from '../../../src/preview/server.ts';
import type { StudioBuild } from '../../../src/preview/studio.ts';
import type { CollectedArticles } from '../../../src/preview/studio-memo.ts';
import { recordingObservability } from '../../support/logs.ts';
import { studioToken, studioUrl } from '../../support/studio.ts';

/** Every input id a digest lists: its articles and their copies. */
const inputIds = (digest: Digest | undefined) =>
  (digest?.themes ?? []).flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])]));

describe('the preview server', () => {
  let work: string;
  let studio: PreviewServer | undefined;
  let dev: DevStudio | undefined;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'studio-server-'));
    await mkdir(join(work, 'articles'));
  });
  afterEach(async () => {
    await studio?.close();
    await dev?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('builds again after articles that changed while an edit was being built', async () => {
    // Prepare: articles collected as `digest dev` collects them, the collection of the edit's build held open.
    const seeds = await parseFiles(await readSourceFolder('seeds'));
    let articles: CollectedArticles = seeds;
    let hold: Promise<void> = Promise.resolve();
    let collecting = () => {};
    const collectArticles = async () => {
      const read = articles;
      collecting();
      await hold;
      return read;
    };
    const input = join(work, 'articles');
    const builds: StudioBuild[] = [];
    studio = await startPreviewServer({
      sources: {
        collectArticles,
        settings: parseEmailSettings({}),
        editing: folderEditSession(input, 'test'),
      },
      port: 0,
      onBuild: (build) => builds.push(build),
    });
    const token = await studioToken(studio);
    let release = () => {};
    hold = new Promise((done) => {
      release = done;
    });
    const started = new Promise<void>((done) => {
      collecting = done;
    });

    // Act: an edit; while its build runs, an article is removed and the studio told (as after an ingest).
    const edited = fetch(studioUrl(studio, '/api/edit'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': token },
      body: JSON.stringify({ version: 0, edit: { kind: 'note', text: 'From the desk.' } }),
    });
    await started;
    const removed = seeds.articles[0]?.id as string;
    articles = { articles: seeds.articles.slice(1), skipped: seeds.skipped };
    studio.refresh();
    // Past the server's settle time (100 ms): the change's rebuild comes due while the edit's build runs.
    await new Promise((done) => setTimeout(done, 400));
    release();

    // Assess: the edit is saved, and the studio builds again without the removed article.
    expect((await edited).status).toBe(200);
    expect(inputIds(builds[1]?.digest)).toContain(removed);
    expect(builds[1]?.digest?.intro).toBe('From the desk.');
    await vi.waitFor(() => expect(inputIds(studio?.current().digest)).not.toContain(removed), {
      timeout: 5000,
    });
    expect(studio.current().digest?.intro).toBe('From the desk.');
  });

  it('builds again when another program changes the edits file; not for its own edit or an unchanged file', async () => {
    // Prepare
    const input = join(work, 'articles');
    await cp('seeds', input, { recursive: true });
    const builds: StudioBuild[] = [];
    studio = await startPreviewServer({
      sources: {
        inputDir: input,
        settings: parseEmailSettings({}),
        editing: folderEditSession(input, 'test'),
      },
      port: 0,
      onBuild: (build) => builds.push(build),
    });
    const settled = () => new Promise((done) => setTimeout(done, 1000));

    // Act: an edit through the studio; a file saved unchanged; then the edits file changed by hand.
    const response = await fetch(studioUrl(studio, '/api/edit'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': await studioToken(studio) },
      body: JSON.stringify({ version: 0, edit: { kind: 'note', text: 'From the desk.' } }),
    });
    await settled();
    const [touched] = await readdir(input);
    await utimes(join(input, touched as string), new Date(), new Date());
    await settled();
    const file = await readEditsFile(editsFileOf(input));
    const byHand = { ...file.edits[0], edit: { kind: 'note', text: 'By hand.' } } as (typeof file.edits)[0];
    await writeEditsFile(editsFileOf(input), { version: file.version + 1, edits: [byHand] });

    // Assess: one build for the edit, none for the studio's own write or the unchanged file, one for the hand edit.
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(studio?.current().digest?.intro).toBe('By hand.'), { timeout: 5000 });
    expect(builds.map((build) => [build.version, build.digest?.intro])).toEqual([
      [1, undefined],
      [2, 'From the desk.'],
      [3, 'By hand.'],
    ]);
  });

  it('builds again after a file of the folder that changed while the first build ran', async () => {
    // Prepare: the folder's edits are loaded once its files are read; the first time, an article is removed then.
    const input = join(work, 'articles');
    await cp('seeds', input, { recursive: true });
    const [removed] = await readSourceFolder(input);
    const folderEdits = folderEditSession(input, 'test');
    let first = true;
    const editing: EditSession = {
      ...folderEdits,
      async load(built) {
        if (first) await rm(join(input, removed?.id as string));
        first = false;
        return folderEdits.load(built);
      },
    };

    // Act
    studio = await startPreviewServer({
      sources: { inputDir: input, settings: parseEmailSettings({}), editing },
      port: 0,
    });

    // Assess: the first build read the article; the studio builds again without it.
    expect(inputIds(studio.current().digest)).toContain(removed?.id);
    await vi.waitFor(() => expect(inputIds(studio?.current().digest)).not.toContain(removed?.id), {
      timeout: 5000,
    });
  });

  it('digest dev: builds again after a file ingested while the first build ran', async () => {
    // Prepare: a dropped file, then a second one dropped once the first build has collected the articles, and
    // ingested before it ends.
    const drop = join(work, 'drop');
    await mkdir(drop);
    const [first, second] = (await readdir('seeds')).sort();
    await cp(join('seeds', first as string), join(drop, first as string));
    const folderEdits = folderEditSession(drop, 'test');
    let firstBuild = true;
    const editing: EditSession = {
      ...folderEdits,
      async load(built) {
        if (firstBuild) {
          firstBuild = false;
          await cp(join('seeds', second as string), join(drop, second as string));
          // Past dev's settle time and one ingest: the build is held here until the file is in.
          await new Promise((done) => setTimeout(done, 1000));
        }
        return folderEdits.load(built);
      },
    };

    // Act
    dev = await startDevStudio({
      watchDir: drop,
      stateDir: join(work, 'state'),
      sources: { settings: parseEmailSettings({}), editing },
      port: 0,
      log: recordingObservability().log,
    });

    // Assess: the first build collected one article; the studio builds again with both.
    expect(inputIds(dev.preview.current().digest)).toEqual([first]);
    await vi.waitFor(() => expect(inputIds(dev?.preview.current().digest)).toContain(second), {
      timeout: 5000,
    });
  });
});
