import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { type EditSession, folderEditSession } from '../../src/preview/editing.ts';
import { startPreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../support/chromium.ts';

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
