import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateFolder } from '../../../src/adapters/template-folder.ts';
import type { Digest, DigestArticle, Theme } from '../../../src/core/digest.ts';
import { personalise, renderDigestEmail } from '../../../src/core/render/email.ts';
import { parseEmailSettings } from '../../../src/core/render/settings.ts';
import { type EmailTemplates, loadTemplates } from '../../../src/core/render/templates.ts';

const reader = {
  name: 'Ana',
  unsubscribeUrl: `https://digest.example.com/unsubscribe?token=${'t'.repeat(200)}`,
  preferencesUrl: `https://digest.example.com/preferences?token=${'p'.repeat(200)}`,
};
const settings = parseEmailSettings({
  lang: 'en-GB',
  footer: { archiveUrl: 'https://archive.example.com/digests/2026-11-23/digest.html' },
});

let templates: EmailTemplates;
beforeAll(async () => {
  templates = await loadTemplates(templateFolder());
});

const render = async (digest: Digest, options = settings) =>
  personalise(await renderDigestEmail(digest, templates, options), reader);

function digestOf(themes: Theme[], extra: Partial<Digest> = {}): Digest {
  return { title: 'Morning digest', generatedAt: '2026-11-23T07:00:00.000Z', themes, skipped: [], ...extra };
}

const LEAD =
  'The minister said on Tuesday that talks with the neighbouring government would resume next month in Doha.';

/** One story from five files: outlets from metadata, from a URL only, and none; two articles with no headline. */
function storyTheme(): Theme {
  const articles: DigestArticle[] = [
    {
      id: 'incoming/b9681c35edcb.txt',
      title: LEAD,
      headline: false,
      published: '2026-11-22T09:00:00Z',
      duplicates: ['incoming/0f3e9a1d22c4.txt'],
    },
    {
      id: 'feeds/dawn-7731.md',
      title: 'Talks to resume in Doha next month',
      source: 'Dawn',
      url: 'https://www.dawn.com/news/7731',
      published: '2026-11-22T08:00:00Z',
    },
    {
      id: 'feeds/dawn-7732.md',
      title: 'Minister sets date for Doha talks',
      source: 'Dawn',
      url: 'https://www.dawn.com/news/7732',
    },
    {
      id: 'feeds/4401.html',
      title: 'A lead sentence that only a JSON feed without headlines would carry, long enough to read.',
      headline: false,
      url: 'https://www.reuters.com/world/4401',
      published: '2026-11-22T10:00:00Z',
    },
    {
      id: 'feeds/77.json',
      title: 'Doha to host talks',
      source: 'Al Jazeera',
      url: 'https://aljazeera.com/77',
    },
  ];
  return {
    id: 'theme-1',
    label: 'Talks with the neighbouring government to resume in Doha',
    articles,
    points: [
      { text: LEAD, sources: ['incoming/b9681c35edcb.txt', 'feeds/dawn-7731.md', 'feeds/dawn-7732.md'] },
      {
        text: 'Delegations from Qatar and Turkey will attend.',
        sources: ['feeds/4401.html', 'feeds/77.json'],
      },
    ],
  };
}

function otherTheme(n: number): Theme {
  return {
    id: `theme-${n}`,
    label: `Headline of story ${n}`,
    articles: [{ id: `story-${n}.txt`, title: `Story ${n}`, url: `https://news.example.com/${n}` }],
    points: [{ text: `Point of story ${n}.`, sources: [`story-${n}.txt`] }],
  };
}

