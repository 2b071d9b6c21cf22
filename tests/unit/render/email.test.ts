import { parseHTML } from 'linkedom';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateFolder } from '../../../src/adapters/template-folder.ts';
import type { Digest } from '../../../src/core/digest.ts';
import { TemplateError } from '../../../src/core/errors.ts';
import { personalise, renderDigestEmail } from '../../../src/core/render/email.ts';
import { composeMime } from '../../../src/core/render/mime.ts';
import { mjmlToHtml } from '../../../src/core/render/precompile.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { type EmailTemplates, loadTemplates } from '../../../src/core/render/templates.ts';
import { busyDigest } from '../../support/digests.ts';

const GMAIL_CLIP_BYTES = 102 * 1024;
const reader = {
  name: 'Ana <b>& Co',
  unsubscribeUrl: 'https://digest.example.com/u?token=abc&k=1',
  preferencesUrl: 'https://digest.example.com/p?token=abc',
};

let templates: EmailTemplates;
beforeAll(async () => {
  templates = await loadTemplates(templateFolder());
});

function hostileDigest(): Digest {
  return {
    title: 'Digest <i>',
    generatedAt: '2026-11-23T07:00:00.000Z',
    themes: [
      {
        id: 'theme-1',
        label: 'Label <img src=x onerror=alert(1)>',
        articles: [
          {
            id: 'a.html',
            title: '<script>alert("title")</script> {{constructor}}',
            source: 'Evil "Outlet"',
            url: 'javascript:alert(1)',
          },
          { id: 'b.md', title: 'Data link', url: 'data:text/html,<script>alert(2)</script>' },
          { id: 'c.md', title: 'Mail link', url: 'mailto:x@example.com' },
          { id: 'd.md', title: 'Relative link', url: '/relative/path' },
          { id: 'e.md', title: 'Good link', source: 'Reuters', url: 'https://good.example.com/a?x=1&y=2' },
          { id: 'f.md', title: 'Plain http link', source: 'Old', url: 'http://old.example.com/story' },
        ],
        points: [
          { text: 'A point with <b>markup</b> & "quotes".', sources: ['a.html', 'e.md'] },
          { text: 'Another point.', sources: ['f.md', 'b.md'] },
        ],
      },
    ],
    skipped: [],
  };
}

function hrefsOf(html: string): string[] {
  const { document } = parseHTML(html);
  return [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '');
}

