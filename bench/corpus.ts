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

interface StoryText {
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
