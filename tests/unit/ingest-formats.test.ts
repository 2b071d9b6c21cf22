import { describe, expect, it } from 'vitest';
import { extractHtml } from '../../src/core/ingest/formats/html.ts';
import { parsedArticle, sourceFile, textFile } from '../support/articles.ts';

const fixture = (name: string) => parsedArticle(sourceFile(`tests/fixtures/articles/${name}`));

describe('parseArticle formats', () => {
  it('.txt: title from the first real line, wire noise removed, glued sentence ends split', async () => {
    // Act
    const article = await fixture('wire-story.txt');

    // Assess
    expect(article).toMatchObject({ id: 'wire-story.txt', title: 'Port strike ends after three weeks' });
    expect(article.sentences).toEqual([
      'Dock workers at Karachi port returned to work on Monday after a three-week strike over pay ended with a deal brokered by the U.S. Chamber of Commerce.',
      'The agreement raises wages by 12.5 percent and was signed by Mr. Ahmed Khan, the union leader, and Gen. (retd) Tariq Aziz, the port chairman.',
      '"We got what we asked for. Now the ships can come back," Khan told reporters outside the port gates.',
      'Traders said the backlog would take about two weeks to clear.',
      'He added that exporters had lost millions.',
    ]);
    expect(article.text).not.toMatch(/KARACHI|Reuters|Photo:|RELATED|Share this|Agencies/);
    expect(article.source).toBeUndefined();
  });

  it('.txt: a UTF-8 BOM and CRLF line ends are read as plain text', async () => {
    // Act
    const article = await fixture('bom-crlf.txt');

    // Assess
    expect(article.title).toBe('Bridge reopens to traffic');
    expect(article.sentences).toEqual([
      'The old bridge reopened to cars on Tuesday after a year of repairs.',
      'Trucks will be allowed from next month.',
    ]);
    expect(article.text).not.toMatch(/\r|\uFEFF/);
  });

  it('.txt in Chinese or Japanese: a paragraph ending in 。 (or 。」) is body, not a heading, so the file is an article', async () => {
    // Prepare: a headline, then one paragraph of sentences with no spaces between words.
    const chinese = textFile(
      'zh.txt',
      '东京发生地震\n\n东京周日发生强烈地震。当局表示没有人员伤亡。铁路服务暂时中断。\n',
    );
    const japanese = textFile('ja.txt', '東京で地震\n\n東京で地震があった。「被害は報告されていない。」\n');

    // Act
    const [zh, ja] = [await parsedArticle(chinese), await parsedArticle(japanese)];

    // Assess: before, each was skipped as 'no sentence in the body (only a title, headings or list items)'.
    expect(zh).toMatchObject({ title: '东京发生地震' });
    expect(zh.sentences).toEqual(['东京周日发生强烈地震。', '当局表示没有人员伤亡。', '铁路服务暂时中断。']);
    expect(ja).toMatchObject({ title: '東京で地震' });
    expect(ja.sentences.join('')).toBe('東京で地震があった。「被害は報告されていない。」');
  });

  it('.md: YAML front matter gives title, url, source, published and tags; headings, bullets and images are not body', async () => {
    // Act
    const article = await fixture('column.md');

    // Assess
    expect(article).toMatchObject({
      title: 'Water tariffs rise in three cities',
      url: 'https://example.com/news/water-tariffs',
      source: 'The Example Times',
      published: '2026-03-02T03:30:00.000Z',
      tags: ['water', 'utilities'],
    });
    expect(article.sentences).toEqual([
      'The water board approved new tariffs on Tuesday, raising the monthly charge by a fifth in three cities.',
      'Officials said the extra revenue would repair leaking mains, which lose a third of the treated water.',
      'Critics said the rise came before any repairs were made.',
    ]);
    expect(article.text).not.toMatch(/What changes|Meters for|\*\*|\]\(|leak\.jpg/);
  });

  it('.html: Readability main text with og:title, og:site_name, canonical url, published time and tags', async () => {
    // Act
    const article = await fixture('page.html');

    // Assess
    expect(article).toMatchObject({
      title: 'Rail link opens between two capitals',
      source: 'Example Herald',
      url: 'https://example.org/world/rail-link',
      published: '2026-02-27T18:45:00.000Z',
      tags: ['rail', 'transport'],
    });
    expect(article.sentences).toHaveLength(5);
    expect(article.sentences[0]).toMatch(/^The first passenger train/);
    expect(article.text).not.toMatch(/Home|handout photo|Fares and timetable|Four trains a day|Subscribe|©/);
  });

  it('.html: line breaks separate words and text beside block elements is kept', async () => {
    // Prepare
    const html = `<html><head><title>Storm</title></head><body><div>The storm hit the coast at dawn.<br>Power failed in two towns.
      <p>Crews restored power by noon.</p>Schools stay closed on Monday.<script>track()</script></div></body></html>`;

    // Act
    const article = await parsedArticle(textFile('storm.html', html));

    // Assess
    expect(article.sentences).toEqual([
      'The storm hit the coast at dawn.',
      'Power failed in two towns.',
      'Crews restored power by noon.',
      'Schools stay closed on Monday.',
    ]);
  });

  const story = '<p>The harbour reopened on Monday after repairs. Ships can dock again.</p>';
  it.each([
    ['a fragment', `<h1>Harbour reopens</h1>${story}`],
    ['<html> without <body>', `<html><h1>Harbour reopens</h1>${story}</html>`],
    ['<body> without <html>', `<body><h1>Harbour reopens</h1>${story}</body>`],
    [
      'a <head> without <body>',
      `<!DOCTYPE html><html><head><title>Harbour reopens</title></head>${story}</html>`,
    ],
  ])(
    '.html: markup that leaves out <html>, <head> or <body> is read as a browser reads it (%s)',
    async (_, html) => {
      // Act
      const article = await parsedArticle(textFile('harbour.html', html));

      // Assess
      expect(article).toMatchObject({
        title: 'Harbour reopens',
        sentences: ['The harbour reopened on Monday after repairs.', 'Ships can dock again.'],
      });
    },
  );

  it('.html: text without markup is one paragraph, not a parse error', () => {
    // Act
    const extracted = extractHtml('The harbour reopened on Monday after repairs. Ships can dock again.');

    // Assess
    expect(extracted).toMatchObject({
      blocks: [
        { kind: 'paragraph', text: 'The harbour reopened on Monday after repairs. Ships can dock again.' },
      ],
    });
  });

  it(".html: a fragment's <title> is not body text", () => {
    // Act
    const extracted = extractHtml(
      '<title>Harbour reopens</title><p>The harbour reopened on Monday after repairs.</p>',
    );

    // Assess
    expect(extracted).toMatchObject({
      blocks: [{ kind: 'paragraph', text: 'The harbour reopened on Monday after repairs.' }],
    });
  });

  it('.html: og:url is used when there is no canonical link', async () => {
    // Prepare
    const html = `<html><head><meta property="og:url" content="https://example.org/a"><title>T</title></head>
      <body><p>The council voted to keep the library open on Sundays.</p></body></html>`;

    // Act
    const article = await parsedArticle(textFile('a.html', html));

    // Assess
    expect(article.url).toBe('https://example.org/a');
    expect(article.sentences).toEqual(['The council voted to keep the library open on Sundays.']);
  });

  it('.html: the outlet is the JSON-LD publisher when there is no og:site_name', async () => {
    // Prepare
    const html = `<html><head><title>Quake hits coast</title><script type="application/ld+json">
      {"@context":"https://schema.org","@type":"NewsArticle","headline":"Quake hits coast",
       "publisher":{"@type":"Organization","name":"The Coastal Times"}}</script></head>
      <body><article><h1>Quake hits coast</h1><p>A magnitude 4.6 earthquake struck the coast at 2:09 a.m. on Sunday, the survey said.</p>
      <p>Residents said they felt a short, sharp jolt that woke them up in the night.</p></article></body></html>`;

    // Act
    const article = await parsedArticle(textFile('quake.html', html));

    // Assess
    expect(article.source).toBe('The Coastal Times');
    expect(article.headline).toBeUndefined();
  });

  it('.html: when Readability keeps no paragraph, the whole body less its chrome is the text', () => {
    // Prepare: Readability takes the byline out of what it keeps, which leaves it list items only.
    const html = `<html><head><title>Council briefs</title></head><body><nav><a href="/">Home</a></nav>
      <div class="byline">By the city desk</div><ul><li>The council voted to keep the library open on Sundays.</li>
      <li>The bridge on Mill Road reopens on Monday after repairs.</li></ul></body></html>`;

    // Act
    const extracted = extractHtml(html);

    // Assess
    expect(extracted).toEqual({
      meta: { title: 'Council briefs' },
      blocks: [
        { kind: 'paragraph', text: 'By the city desk' },
        { kind: 'bullet', text: 'The council voted to keep the library open on Sundays.' },
        { kind: 'bullet', text: 'The bridge on Mill Road reopens on Monday after repairs.' },
      ],
    });
  });

  it('.html: each meta key is the first <meta> with it as property or name, wherever it is', () => {
    // Prepare
    const html = `<html><head><meta name="twitter:title" content="Library stays open">
      <meta name="og:site_name" content="City News"><meta property="og:site_name" content="Ignored, second">
      <meta name="keywords" content="council, library"><meta name="date" content="2026-03-03"></head>
      <body><p>The council voted to keep the library open on Sundays.</p>
      <meta property="article:tag" content="Sundays"><meta property="article:tag" content="Libraries"></body></html>`;

    // Act
    const extracted = extractHtml(html);

    // Assess
    expect(extracted).toMatchObject({
      meta: {
        title: 'Library stays open',
        source: 'City News',
        published: '2026-03-03',
        tags: ['Sundays', 'Libraries'],
      },
    });
  });

  it('.json: title, body, url, source; a written-out date is normalised to ISO 8601 and tags split', async () => {
    // Act
    const article = await fixture('feed-item.json');

    // Assess
    expect(article).toMatchObject({
      title: 'Wheat harvest beats forecast',
      url: 'https://example.net/agri/wheat',
      source: 'Example Agri News',
      published: '2026-03-03T00:00:00.000Z',
      tags: ['agriculture', 'wheat'],
    });
    expect(article.sentences).toHaveLength(3);
    expect(article.text.split('\n\n')).toHaveLength(2);
  });

  it('.json: an html field is read as HTML; a non-http url and an unreadable date are dropped', async () => {
    // Act
    const article = await fixture('feed-item-html.json');

    // Assess
    expect(article.title).toBe('Museum reopens after repairs');
    expect(article.sentences).toEqual([
      'The city museum reopened on Sunday after two years of repairs to its roof.',
      "Two new galleries show the museum's textile collection for the first time.",
    ]);
    expect(article.url).toBeUndefined();
    expect(article.published).toBeUndefined();
  });

  it('.json: a body that starts with a tag is read as HTML', async () => {
    // Act
    const article = await parsedArticle(
      textFile(
        'h.json',
        JSON.stringify({ title: 'T', body: '<p>The bridge opened on time.</p><p>Traffic moved freely.</p>' }),
      ),
    );

    // Assess
    expect(article.text).toBe('The bridge opened on time.\n\nTraffic moved freely.');
  });

  it('.json: the text field is an alternative to body', async () => {
    // Act
    const article = await parsedArticle(
      textFile(
        't.json',
        JSON.stringify({
          title: 'T',
          text: 'The bridge opened on time. Traffic moved freely.',
          published: '2026-03-01T10:00:00+02:00',
        }),
      ),
    );

    // Assess
    expect(article.sentences).toEqual(['The bridge opened on time.', 'Traffic moved freely.']);
    expect(article.published).toBe('2026-03-01T08:00:00.000Z');
  });

  it('eval corpora layout: multiling date prefix leaves the title, the dateline gives the date', async () => {
    // Act
    const article = await fixture('eval/multiling-M0000.txt');

    // Assess
    expect(article.title).toBe('Tsunami aid donations in 2005 deductible for 2004 in the U.S.');
    expect(article.published).toBe('2005-01-08T00:00:00.000Z');
    expect(article.text).not.toContain('Saturday, January 8, 2005');
    expect(article.sentences[0]).toMatch(/signed into law by president George W\. Bush\.$/);
    expect(article.sentences).toHaveLength(5);
  });

  it('eval corpora layout: ECB+ stamp lines are dropped and each line is a sentence', async () => {
    // Act
    const withStamp = await fixture('eval/ecbplus-1_1ecbplus.txt');
    const stampOnly = await fixture('eval/ecbplus-20_7ecbplus.txt');

    // Assess
    expect(withStamp.title).toBe('Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab');
    expect(withStamp.published).toBe('2013-06-13T00:00:00.000Z');
    expect(withStamp.text).not.toContain('First Published');
    expect(withStamp.sentences).toHaveLength(6);
    // "Posted: Nov 27, 2005 8:20 AM ET Last Updated: ..." is no headline: the lead sentence becomes the title.
    expect(stampOnly.title).toMatch(/^An earthquake with a magnitude of at least 5\.9 hit southern Iran/);
    expect(stampOnly.published).toBe('2005-11-27T00:00:00.000Z');
    expect(stampOnly.sentences[0]).toBe(stampOnly.title);
  });
});
