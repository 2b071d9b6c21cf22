import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { editsFileOf, readEditsFile, writeEditsFile } from '../../../src/adapters/local-edits.ts';
import { readSourceFolder } from '../../../src/adapters/local-files.ts';
import { withFolderEdits } from '../../../src/cli/digest-files.ts';
import type { Digest } from '../../../src/core/digest.ts';
import { buildDigest } from '../../../src/core/digest-from-files.ts';
import type { PreviewServer } from '../../../src/preview/server.ts';
import { startFolderEditStudio, studioToken, studioUrl } from '../../support/studio.ts';

/** The folder's digest as `digest build` makes it: built from the files, with the edits file applied. */
const built = async (folder: string) =>
  withFolderEdits(await buildDigest(await readSourceFolder(folder)), folder);
/** The same without the edits. */
const unedited = async (folder: string) => buildDigest(await readSourceFolder(folder));
const texts = (digest: Digest, theme = 0) => digest.themes[theme]?.points.map((p) => p.text) ?? [];

describe('studio edits in folder mode after the articles change', () => {
  let work: string;
  let input: string;
  let studio: PreviewServer | undefined;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'studio-rebuild-'));
    input = join(work, 'articles');
  });
  afterEach(async () => {
    await studio?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Saves one edit as the studio page does, against the digest the studio shows. */
  const edit = async (body: object) => {
    const server = studio as PreviewServer;
    const answer = await fetch(studioUrl(server, '/api/edit'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': await studioToken(server) },
      body: JSON.stringify({ version: server.current().edited?.version, edit: body }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
  };

  it('keeps a renamed story’s title and its dropped point when the story gains an article', async () => {
    // Prepare: four of the five seed articles, one story; the editor renames it and drops its last point.
    await cp('seeds', input, { recursive: true });
    const late = (await readSourceFolder(input)).at(-1)?.id ?? '';
    await rm(join(input, late));
    studio = await startFolderEditStudio(input, 'ana');
    const before = studio.current().digest as Digest;
    const theme = before.themes[0]?.id ?? '';
    const dropped = texts(before).at(-1) ?? '';
    await edit({ kind: 'rename', theme, title: 'Pakistan and Afghanistan' });
    await edit({ kind: 'drop-point', theme, point: texts(before).length });

    // Act: the fifth article arrives; its story is the same, its theme id another.
    await copyFile(join('seeds', late), join(input, late));
    const after = await built(input);

    // Assess
    const fresh = await unedited(input);
    expect(fresh.themes[0]?.id).not.toBe(theme);
    expect(after.themes[0]).toMatchObject({ label: 'Pakistan and Afghanistan', edited: true });
    expect(texts(after)).toEqual(texts(fresh).filter((t) => t !== dropped));
    expect((await readEditsFile(editsFileOf(input))).edits).toHaveLength(2);
  });

  it('drops the point the editor saw, not the one now at its number, after an article changed', async () => {
    // Prepare: the five seed articles; the editor drops the last point.
    await cp('seeds', input, { recursive: true });
    studio = await startFolderEditStudio(input, 'ana');
    const before = studio.current().digest as Digest;
    const [first, ...rest] = before.themes[0]?.points ?? [];
    const dropped = rest.at(-1)?.text ?? '';
    await edit({ kind: 'drop-point', theme: before.themes[0]?.id, point: rest.length + 1 });

    // Act: the sentence of the first point is taken out of its article, so the summary is made again.
    const source = join(input, first?.sources[0] ?? '');
    const body = await readFile(source, 'utf8');
    expect(body).toContain(first?.text);
    await writeFile(source, body.replace(first?.text ?? '', ''));
    const after = await built(input);

    // Assess: the same files, so the same theme; its points all but the one the editor dropped.
    const fresh = await unedited(input);
    expect(fresh.themes[0]?.id).toBe(before.themes[0]?.id);
    expect(texts(fresh)).not.toContain(first?.text);
    expect(texts(after)).toEqual(texts(fresh).filter((t) => t !== dropped));
  });

  it('saves one of two edits sent at once on the same version and refuses the other: none is lost', async () => {
    // Prepare: two tabs of the studio (or a rename's Enter and a click) send edits on the version they show.
    await cp('seeds', input, { recursive: true });
    studio = await startFolderEditStudio(input, 'ana');
    const server = studio;
    const token = await studioToken(server);
    const send = (edit: object) =>
      fetch(studioUrl(server, '/api/edit'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-studio-token': token },
        body: JSON.stringify({ version: 0, edit }),
      });

    // Act
    const answers = await Promise.all([
      send({ kind: 'note', text: 'From the desk.' }),
      send({ kind: 'subject', text: 'This week' }),
    ]);

    // Assess: what was answered "saved" is in the file; the other was told to reload.
    const saved = (await readEditsFile(editsFileOf(input))).edits.map((e) => e.edit.kind);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(saved).toEqual([answers[0]?.status === 200 ? 'note' : 'subject']);
  });

  it('refuses to drop a folder digest’s only theme with advice that fits a folder (there is no reject)', async () => {
    // Prepare: the seeds are one story.
    await cp('seeds', input, { recursive: true });
    studio = await startFolderEditStudio(input, 'ana');
    const server = studio;
    const theme = server.current().digest?.themes[0]?.id;

    // Act
    const answer = await fetch(studioUrl(server, '/api/edit'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': await studioToken(server) },
      body: JSON.stringify({ version: 0, edit: { kind: 'drop-theme', theme } }),
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toBe(
      'it is the only theme: a digest keeps at least one (a pending digest can be rejected instead)',
    );
  });

  it('refuses an edit past the most an edits file holds, so the file stays readable and undo still works', async () => {
    // Prepare: a folder whose edits file is full (a thousand notes).
    await cp('seeds', input, { recursive: true });
    const note = (n: number) => ({
      edit: { kind: 'note' as const, text: `Note ${n}.` },
      at: '2026-11-27T04:00:00.000Z',
      by: 'ana',
    });
    await writeEditsFile(editsFileOf(input), {
      version: 1000,
      edits: Array.from({ length: 1000 }, (_, n) => note(n)),
    });
    studio = await startFolderEditStudio(input, 'ana');

    // Act
    const refused = await fetch(studioUrl(studio, '/api/edit'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': await studioToken(studio) },
      body: JSON.stringify({ version: 1000, edit: { kind: 'subject', text: 'One too many' } }),
    });

    // Assess
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /holds at most 1000 edits: undo some/,
    );
    const file = await readEditsFile(editsFileOf(input));
    expect(file.version).toBe(1000);
    expect(file.edits).toHaveLength(1000);
  });
});