describe('sources readers recognise', () => {
  it('lists three sources with outlets from metadata or the link host, distinct outlets first, then a count', async () => {
    // Prepare
    const digest = digestOf([storyTheme()]);

    // Act
    const email = await render(digest);

    // Assess
    const { document } = parseHTML(email.html);
    const sources = document.querySelector('ul + p')?.innerHTML.split('<br>').slice(1) ?? [];
    expect(sources).toHaveLength(4);
    // The first source of each point, then the other cited ones, one per outlet: the unnamed lead-only
    // article, reuters.com (by its link's host, having no headline), then Dawn (once).
    expect(sources[0]).toBe('[1] Outlet not named · 22 Nov 2026');
    expect(sources[1]).toBe('[2] <a href="https://www.reuters.com/world/4401">reuters.com</a> · 22 Nov 2026');
    expect(sources[2]).toBe(
      '[3] <a href="https://www.dawn.com/news/7731">Talks to resume in Doha next month</a> · Dawn · 22 Nov 2026',
    );
    // 5 articles and 1 collapsed copy, 3 listed; the link goes to the archived page.
    expect(sources[3]).toBe(
      '<a href="https://archive.example.com/digests/2026-11-23/digest.html">and 3 more sources</a>',
    );
    const points = [...document.querySelectorAll('ul li')].map((li) => li.textContent);
    expect(points[0]).toBe(`${LEAD} ([1], Dawn)`);
    expect(points[1]).toBe('Delegations from Qatar and Turkey will attend. (reuters.com, Al Jazeera)');
    expect(email.text).toContain('in Doha. ([1], Dawn)');
    expect(email.text).toContain(
      `- [3] Talks to resume in Doha next month · Dawn · 22 Nov 2026\n  https://www.dawn.com/news/7731`,
    );
    expect(email.text).toContain(
      '- and 3 more sources\n  https://archive.example.com/digests/2026-11-23/digest.html',
    );
  });

  it('names an outlet and its link host with a middle dot, never parentheses in parentheses', async () => {
    // Prepare: an outlet whose name is not its link's site.
    const theme: Theme = {
      ...otherTheme(1),
      articles: [
        {
          id: 'story-1.txt',
          title: 'Harbour reopens',
          source: 'Coastal Times',
          url: 'https://example.com/1',
        },
      ],
    };

    // Act
    const email = await render(digestOf([theme]));

    // Assess
    const { document } = parseHTML(email.html);
    expect(document.querySelector('ul li')?.textContent).toBe(
      'Point of story 1. (Coastal Times · example.com)',
    );
    expect(document.querySelector('ul + p')?.textContent).toContain(
      'Harbour reopens · Coastal Times · example.com',
    );
    expect(email.text).toContain('Point of story 1. (Coastal Times · example.com)');
    expect(email.text).toContain('Harbour reopens · Coastal Times · example.com');
    expect(`${email.html}${email.text}`).not.toContain('(example.com)');
  });

  it('never shows a file name or a lead sentence in place of a headline', async () => {
    // Prepare
    const digest = digestOf([storyTheme()]);

    // Act
    const email = await render(digest);

    // Assess
    for (const part of [email.html, email.text]) {
      expect(part).not.toMatch(/b9681c35edcb|0f3e9a1d22c4|dawn-7731|4401\.html|77\.json|\.txt\b|\.md\b/);
      expect(part).not.toContain('A lead sentence that only a JSON feed');
    }
    // The lead is a point (and, with a single story, the preheader); it is not repeated as an article title.
    const text = email.text.replace(/\s+/g, ' ');
    expect(text.split('talks with the neighbouring government would resume').length - 1).toBe(1);
    expect(parseHTML(email.html).document.querySelector('ul + p')?.textContent).not.toContain('would resume');
  });
});

/** First strong isolate and pop directional isolate (Unicode bidi): text between them is laid out on its own. */
const FSI = '\u2068';
const PDI = '\u2069';

/** A story from Arabic and Hebrew outlets, in an English digest, beside one from an English outlet. */
function rightToLeftTheme(): Theme {
  return {
    id: 'theme-rtl',
    label: 'وقف إطلاق النار في الحديدة',
    articles: [
      {
        id: 'feeds/jazeera.json',
        title: 'اتفاق على وقف إطلاق النار في الحديدة',
        source: 'الجزيرة',
        url: 'https://www.aljazeera.net/news/1',
        published: '2026-11-22T09:00:00Z',
      },
      {
        id: 'feeds/haaretz.json',
        title: 'הפסקת אש בחודיידה',
        source: 'הארץ',
        url: 'https://www.haaretz.co.il/news/1',
      },
      {
        id: 'feeds/reuters.json',
        title: 'Ceasefire agreed in Hudaydah',
        source: 'Reuters',
        url: 'https://www.reuters.com/1',
      },
    ],
    points: [
      {
        text: 'اتفق الوزراء والمتمردون على وقف إطلاق النار.',
        sources: ['feeds/jazeera.json', 'feeds/reuters.json'],
      },
      { text: 'UN envoys witnessed the deal.', sources: ['feeds/haaretz.json'] },
    ],
  };
}