describe('renderDigestEmail', () => {
  it('escapes article data and emits only https links', async () => {
    // Prepare
    const digest = hostileDigest();

    // Act
    const email = personalise(await renderDigestEmail(digest, templates, parseEmailSettings({})), reader);

    // Assess
    expect(email.html).not.toMatch(/<script|<img src=x|<b>markup|javascript:|data:text|mailto:/i);
    expect(email.html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(email.html).toContain('Label &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(email.html).toContain('A point with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;.');
    const hrefs = hrefsOf(email.html);
    expect(hrefs).toContain('https://good.example.com/a?x=1&y=2');
    // Plain http never reaches an email: the article is shown as text.
    expect(hrefs).not.toContain('http://old.example.com/story');
    expect(email.html).toContain('Plain http link');
    // A claimed outlet is shown with the link's real host beside it.
    expect(email.html).toContain('Reuters · good.example.com');
    for (const href of hrefs) expect(href).toMatch(/^https:\/\//);
    expect(email.text).toContain('<script>alert("title")</script>');
    expect(email.text).toContain('Plain http link');
    expect(email.text).not.toMatch(/javascript:|data:text|mailto:|\/relative\/path/);
  });

  it('produces HTML from strictly valid MJML, with lang, dark-mode styles and a 600 px single column', async () => {
    // Prepare
    const settings = parseEmailSettings({
      lang: 'en-GB',
      footer: { archiveUrl: 'https://archive.example.com/d/1' },
    });

    // Act
    const rendered = await renderDigestEmail(busyDigest(3), templates, settings);

    // Assess
    const { document } = parseHTML(rendered.html);
    expect(document.documentElement.getAttribute('lang')).toBe('en-GB');
    expect(document.querySelector('meta[name="color-scheme"]')?.getAttribute('content')).toBe('light dark');
    expect(rendered.html).toContain('@media (prefers-color-scheme: dark)');
    expect(rendered.html).toContain('max-width:600px');
    expect(rendered.html).toContain('23 November 2026');
    expect(hrefsOf(rendered.html)).toContain('https://archive.example.com/d/1');
    await expect(
      mjmlToHtml('<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>'),
    ).rejects.toThrow(TemplateError);
  });

  it('shows each theme with its headline, points citing outlets and three sources, and the rest as headlines', async () => {
    // Prepare
    const digest = busyDigest(10);

    // Act
    const email = personalise(
      await renderDigestEmail(digest, templates, parseEmailSettings({ maxThemes: 8 })),
      reader,
    );

    // Assess
    const { document } = parseHTML(email.html);
    const headings = [...document.querySelectorAll('h2')].map((h) => h.textContent);
    expect(headings).toEqual([...digest.themes.slice(0, 8).map((t) => t.label), 'Also in this issue']);
    const topStories = [...document.querySelectorAll('ol.top a')];
    expect(topStories.map((a) => a.textContent)).toEqual(digest.themes.slice(0, 8).map((t) => t.label));
    expect(topStories.map((a) => a.getAttribute('href'))).toEqual(
      digest.themes.slice(0, 8).map((_, i) => `#theme-${i + 1}`),
    );
    expect(document.querySelector('h2#theme-1')?.textContent).toBe(digest.themes[0]?.label);
    const firstPoint = [...document.querySelectorAll('ul li')][0];
    expect(firstPoint?.textContent).toMatch(/\(Outlet 1 News, Outlet 2 News\)$/);
    expect([...(firstPoint?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'))).toEqual([
      digest.themes[0]?.articles[0]?.url,
      digest.themes[0]?.articles[1]?.url,
    ]);
    // Three sources (the cited ones, distinct outlets), then the 2 other articles and 1 collapsed copy.
    expect(email.html).toContain('Story 1.3: ministers from both countries');
    expect(email.html).not.toContain('Story 1.4: ministers');
    expect(email.html).toContain('and 3 more sources');
    expect(email.html).not.toContain('feeds/');
    for (const theme of digest.themes.slice(8)) {
      expect(email.html).toContain(theme.label);
      expect(email.text).toContain(theme.label);
    }
    expect(email.subject).toBe('Theme 1: border talks and regional security + 9 more');
  });

  it('writes a plain-text part that mirrors the HTML, with no markup and lines of at most 72 characters', async () => {
    // Prepare
    const digest = { ...busyDigest(2), intro: 'A quiet week at the border, with one exception.' };

    // Act
    const email = personalise(await renderDigestEmail(digest, templates, parseEmailSettings({})), reader);

    // Assess
    const lines = email.text.split('\n');
    expect(email.text).not.toMatch(/<\/?(a|p|ul|li|h[12]|span|br|div|table)\b|&amp;|&lt;|&quot;/i);
    expect(lines[0]).toBe('Morning digest');
    expect(email.text).toContain('Hello Ana <b>& Co,');
    expect(email.text).toContain('A quiet week at the border, with one exception.');
    expect(email.html).toContain('A quiet week at the border, with one exception.');
    expect(email.text).toContain(`Top stories\n1. ${digest.themes[0]?.label}\n2. ${digest.themes[1]?.label}`);
    expect(lines).toContain(digest.themes[1]?.label);
    expect(lines.find((l) => l.startsWith('- Officials'))).toBeDefined();
    expect(email.text).toMatch(/\(1\.1\)\. \(Outlet 1 News, Outlet 2 News\)/);
    expect(lines).toContain('- Story 1.1: ministers from both countries trade warnings over the long');
    expect(lines).toContain(`  ${digest.themes[0]?.articles[0]?.url}`);
    expect(lines).toContain('- and 3 more sources');
    expect(lines).toContain('Unsubscribe: https://digest.example.com/u?token=abc&k=1');
    for (const line of lines.filter((l) => !l.includes('://'))) expect(line.length).toBeLessThanOrEqual(72);
  });

  it('ends both parts with the same footer links: unsubscribe, preferences and "View in browser"', async () => {
    // Prepare
    const settings = parseEmailSettings({ footer: { archiveUrl: 'https://archive.example.com/d/1.html' } });

    // Act
    const email = personalise(await renderDigestEmail(busyDigest(2), templates, settings), reader);

    // Assess
    const footer = parseHTML(email.html).document.querySelectorAll('.muted p');
    const htmlLinks = [...(footer[footer.length - 1]?.querySelectorAll('a') ?? [])].map(
      (a) => `${a.textContent}: ${a.getAttribute('href')}`,
    );
    expect(htmlLinks).toEqual([
      'Unsubscribe: https://digest.example.com/u?token=abc&k=1',
      'Manage preferences: https://digest.example.com/p?token=abc',
      'View in browser: https://archive.example.com/d/1.html',
    ]);
    expect(email.text.trimEnd().split('\n').slice(-3)).toEqual(htmlLinks);
  });

  it('keeps a 20-theme digest under Gmail’s 102 KB clipping limit', async () => {
    // Prepare
    const digest = busyDigest(20);

    // Act
    const shortList = personalise(await renderDigestEmail(digest, templates, parseEmailSettings({})), reader);
    const everything = personalise(
      await renderDigestEmail(digest, templates, parseEmailSettings({ maxThemes: 20 })),
      reader,
    );

    // Assess
    expect(Buffer.byteLength(shortList.html)).toBeLessThan(GMAIL_CLIP_BYTES);
    expect(Buffer.byteLength(everything.html)).toBeLessThan(GMAIL_CLIP_BYTES);
  });
});

describe('the archive site page (webPage)', () => {
  it('is the email without a greeting, a reason, per-reader links or "View in browser", and keeps the sender', async () => {
    // Prepare
    const digest = busyDigest(3);
    const settings = parseEmailSettings({ footer: { archiveUrl: 'https://archive.example.com/d/1.html' } });

    // Act
    const email = personalise(await renderDigestEmail(digest, templates, settings), reader);
    const page = await renderDigestEmail(digest, templates, settings, { webPage: true });

    // Assess: the page has no reader, so nothing that speaks to one or links for one.
    const { document } = parseHTML(page.html);
    const links = [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '');
    expect(links.some((href) => /token=|archive\.example\.com/.test(href))).toBe(false);
    expect(page.html).not.toMatch(/Unsubscribe|Manage preferences|View in browser|Hello/);
    expect(page.html).not.toContain(settings.footer.reason);
    for (const token of Object.values(page.placeholders)) expect(page.html).not.toContain(token);
    for (const line of settings.footer.postalAddress) expect(page.html).toContain(line);
    // Everything the stories say is the email's.
    const stories = (html: string) =>
      [...parseHTML(html).document.querySelectorAll('h2, li')].map((node) => node.textContent);
    expect(stories(page.html)).toEqual(stories(email.html));
    expect(email.html).toContain('Unsubscribe');
  });

  it('lists the sources and stories the email counts as "and N more", which link to it', async () => {
    // Prepare: 5 articles and a collapsed copy per theme; 14 themes, 2 shown in full.
    const digest = busyDigest(14);
    const settings = parseEmailSettings({
      maxThemes: 2,
      footer: { archiveUrl: 'https://archive.example.com/d/1.html' },
    });

    // Act
    const email = await renderDigestEmail(digest, templates, settings);
    const page = await renderDigestEmail(digest, templates, settings, { webPage: true });

    // Assess: the email links its counts to the page, so the page must show what they count.
    expect(email.html).toContain('<a href="https://archive.example.com/d/1.html">and 3 more sources</a>');
    expect(email.html).toContain('<a href="https://archive.example.com/d/1.html">and 2 more stories</a>');
    const { document } = parseHTML(page.html);
    const firstSources = document.querySelector('ul + p')?.innerHTML.split('<br>').slice(1) ?? [];
    expect(firstSources).toHaveLength(6);
    for (const article of digest.themes[0]?.articles ?? [])
      expect(firstSources.join()).toContain(article.url);
    expect(firstSources.at(-1)).toBe('and 1 more source');
    const also = [...document.querySelectorAll('h2:not([id]) + ul li a')].map((a) => a.textContent);
    expect(also).toEqual(digest.themes.slice(2).map((t) => t.label));
    expect(page.html).not.toContain('more stories');
  });
});

describe('the archive site page (webPage), sources without a name', () => {
  it('lists the articles a reader can tell apart and counts the ones with neither a headline nor an outlet', async () => {
    // Prepare: one cited article without headline or outlet, three with headlines (two from one outlet), three
    // more like the first.
    const unnamed = (n: number) => ({
      id: `wire/${n}.txt`,
      title: `Lead sentence ${n} of a wire copy.`,
      headline: false,
    });
    const digest: Digest = {
      title: 'Morning digest',
      generatedAt: '2026-11-23T07:00:00.000Z',
      themes: [
        {
          id: 'theme-1',
          label: 'Talks resume',
          articles: [
            unnamed(1),
            { id: 'a.md', title: 'Talks resume in Doha', source: 'Dawn', url: 'https://www.dawn.com/1' },
            { id: 'b.md', title: 'Doha to host talks' },
            { id: 'c.md', title: 'What the talks are about', source: 'Dawn', url: 'https://www.dawn.com/2' },
            unnamed(2),
            unnamed(3),
            unnamed(4),
          ],
          points: [{ text: 'Talks resume next month.', sources: ['wire/1.txt', 'a.md'] }],
        },
      ],
      skipped: [],
    };

    // Act
    const page = await renderDigestEmail(digest, templates, parseEmailSettings({}), { webPage: true });

    // Assess
    const sources = parseHTML(page.html).document.querySelector('ul + p')?.innerHTML.split('<br>').slice(1);
    expect(sources).toEqual([
      '[1] Outlet not named',
      '[2] <a href="https://www.dawn.com/1">Talks resume in Doha</a> · Dawn',
      '[3] Doha to host talks',
      '[4] <a href="https://www.dawn.com/2">What the talks are about</a> · Dawn',
      'and 3 more sources',
    ]);
  });
});

describe('personalise', () => {
  it('fills every per-recipient placeholder, escaped for HTML and verbatim for text, and leaves none', async () => {
    // Prepare
    const rendered = await renderDigestEmail(busyDigest(2), templates, parseEmailSettings({}));

    // Act
    const email = personalise(rendered, reader);
    const anonymous = personalise(rendered, { ...reader, name: undefined });

    // Assess
    for (const token of Object.values(rendered.placeholders)) {
      expect(rendered.html).toContain(token);
      expect(rendered.text).toContain(token);
      expect(email.html).not.toContain(token);
      expect(email.text).not.toContain(token);
    }
    expect(email.html).not.toMatch(/x-digest-[0-9a-f]{16}/);
    expect(email.html).toContain('Hello Ana &lt;b&gt;&amp; Co,');
    expect(hrefsOf(email.html)).toEqual(
      expect.arrayContaining([reader.unsubscribeUrl, reader.preferencesUrl]),
    );
    expect(email.text).toContain(`Manage preferences: ${reader.preferencesUrl}`);
    expect(anonymous.text).toContain('\nHello,\n');
    expect(() => personalise(rendered, { ...reader, unsubscribeUrl: 'http://digest.example.com/u' })).toThrow(
      /unsubscribe URL must be an https/,
    );
  });
});

describe('composeMime', () => {
  it('builds a multipart/alternative message that parses back with both parts and the list headers', async () => {
    // Prepare
    const email = personalise(
      await renderDigestEmail(busyDigest(1), templates, parseEmailSettings({})),
      reader,
    );
    const subject = 'Café digest — Ünïcode “quotes”\r\nBcc: victim@example.com';

    // Act
    const raw = await composeMime({
      from: { name: 'Café Digest', address: 'digest@example.com' },
      to: { name: 'Ana', address: 'ana@example.org' },
      replyTo: 'editors@example.com',
      subject,
      html: email.html,
      text: email.text,
      listUnsubscribeUrl: reader.unsubscribeUrl,
      listId: 'morning.digest.example.com',
      listName: 'Morning digest',
      messageId: '<digest-1.ana@digest.example.com>',
      date: new Date('2026-11-23T07:00:00Z'),
      headers: { 'X-Digest-Id': 'digest-1' },
    });

    // Assess
    const parsed = await simpleParser(raw);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.subject).toBe('Café digest — Ünïcode “quotes” Bcc: victim@example.com');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.from?.value).toEqual([{ name: 'Café Digest', address: 'digest@example.com' }]);
    expect(parsed.replyTo?.text).toBe('editors@example.com');
    expect(parsed.messageId).toBe('<digest-1.ana@digest.example.com>');
    expect(parsed.date?.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(parsed.headers.get('list')).toEqual({
      unsubscribe: { url: reader.unsubscribeUrl },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
      id: { name: 'Morning digest', id: 'morning.digest.example.com' },
    });
    expect(parsed.headers.get('x-digest-id')).toBe('digest-1');
    const rawHeaders = raw.toString('utf8').split('\r\n\r\n')[0] ?? '';
    expect(rawHeaders).toContain(`List-Unsubscribe: <${reader.unsubscribeUrl}>`);
    expect(rawHeaders).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(parsed.text).toBe(email.text);
    expect(parsed.html).toBe(email.html);
  });

  it('refuses header values and URLs that could inject or mislead', async () => {
    // Prepare
    const base = {
      from: { name: 'Digest', address: 'digest@example.com' },
      to: 'ana@example.org',
      subject: 'Hi',
      html: '<p>hi</p>',
      text: 'hi',
      listUnsubscribeUrl: 'https://digest.example.com/u',
      listId: 'digest.example.com',
    };

    // Act
    const attempts = [
      composeMime({ ...base, headers: { 'X-Note': 'a\r\nBcc: victim@example.com' } }),
      composeMime({ ...base, headers: { Bcc: 'victim@example.com' } }),
      composeMime({ ...base, listUnsubscribeUrl: 'http://digest.example.com/u' }),
      composeMime({ ...base, to: 'not an address' }),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(/cannot compose the message/);
  });
});
