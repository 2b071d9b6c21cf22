import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR } from '../../src/adapters/template-folder.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { type EditSession, folderEditSession } from '../../src/preview/editing.ts';
import { type PreviewServer, startPreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../support/chromium.ts';

describe('the email frame', () => {
  let work: string;
  let studio: PreviewServer;

  beforeAll(async () => {
    // Prepare: templates whose email carries a script (as a hostile or careless template or article could).
    work = await mkdtemp(join(tmpdir(), 'studio-sandbox-'));
    const templatesDir = join(work, 'templates');
    await cp(DEFAULT_TEMPLATES_DIR, templatesDir, { recursive: true });
    const header = join(templatesDir, 'partials/header.mjml.hbs');
    await writeFile(
      header,
      `${await readFile(header, 'utf8')}<mj-raw><script>document.documentElement.dataset.ran = 'yes'; fetch('/script-ran');</script></mj-raw>\n`,
    );
    studio = await startPreviewServer({
      sources: { inputDir: 'seeds', templatesDir, settings: parseEmailSettings({}) },
      port: 0,
    });
  });
  afterAll(async () => {
    await studio?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('runs no script of the email, in the frame or opened alone (Chromium)', async () => {
    // Prepare
    const browser = await launchChromium();
    const requested: string[] = [];
    try {
      const page = await browser.context.newPage();
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));

      // Act
      await page.goto(studio.url);
      const frame = page.frameLocator('#frame');
      await frame.locator('h1').first().waitFor({ timeout: 10_000 });
      const ranInFrame = await frame.locator('html').getAttribute('data-ran');
      const alone = await browser.context.newPage();
      alone.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await alone.goto(new URL('/email.html', studio.url).href);
      await alone.locator('h1').first().waitFor({ timeout: 10_000 });
      const ranAlone = await alone.locator('html').getAttribute('data-ran');
      await page.waitForTimeout(500);

      // Assess: the script is in the email, and did not run.
      expect(studio.current().email?.html).toContain("fetch('/script-ran')");
      expect(await page.locator('#frame').getAttribute('sandbox')).toBe(
        'allow-popups allow-popups-to-escape-sandbox',
      );
      expect(ranInFrame).toBeNull();
      expect(ranAlone).toBeNull();
      expect(requested).not.toContain('/script-ran');
      expect(requested).toContain('/email.html');
    } finally {
      await browser.close();
    }
  });
});

describe('stopping the studio', () => {
  it('completes while a page holds the live-reload stream and a build is running (Chromium)', async () => {
    // Prepare: a studio whose second build takes 5 s; a page open on it, listening for builds.
    const work = await mkdtemp(join(tmpdir(), 'studio-stop-'));
    const input = join(work, 'articles');
    await cp('seeds', input, { recursive: true });
    const folderEdits = folderEditSession(input, 'ana');
    let builds = 0;
    const editing: EditSession = {
      ...folderEdits,
      async load(built) {
        if (builds++ === 1) await new Promise((done) => setTimeout(done, 5000));
        return folderEdits.load(built);
      },
    };
    const studio = await startPreviewServer({
      sources: { inputDir: input, settings: parseEmailSettings({}), editing },
      port: 0,
    });
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const streams: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/events')) streams.push(request.url());
      });
      await page.goto(studio.url);
      await page.frameLocator('#frame').locator('h1').first().waitFor({ timeout: 10_000 });
      studio.refresh();
      await new Promise((done) => setTimeout(done, 300));

      // Act: stop it (as Ctrl+C does), the page still open.
      const started = Date.now();
      const stopped = await Promise.race([
        studio.close().then(() => 'stopped'),
        new Promise((done) => setTimeout(() => done('still running'), 15_000)),
      ]);

      // Assess: stopped once the running build ended, not when the browser went away.
      expect(streams.length).toBeGreaterThan(0);
      expect(stopped).toBe('stopped');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await browser.close();
      await studio.close();
      await rm(work, { recursive: true, force: true });
    }
  }, 60_000);
});