describe('right-to-left text in a left-to-right email', () => {
  it('isolates each Arabic or Hebrew text, so a headline, its outlet and the citations keep their order', async () => {
    // Prepare
    const digest = digestOf([rightToLeftTheme(), otherTheme(2)]);

    // Act
    const email = await render(digest);

    // Assess: without isolates the bidi algorithm runs an RTL headline, " · " and an RTL outlet together, and
    // shows the outlet first (left of the headline), and a point's full stop at the wrong end.
    const isolated = (text: string) => `${FSI}${text}${PDI}`;
    const { document } = parseHTML(email.html);
    const sources = document.querySelector('ul + p')?.innerHTML.split('<br>').slice(1) ?? [];
    expect(sources[0]).toBe(
      `<a href="https://www.aljazeera.net/news/1">${isolated('اتفاق على وقف إطلاق النار في الحديدة')}</a> · ${isolated('الجزيرة')} · aljazeera.net · 22 Nov 2026`,
    );
    expect(sources[1]).toBe(
      `<a href="https://www.haaretz.co.il/news/1">${isolated('הפסקת אש בחודיידה')}</a> · ${isolated('הארץ')} · haaretz.co.il`,
    );
    const points = [...document.querySelectorAll('ul li')].map((li) => li.textContent);
    expect(points[0]).toBe(
      `${isolated('اتفق الوزراء والمتمردون على وقف إطلاق النار.')} (${isolated('الجزيرة')} · aljazeera.net, Reuters)`,
    );
    expect(points[1]).toBe(`UN envoys witnessed the deal. (${isolated('הארץ')} · haaretz.co.il)`);
    expect(document.querySelector('h2')?.textContent).toBe(isolated('وقف إطلاق النار في الحديدة'));
    expect(email.subject).toBe(`${isolated('وقف إطلاق النار في الحديدة')} + 1 more`);
    const text = email.text.replace(/\s+/g, ' ');
    expect(text).toContain(
      `- ${isolated('اتفاق على وقف إطلاق النار في الحديدة')} · ${isolated('الجزيرة')} · aljazeera.net · 22 Nov 2026`,
    );
    expect(text).toContain(`(${isolated('الجزيرة')} · aljazeera.net, Reuters)`);
    // The isolates take no room: the headline's underline is as long as its letters.
    expect(email.text).toContain(`${isolated('وقف إطلاق النار في الحديدة')}\n${'-'.repeat(26)}\n`);
    // Left-to-right text is left as it is.
    expect(email.text).toContain('- Ceasefire agreed in Hudaydah · Reuters\n');
    expect(email.html).toContain('>Headline of story 2</a>');
    expect(email.text.match(new RegExp(FSI, 'g'))).toHaveLength(
      email.text.match(new RegExp(PDI, 'g'))?.length ?? 0,
    );
  });
});

describe('the plain-text part in Chinese and Japanese', () => {
  /** Columns a line takes in a terminal or a monospaced mail client: CJK characters take two. */
  const columns = (line: string) =>
    [...line].reduce(
      (n, c) =>
        n +
        (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60]/u.test(c) ? 2 : 1),
      0,
    );

  it('wraps text without spaces at 72 columns, counting each CJK character as two, and keeps 。 off a line start', async () => {
    // Prepare
    const point =
      '東京で大規模な地震訓練が行われ、約十万人が参加しました。訓練では首都直下でマグニチュード七の地震が起きたと想定し、各地で避難や救助の手順が確認されました。';
    const theme: Theme = {
      id: 'theme-ja',
      label: '東京で大規模な地震訓練',
      articles: [
        {
          id: 'nhk.json',
          title: '東京で大規模な地震訓練',
          source: 'NHK',
          url: 'https://www3.nhk.or.jp/news/1',
        },
      ],
      points: [{ text: point, sources: ['nhk.json'] }],
    };

    // Act
    const email = await render(digestOf([theme]));

    // Assess
    const lines = email.text.split('\n');
    for (const line of lines.filter((l) => !l.includes('://')))
      expect(columns(line), line).toBeLessThanOrEqual(72);
    for (const line of lines) expect(line).not.toMatch(/^\s*[。、]/);
    // Nothing is lost or added: the point reads whole when its lines are joined.
    const at = lines.findIndex((l) => l.startsWith('- 東京'));
    const joined = lines
      .slice(at, at + 3)
      .map((l) => l.replace(/^[-\s]+/, ''))
      .join('');
    expect(joined).toContain(point);
    // The underline is as wide as the headline.
    expect(lines[lines.indexOf(theme.label) + 1]).toBe('-'.repeat(22));
  });
});

