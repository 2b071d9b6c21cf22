import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '../src/core/article.ts';

/** Small deterministic PRNG (mulberry32), so every run benchmarks the same corpus. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StoryText {
  title: string;
  sentences: string[];
}

/**
 * Stories from the eval corpora, grouped by real event: ECB+ gold events and MultiLing clusters.
 * The generator mixes articles of one event, so synthetic articles look like several outlets covering one story.
 */
export function loadEventStories(evalDir: string): StoryText[][] {
  const byEvent = new Map<string, StoryText[]>();
  const add = (event: string, path: string) => {
    const [title = '', ...rest] = readFileSync(path, 'utf8').split('\n');
    const sentences = rest.map((l) => l.trim()).filter((l) => l.split(' ').length > 4);
    byEvent.set(event, [...(byEvent.get(event) ?? []), { title: title.trim(), sentences }]);
  };
  const ecb = join(evalDir, 'ecbplus-dev');
  const gold = JSON.parse(readFileSync(join(ecb, 'gold.json'), 'utf8')) as { events: Record<string, string> };
  for (const [file, event] of Object.entries(gold.events).sort())
    add(`ecb:${event}`, join(ecb, 'articles', file));
  const clusters = join(evalDir, 'multiling2011-dev', 'clusters');
  for (const cluster of readdirSync(clusters).sort()) {
    for (const file of readdirSync(join(clusters, cluster)).sort())
      add(`ml:${cluster}`, join(clusters, cluster, file));
  }
  return [...byEvent.values()];
}

/**
 * `count` articles sampled and perturbed from the eval stories with a fixed seed: each one mixes sentences of two
 * articles of the same event, drops some, and varies words, in the three text formats editors upload.
 */
export function generateCorpus(stories: StoryText[][], count: number, seed = 20261123): SourceFile[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const encoder = new TextEncoder();
  const files: SourceFile[] = [];
  for (let i = 0; i < count; i++) {
    const event = pick(stories);
    const [a, b] = [pick(event), pick(event)];
    const mixed = [...a.sentences, ...b.sentences.filter(() => random() < 0.3)].filter(() => random() < 0.75);
    const sentences = mixed.map((s) => perturb(s, random));
    const title = perturb(a.title, random);
    const format = i % 10 === 0 ? 'md' : i % 10 === 1 ? 'json' : 'txt';
    const id = `bench/${String(i).padStart(5, '0')}.${format}`;
    files.push({ id, bytes: encoder.encode(render(format, title, sentences, i)) });
  }
  return files;
}

function perturb(sentence: string, random: () => number): string {
  return sentence
    .split(' ')
    .filter((word, i) => i === 0 || random() > 0.04 || !/^[a-z]+$/.test(word))
    .join(' ');
}

function render(format: 'md' | 'json' | 'txt', title: string, sentences: string[], i: number): string {
  const published = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  const body = sentences.join('\n\n');
  if (format === 'json') return JSON.stringify({ title, body, source: `Outlet ${i % 17}`, published });
  if (format === 'md')
    return `---\ntitle: ${JSON.stringify(title)}\npublished: ${published}\n---\n\n${body}\n`;
  return `${title}\n\n${body}\n`;
}

/**
 * `count` news pages as sites serve them, about 95 KB each, with a fixed seed: a head with meta tags, CSS,
 * scripts and JSON-LD; a nav bar, a share bar, the article (headline, byline, lead photo, one eval story's
 * paragraphs with ad slots between them), related-story teasers and a footer. The chrome's size varies from page
 * to page, and the stories keep the eval corpora's lengths: about one in six has under 500 characters of text,
 * the short pages on which Readability searches the page again with looser rules.
 */
export function generateHtmlPages(stories: StoryText[][], count: number, seed = 20261126): SourceFile[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const all = stories.flat();
  const encoder = new TextEncoder();
  const files: SourceFile[] = [];
  for (let i = 0; i < count; i++) {
    const story = all[Math.floor(random() * all.length)] as StoryText;
    const title = escapeHtml(story.title);
    const published = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const paragraphs = story.sentences
      .map((s) => `<p class="article__paragraph">${escapeHtml(s)}</p>`)
      .join('\n<div class="ad-slot" data-ad="inline"></div>\n');
    const jsonLd = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: story.title,
      datePublished: published,
      publisher: { '@type': 'Organization', name: 'Example News' },
    }).replaceAll('<', '\\u003c');
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} | Example News</title>
<meta property="og:title" content="${title}"><meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.com/story/${i}">
<meta property="article:published_time" content="${published}">
${pageStyle(between(300, 500))}${pageScript(between(10_000, 30_000))}${pageScript(between(5_000, 25_000))}
<script type="application/ld+json">${jsonLd}</script></head>
<body><header class="site-header"><nav><ul>${pageLinks(between(80, 160), 'section')}</ul></nav></header>
<div class="share-bar"><ul>${pageLinks(between(6, 10), 'share')}</ul></div>
<main><article><h1>${title}</h1><div class="byline">By A Reporter</div>
<figure><img src="https://img.example.com/${i}/lead.jpg" alt=""><figcaption>A photo of the scene.</figcaption></figure>
${paragraphs}</article>
<aside class="related">${Array.from({ length: between(20, 40) }, (_, k) => teaser(k)).join('\n')}</aside></main>
<footer><ul>${pageLinks(between(40, 100), 'footer')}</ul><p>© 2026 Example News</p></footer>
${pageScript(between(2_000, 8_000))}</body></html>`;
    files.push({ id: `bench/page-${String(i).padStart(5, '0')}.html`, bytes: encoder.encode(page) });
  }
  return files;
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const pageLinks = (count: number, kind: string) =>
  Array.from(
    { length: count },
    (_, i) =>
      `<li class="nav-item nav-item--${i}"><a class="nav-link" href="https://news.example.com/${kind}/${i}" data-track="${kind}-${i}">${kind} ${i}</a></li>`,
  ).join('\n');

// Minified site code: a string constant of about `bytes` characters and a little logic around it.
const pageScript = (bytes: number) =>
  `<script>!function(){var a=${JSON.stringify('x'.repeat(bytes))};window.__cfg={a:a,b:[1,2,3]};for(var i=0;i<10;i++){if(i<5&&a.length>2){console.log(i)}}}();</script>`;

const pageStyle = (rules: number) =>
  `<style>${Array.from(
    { length: rules },
    (_, i) => `.c${i}{margin:0 auto;padding:${i}px;color:#${(i * 99).toString(16).padStart(3, '0')}}`,
  ).join('')}</style>`;

const teaser = (i: number) =>
  `<div class="teaser"><a href="https://news.example.com/related/${i}"><img src="https://img.example.com/${i}.jpg" alt="Teaser ${i}"><h3 class="teaser__title">Another story number ${i} that readers liked</h3></a><p class="teaser__kicker">Kicker text ${i}</p></div>`;
