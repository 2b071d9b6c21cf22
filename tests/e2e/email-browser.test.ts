import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { personalise, renderDigestEmail } from '../../src/core/render/email.ts';
import { SAMPLE_RECIPIENT } from '../../src/core/render/sample.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { type EmailTemplates, loadTemplates } from '../../src/core/render/templates.ts';
import { launchChromium } from '../support/chromium.ts';
import { busyDigest } from '../support/digests.ts';

let templates: EmailTemplates;
let browser: Awaited<ReturnType<typeof launchChromium>>;
beforeAll(async () => {
  templates = await loadTemplates(templateFolder());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Relative luminance of a CSS rgb() colour (WCAG 2). */
function luminance(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('the email in a browser', () => {
  it('draws no light rule on the dark palette', async () => {
    // Prepare
    const settings = parseEmailSettings({ footer: { archiveUrl: 'https://archive.example.com/d/1.html' } });
    const email = personalise(await renderDigestEmail(busyDigest(3), templates, settings), SAMPLE_RECIPIENT);
    const page = await browser.context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 375, height: 800 });

    // Act
    await page.setContent(email.html);
    const rules = await page.locator('.sheet *').evaluateAll((nodes) =>
      nodes.flatMap((node) => {
        const style = node.ownerDocument.defaultView?.getComputedStyle(node);
        return style && style.borderTopStyle !== 'none' && Number.parseFloat(style.borderTopWidth) > 0
          ? [{ tag: node.tagName, color: style.borderTopColor }]
          : [];
      }),
    );
    const background = await page
      .locator('.sheet')
      .first()
      .evaluate((sheet) => sheet.ownerDocument.defaultView?.getComputedStyle(sheet).backgroundColor ?? '');
    await page.close();

    // Assess: the themes' rules and the footer's divider are all drawn, and all dark, on the dark sheet.
    expect(luminance(background)).toBeLessThan(0.05);
    expect(rules.filter((r) => r.tag === 'H2').length).toBeGreaterThanOrEqual(3);
    expect(rules.filter((r) => r.tag === 'P').length).toBeGreaterThanOrEqual(1);
    for (const rule of rules)
      expect({ ...rule, dark: luminance(rule.color) < 0.1 }).toEqual({ ...rule, dark: true });
  });
});