describe('an email that stays an email', () => {
  it('takes its subject from the top story, or from the editor, and its preheader from the next headlines', async () => {
    // Prepare
    const themes = [storyTheme(), otherTheme(2), otherTheme(3)];

    // Act
    const computed = await renderDigestEmail(digestOf(themes), templates, settings);
    const edited = await renderDigestEmail(
      digestOf(themes, { subject: 'Doha talks: what we know', intro: 'Our editor writes.' }),
      templates,
      settings,
    );

    // Assess
    expect(computed.subject).toBe('Talks with the neighbouring government to resume in Doha + 2 more');
    expect(computed.html).toContain('Headline of story 2 · Headline of story 3');
    expect(computed.html).not.toContain('class="note"');
    expect(edited.subject).toBe('Doha talks: what we know');
    expect(edited.html).toContain('<title>Doha talks: what we know</title>');
    expect(edited.html).toContain('<p class="note">Our editor writes.</p>');
  });

  it('lines up the wrapped lines of top stories 10 and over under their headline', async () => {
    // Prepare
    const themes = Array.from({ length: 11 }, (_, i) => ({
      ...otherTheme(i + 1),
      label: `Headline of story ${i + 1}, long enough to take two lines in the plain-text part of the email`,
    }));

    // Act
    const email = await render(digestOf(themes), parseEmailSettings({ ...settings, maxThemes: 11 }));

    // Assess
    expect(email.text).toContain(
      '9. Headline of story 9, long enough to take two lines in the plain-text\n   part of the email\n',
    );
    expect(email.text).toContain(
      '10. Headline of story 10, long enough to take two lines in the\n    plain-text part of the email\n',
    );
  });

  it("keeps the paragraphs of the editor's note, in one note", async () => {
    // Prepare: typed in the studio's text box, or given to --intro.
    const intro =
      'Good morning.\n\nTwo stories   dominate\ntoday:  the talks and the floods.\r\n \r\nBack on Monday.';

    // Act
    const email = await render(digestOf([storyTheme()], { intro }));

    // Assess
    const notes = [...parseHTML(email.html).document.querySelectorAll('.note')];
    expect(notes.map((note) => note.innerHTML)).toEqual([
      'Good morning.<br><br>Two stories dominate today: the talks and the floods.<br><br>Back on Monday.',
    ]);
    expect(email.text).toContain(
      'Hello Ana,\n\nGood morning.\n\nTwo stories dominate today: the talks and the floods.\n\nBack on Monday.\n\n',
    );
  });

  it('shows maxThemes themes in full, ten more as one-line headlines, and counts the rest', async () => {
    // Prepare
    const themes = Array.from({ length: 30 }, (_, i) => otherTheme(i + 1));

    // Act
    const email = await render(digestOf(themes), parseEmailSettings({ ...settings, maxThemes: 4 }));

    // Assess
    const { document } = parseHTML(email.html);
    expect([...document.querySelectorAll('ol.top li')]).toHaveLength(4);
    expect([...document.querySelectorAll('h2[id]')]).toHaveLength(4);
    const also = [...document.querySelectorAll('h2:not([id]) + ul li a')];
    expect(also.map((a) => a.textContent)).toEqual(themes.slice(4, 14).map((t) => t.label));
    expect(email.html).toContain('>and 16 more stories</a>');
    expect(email.text).toContain(
      '- Headline of story 14 · news.example.com\n  https://news.example.com/14\n- and 16 more stories',
    );
    expect(email.html).not.toContain('Headline of story 15');
  });
});

