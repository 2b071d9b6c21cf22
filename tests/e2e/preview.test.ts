import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, templateFolder } from '../../src/adapters/template-folder.ts';
import { personalise, renderDigestEmail } from '../../src/core/render/email.ts';
import { SAMPLE_RECIPIENT } from '../../src/core/render/sample.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { compileTemplates } from '../../src/core/render/templates.ts';
import { type PreviewServer, startPreviewServer } from '../../src/preview/server.ts';
import { launchChromium } from '../support/chromium.ts';
import { studioUrl } from '../support/studio.ts';

const settings = parseEmailSettings({});

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('digest preview studio', () => {
  let work: string;
  let input: string;
  let templatesDir: string;
  let preview: PreviewServer;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'preview-'));
    input = join(work, 'articles');
    templatesDir = join(work, 'templates');
    await cp('seeds', input, { recursive: true });
    await cp(DEFAULT_TEMPLATES_DIR, templatesDir, { recursive: true });
    preview = await startPreviewServer({ sources: { inputDir: input, templatesDir, settings }, port: 0 });
  });
  afterAll(async () => {
    await preview?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('serves the HTML the sender sends, differing only in the per-recipient fields', async () => {
    // Prepare
    const digest = preview.current().digest;
    if (!digest) throw new Error(`preview build failed: ${preview.current().error}`);
    const templates = compileTemplates(await templateFolder(templatesDir).readAll());
    const sent = await renderDigestEmail(digest, templates, settings);
    const other = {
      name: 'Ana',
      unsubscribeUrl: 'https://digest.example.com/unsubscribe?token=ana',
      preferencesUrl: 'https://digest.example.com/preferences?token=ana',
    };

    // Act
    const served = await (await fetch(studioUrl(preview, 'email.html'))).text();
    const servedText = await (await fetch(studioUrl(preview, 'email.txt'))).text();

    // Assess
    expect(served).toBe(personalise(sent, SAMPLE_RECIPIENT).html);
    expect(servedText).toBe(personalise(sent, SAMPLE_RECIPIENT).text);
    const asOther = served
      .replace(`Hello ${SAMPLE_RECIPIENT.name},`, `Hello ${other.name},`)
      .replaceAll(SAMPLE_RECIPIENT.unsubscribeUrl, other.unsubscribeUrl)
      .replaceAll(SAMPLE_RECIPIENT.preferencesUrl, other.preferencesUrl);
    expect(asOther).toBe(personalise(sent, other).html);
    const json = await (await fetch(studioUrl(preview, 'digest.json'))).json();
    expect(json).toEqual(digest);
    const eml = await fetch(studioUrl(preview, 'digest.eml'));
    expect(eml.headers.get('content-disposition')).toBe('attachment; filename="digest.eml"');
    const rebound = await new Promise<number | undefined>((done, fail) => {
      // fetch() does not let a caller set Host; a DNS-rebinding page's browser would.
      get(preview.url, { headers: { host: 'attacker.example.com' } }, (response) => {
        response.resume();
        done(response.statusCode);
      }).on('error', fail);
    });
    expect(rebound).toBe(403);
  });

  it('shows a template error in the page instead of stopping, and recovers when it is fixed', async () => {
    // Prepare
    const footer = join(templatesDir, 'partials/footer.mjml.hbs');
    const original = await readFile(footer, 'utf8');
    const before = preview.current().version;
    const digest = preview.current().digest;

    // Act
    await writeFile(footer, '<mj-text>a text outside any column</mj-text>');
    const broken = await until(
      () => preview.current().version > before && preview.current(),
      'the broken build',
    );
    const page = await (await fetch(preview.url)).text();
    const email = await fetch(studioUrl(preview, 'email.html'));
    await writeFile(footer, original);
    const fixed = await until(
      () => preview.current().version > broken.version && preview.current(),
      'the fixed build',
    );

    // Assess
    expect(broken.error).toMatch(/valid MJML/);
    expect(page).toContain('The digest could not be built.');
    expect(page).toContain('mj-text cannot be used inside mj-body');
    expect(email.status).toBe(503);
    expect(fixed.error).toBeUndefined();
    // The articles did not change: the digest built from them is used again, only the email is rendered anew.
    expect(fixed.digest).toBe(digest);
  });

  it('shows theme labels, switches to dark and mobile frames and updates when an article changes (Chromium)', async () => {
    // Prepare
    const browser = await launchChromium();
    const page = await browser.context.newPage();
    const labels = preview.current().digest?.themes.map((t) => t.label) ?? [];
    try {
      // Act
      await page.goto(preview.url);
      const countsBefore = await page.locator('#counts').textContent();
      const firstLabel = await page.locator('.theme-label').first().textContent();
      const frameHeading = await page.frameLocator('#frame').locator('h2').first().textContent();
      await page.getByRole('button', { name: 'Dark' }).click();
      const darkTitle = page.frameLocator('#frame').locator('h1');
      await expect
        .poll(() => darkTitle.evaluate((h1) => h1.ownerDocument.defaultView?.getComputedStyle(h1).color))
        .toBe('rgb(230, 232, 235)');
      await page.getByRole('button', { name: 'Mobile 375' }).click();
      const frameWidth = () =>
        page.locator('#frame').evaluate((frame) => frame.getBoundingClientRect().width);
      await expect.poll(frameWidth).toBe(375);
      await mkdir('tests/artifacts', { recursive: true });
      await page.screenshot({ path: 'tests/artifacts/preview-mobile.png' });
      await writeFile(
        join(input, 'zz-live-reload.txt'),
        'Harbour authority opens a new ferry terminal\n\nThe harbour authority opened a new ferry terminal on Monday, officials said.\n',
      );
      await page
        .getByText('Harbour authority opens a new ferry terminal')
        .first()
        .waitFor({ timeout: 10_000 });

      // Assess
      expect(labels.length).toBeGreaterThan(0);
      expect(firstLabel).toBe(labels[0]);
      expect(frameHeading).toBe(labels[0]);
      expect(new URL(page.url()).hash).toBe('#mobile');
      expect(await frameWidth()).toBe(375);
      const articles = (text: string | null) => Number(/(\d+) articles/.exec(text ?? '')?.[1]);
      expect(articles(await page.locator('#counts').textContent())).toBe(articles(countsBefore) + 1);
    } finally {
      await browser.close();
    }
  });

  it('shows the desktop view for a link whose view name is an Object property, and its script keeps running (Chromium)', async () => {
    // Prepare: any page can link to the studio with a hash of its choosing.
    const browser = await launchChromium();
    const errors: string[] = [];
    const shown: string[] = [];
    try {
      for (const hash of ['constructor', '__proto__', 'toString']) {
        // Act: each in a page of its own (going to another hash of the same page would not load it again).
        const page = await browser.context.newPage();
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${preview.url}#${hash}`);
        await page.frameLocator('#frame').locator('h1').first().waitFor({ timeout: 5000 });
        shown.push(`${await page.locator('#frame').getAttribute('data-view')} ${new URL(page.url()).hash}`);
      }

      // Assess
      expect(errors).toEqual([]);
      expect(shown).toEqual(['desktop #desktop', 'desktop #desktop', 'desktop #desktop']);
    } finally {
      await browser.close();
    }
  });
});
