import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editsFileOf } from '../../src/adapters/local-edits.ts';
import { readSourceFolder } from '../../src/adapters/local-files.ts';
import { withFolderEdits } from '../../src/cli/digest-files.ts';
import { buildDigest } from '../../src/core/digest-from-files.ts';
import { escapeHtml } from '../../src/core/render/html.ts';
import type { PreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { startFolderEditStudio, studioToken, studioUrl } from '../support/studio.ts';

describe('studio edits in folder mode', () => {
  let work: string;
  let input: string;
  let studio: PreviewServer;
  let token: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'studio-edit-'));
    input = join(work, 'articles');
    await cp('seeds', input, { recursive: true });
    studio = await startFolderEditStudio(input, 'ana');
    token = await studioToken(studio);
  });
  afterAll(async () => {
    await studio?.close();
    await rm(work, { recursive: true, force: true });
  });

  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(studioUrl(studio, path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': token, ...headers },
      body: JSON.stringify(body),
    });

  it('saves edits beside the folder, shows them, and the next build applies them', async () => {
    // Prepare
    const theme = studio.current().digest?.themes[0]?.id ?? '';
    const headline = studio.current().digest?.themes[0]?.label ?? '';
    const generatedAt = studio.current().digest?.generatedAt;

    // Act
    const renamed = await post('/api/edit', {
      version: 0,
      edit: { kind: 'rename', theme, title: 'Our headline' },
    });
    const noted = await post('/api/edit', {
      version: 1,
      edit: { kind: 'note', text: 'Hello from the desk.' },
    });
    const stale = await post('/api/edit', { version: 1, edit: { kind: 'subject', text: 'Too late' } });
    const empty = await post('/api/edit', { version: 2, edit: { kind: 'rename', theme, title: ' ' } });
    const built = await withFolderEdits(await buildDigest(await readSourceFolder(input)), input);
    const page = await (await fetch(studio.url)).text();
    const editList = /<ol id="edits">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '';

    // Assess
    expect(renamed.status).toBe(200);
    expect(noted.status).toBe(200);
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toMatch(/changed meanwhile .*reload/);
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toBe('the title is empty');
    const file = JSON.parse(await readFile(editsFileOf(input), 'utf8'));
    expect(file.version).toBe(2);
    expect(file.edits.map((e: { by: string }) => e.by)).toEqual(['ana', 'ana']);
    expect(studio.current().edited?.version).toBe(2);
    expect(studio.current().email?.html).toContain('Our headline');
    expect(studio.current().email?.text).toContain('Hello from the desk.');
    // Edits apply to the digest already built from the unchanged folder: it is not built again.
    expect(studio.current().digest?.generatedAt).toBe(generatedAt);
    expect(built.themes[0]).toMatchObject({ label: 'Our headline', edited: true });
    expect(built.intro).toBe('Hello from the desk.');
    // The list of edits names the theme by the headline the editor saw, not by its id.
    const shown = headline.length > 60 ? `${headline.slice(0, 59)}…` : headline;
    expect(editList).toContain(escapeHtml(`rename "${shown}" to "Our headline"`));
    expect(editList).not.toContain(theme);
  });

  it('refuses a state-changing request without the session token, from another origin or not JSON', async () => {
    // Prepare
    const edit = { version: 2, edit: { kind: 'subject', text: 'Forged' } };

    // Act
    const answers = await Promise.all([
      post('/api/edit', edit, { 'x-studio-token': 'guess' }),
      fetch(studioUrl(studio, '/api/edit'), { method: 'POST', body: JSON.stringify(edit) }),
      post('/api/edit', edit, { origin: 'https://attacker.example.com' }),
      post('/api/edit', edit, { 'content-type': 'text/plain' }),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 415]);
    expect(JSON.parse(await readFile(editsFileOf(input), 'utf8')).version).toBe(2);
  });

  it('swaps a point for an alternative chosen in the page, its text as written', async () => {
    // Prepare
    const version = studio.current().edited?.version ?? 0;
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(studio.url);
      const swap = page.getByLabel('Swap point 1 of theme 1');
      const alternative = (await swap.locator('option').nth(1).textContent()) ?? '';

      // Act
      await swap.selectOption({ index: 1 });
      await page.locator(`#editor[data-version="${version + 1}"]`).waitFor({ timeout: 60_000 });

      // Assess
      const file = JSON.parse(await readFile(editsFileOf(input), 'utf8'));
      expect(alternative).not.toBe('');
      expect(file.edits.at(-1).edit).toMatchObject({ kind: 'replace-point', point: 1, with: alternative });
      expect(studio.current().digest?.themes[0]?.points[0]?.text).toBe(alternative);
    } finally {
      await browser.close();
    }
  });

  it('renames a theme with Enter in one request, and shows no error (Chromium)', async () => {
    // Prepare
    const version = studio.current().edited?.version ?? 0;
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const posted: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST') posted.push(request.postData() ?? '');
      });
      await page.goto(studio.url);
      const title = page.getByLabel('Title of theme 1');

      // Act: type the title and press Enter, which also fires the field's change event.
      await title.fill('Entered title');
      await title.press('Enter');
      await page.locator(`#editor[data-version="${version + 1}"]`).waitFor({ timeout: 60_000 });
      await page.waitForLoadState('load');

      // Assess
      expect(posted.map((body) => JSON.parse(body).edit)).toEqual([
        { kind: 'rename', theme: studio.current().digest?.themes[0]?.id, title: 'Entered title' },
      ]);
      expect(await page.locator('#edit-message.error').count()).toBe(0);
      expect(studio.current().edited?.version).toBe(version + 1);
    } finally {
      await browser.close();
    }
  });

  it('names the theme in every theme control, for a screen reader listing the buttons (Chromium)', async () => {
    // Prepare
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();

      // Act
      await page.goto(studio.url);
      const names = await page
        .locator('#editor .edit-themes > li > .tools button')
        .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent));

      // Assess
      expect(names).toEqual(['Move theme 1 up', 'Move theme 1 down', 'Pin theme 1 to top', 'Drop theme 1']);
      await expect(page.getByRole('button', { name: 'Drop theme 1', exact: true }).count()).resolves.toBe(1);
    } finally {
      await browser.close();
    }
  });

  it('keeps the keyboard where it was after an edit reloads the page (Chromium)', async () => {
    // Prepare
    const version = studio.current().edited?.version ?? 0;
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(studio.url);
      // The name of the element with the keyboard focus ('BODY' when none has it).
      const focused = async () =>
        (
          await page
            .locator(':focus')
            .evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? e.textContent))
        )[0] ?? 'BODY';

      // Act: a rename typed in the title and Enter; then the note, saved with the keyboard.
      await page.getByLabel('Title of theme 1').fill('Kept in focus');
      await page.getByLabel('Title of theme 1').press('Enter');
      await page.locator(`#editor[data-version="${version + 1}"]`).waitFor({ timeout: 60_000 });
      await expect.poll(focused, { timeout: 10_000 }).not.toBe('BODY');
      const afterRename = await focused();
      await page.getByLabel("Editor's note").fill('A note typed and saved from the keyboard.');
      await page.getByRole('button', { name: 'Save note' }).focus();
      await page.keyboard.press('Enter');
      await page.locator(`#editor[data-version="${version + 2}"]`).waitFor({ timeout: 60_000 });
      await expect.poll(focused, { timeout: 10_000 }).not.toBe('BODY');
      const afterNote = await focused();

      // Assess: the same control has the focus again, and the answer is shown.
      expect(afterRename).toBe('Title of theme 1');
      expect(afterNote).toBe('Save note');
      expect(await page.locator('#edit-message').textContent()).toBe('saved');
    } finally {
      await browser.close();
    }
  });

  it('says the studio is not answering when an edit cannot reach it (Chromium)', async () => {
    // Prepare: the page open; then its requests fail as they do once the studio is stopped (Ctrl+C).
    const version = studio.current().edited?.version;
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(studio.url);
      await page.route('**/api/**', (route) => route.abort('connectionrefused'));

      // Act
      await page.getByLabel("Editor's note").fill('Too late');
      await page.getByRole('button', { name: 'Save note' }).click();

      // Assess
      await expect
        .poll(() => page.locator('#edit-message').textContent(), { timeout: 10_000 })
        .toMatch(/not answering/);
      expect(await page.locator('#edit-message').getAttribute('role')).toBe('alert');
      expect(studio.current().edited?.version).toBe(version);
    } finally {
      await browser.close();
    }
  });

  it('cannot be framed by another site, so a lured click in a hidden frame edits nothing (Chromium)', async () => {
    // Prepare: a page of another origin that frames the studio (clickjacking: the frame is made invisible and
    // the editor lured into clicking where "Drop theme" or "Approve" sits).
    const version = studio.current().edited?.version;
    const attacker = createServer((_, response) =>
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<!doctype html><iframe id="bait" src="${studio.url}" width="1000" height="800"></iframe>`),
    );
    await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();

      // Act
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const framed = page.frameLocator('#bait');

      // Assess: the browser refuses to show the studio inside another site's page.
      expect(await framed.locator('[data-edit="drop-theme"]').count()).toBe(0);
      expect(await framed.locator('#editor').count()).toBe(0);
      expect(studio.current().edited?.version).toBe(version);
    } finally {
      await browser.close();
      await new Promise((done) => attacker.close(done));
    }
  });
});