describe('"Also in this issue"', () => {
  it('names the outlet each headline links to, as a citation does', async () => {
    // Prepare: two full themes, then three headlines led by an outlet's article, a look-alike and a text file.
    const lead = (n: number, article: Partial<DigestArticle>): Theme => ({
      ...otherTheme(n),
      articles: [{ id: `story-${n}.txt`, title: `Story ${n}`, ...article }],
    });
    const themes = [
      otherTheme(1),
      otherTheme(2),
      lead(3, { source: 'Reuters', url: 'https://www.reuters.com/world/3' }),
      lead(4, { source: 'Reuters', url: 'https://reuters.evil.example/4' }),
      lead(5, { source: 'Dawn' }),
      lead(6, {}),
    ];

    // Act
    const email = await render(digestOf(themes), parseEmailSettings({ ...settings, maxThemes: 2 }));

    // Assess
    const { document } = parseHTML(email.html);
    const also = [...document.querySelectorAll('h2:not([id]) + ul li')].map((li) => li.textContent);
    expect(also).toEqual([
      'Headline of story 3 · Reuters',
      'Headline of story 4 · Reuters · reuters.evil.example',
      'Headline of story 5 · Dawn',
      'Headline of story 6',
    ]);
    expect(email.text).toContain(
      [
        '- Headline of story 3 · Reuters',
        '  https://www.reuters.com/world/3',
        '- Headline of story 4 · Reuters · reuters.evil.example',
        '  https://reuters.evil.example/4',
        '- Headline of story 5 · Dawn',
        '- Headline of story 6\n',
      ].join('\n'),
    );
  });
});

/**
 * 10,000 articles in 400 themes, every text and link far longer than real ones, shown 100 themes in full:
 * the render must still stay under the limits. Built directly as a Digest so the test stays fast.
 */
function hugeDigest(): Digest {
  const long = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');
  const themes: Theme[] = Array.from({ length: 400 }, (_, t) => {
    const articles: DigestArticle[] = Array.from({ length: 25 }, (_, a) => ({
      id: `uploads/2026/11/${t}-${a}-${'f'.repeat(12)}.html`,
      title: `Headline ${t}.${a} ${long(60, 'ministers')}`,
      ...(a % 3 !== 0 && { source: `Outlet ${a} ${long(30, 'Network')}` }),
      ...(a % 4 === 0 && { headline: false }),
      url: `https://news${a}.example.com/${'path/'.repeat(a % 2 === 0 ? 20 : 100)}${t}`,
      published: '2026-11-22T09:00:00Z',
      duplicates: [`uploads/copy-${t}-${a}.txt`],
    }));
    return {
      id: `theme-${t}`,
      label: `Story ${t} ${long(80, 'headline')}`,
      articles,
      points: Array.from({ length: 8 }, (_, p) => ({
        text: `Point ${p} ${long(300, 'word')}.`,
        sources: articles.map((a) => a.id),
      })),
    };
  });
  return digestOf(themes, { intro: long(5000, 'note'), subject: long(500, 'subject') });
}

describe('size bounds', () => {
  it('keeps HTML under 100 KB and text under 40 KB for 10,000 articles, even with 100 themes asked for', async () => {
    // Prepare
    const digest = hugeDigest();
    expect(digest.themes.reduce((n, t) => n + t.articles.length, 0)).toBe(10_000);

    // Act
    const byDefault = await render(digest);
    const asked100 = await render(digest, parseEmailSettings({ ...settings, maxThemes: 100 }));

    // Assess
    for (const email of [byDefault, asked100]) {
      expect(Buffer.byteLength(email.html)).toBeLessThan(100 * 1000);
      expect(Buffer.byteLength(email.text)).toBeLessThan(40 * 1000);
      expect(email.subject.length).toBeLessThanOrEqual(200);
      expect(email.html).not.toContain('uploads/');
      const { document } = parseHTML(email.html);
      expect([...document.querySelectorAll('h2[id]')].length).toBeGreaterThanOrEqual(1);
      expect([...document.querySelectorAll('h2:not([id]) + ul li')]).toHaveLength(10);
    }
    const { document } = parseHTML(byDefault.html);
    expect([...document.querySelectorAll('h2[id]')].length).toBeLessThanOrEqual(8);
  });

  it('keeps the archive page, which lists every source and story, under 1 MB for 10,000 articles', async () => {
    // Prepare
    const digest = hugeDigest();

    // Act
    const page = await renderDigestEmail(
      digest,
      templates,
      parseEmailSettings({ ...settings, maxThemes: 100 }),
      {
        webPage: true,
      },
    );

    // Assess
    expect(Buffer.byteLength(page.html)).toBeLessThan(1_000_000);
    const { document } = parseHTML(page.html);
    expect([...document.querySelectorAll('h2[id]')].length).toBeGreaterThanOrEqual(1);
    expect([...document.querySelectorAll('h2:not([id]) + ul li')]).toHaveLength(200);
  });
});
