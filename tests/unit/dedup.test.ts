import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/core/article.ts';
import { collapseDuplicates } from '../../src/core/dedup.ts';
import { jaccardAtLeast, shingleHashes, shingleSet } from '../../src/core/ingest/minhash.ts';
import { parsedArticle, sourceFile, textFile } from '../support/articles.ts';

const SEEDS = [
  '000_e134260b7217c83b.txt',
  '001_002a772d83aea243.txt',
  '002_e4b0cc16b253e023.txt',
  '003_15bae5066eb9f954.txt',
  '004_c1981645b6ba3112.txt',
];
const seeds = () => Promise.all(SEEDS.map((name) => parsedArticle(sourceFile(`seeds/${name}`))));
const seedText = (name: string) => readFileSync(`seeds/${name}`, 'utf8');

/** Seed 002 as another outlet re-publishes it: straight quotes, CRLF, a new headline, words changed, last paragraph cut. */
function lightlyEditedCopyOf002(): Promise<Article> {
  const paragraphs = seedText('002_e4b0cc16b253e023.txt').split('\n\n');
  const edited = paragraphs
    .slice(0, -1)
    .join('\n\n')
    .replace(
      'Defence Minister urges Kabul to end terror sanctuaries',
      'Asif warns Kabul over militant hideouts',
    )
    .replace('three years ago', 'some three years ago')
    .replace('no concrete success', 'no real success')
    .replace(/[“”]/g, '"')
    .replace(/\n/g, '\r\n');
  return parsedArticle(textFile('mirror/asif-warns-kabul.txt', edited));
}

describe('collapseDuplicates', () => {
  it('keeps the five seeds apart: 000 and 001 are two outlets writing their own story on one event', async () => {
    // Prepare
    const [s000, s001] = await seeds();

    // Act
    const canonical = collapseDuplicates(await seeds());

    // Assess
    expect(canonical.map((a) => a.id)).toEqual(SEEDS);
    expect(canonical.every((a) => a.duplicates.length === 0)).toBe(true);
    expect(jaccardAtLeast(shingleHashes(s000?.text ?? ''), shingleHashes(s001?.text ?? ''), 0.1)).toBe(false);
  });

  it('collapses an exact re-upload whose only differences are quote styles and line ends', async () => {
    // Prepare
    const original = seedText('000_e134260b7217c83b.txt');
    const reupload = await parsedArticle(
      textFile('again/000-copy.txt', original.replace(/[“”]/g, '"').replace(/\n/g, '\r\n')),
    );

    // Act
    const canonical = collapseDuplicates([...(await seeds()), reupload]);

    // Assess
    expect(reupload.contentHash).toBe((await seeds())[0]?.contentHash);
    expect(canonical).toHaveLength(5);
    expect(canonical.find((a) => a.duplicates.length > 0)).toMatchObject({
      id: '000_e134260b7217c83b.txt',
      duplicates: ['again/000-copy.txt'],
    });
  });

  it('collapses a lightly edited copy into the longer original, which credits it', async () => {
    // Prepare
    const copy = await lightlyEditedCopyOf002();

    // Act
    const canonical = collapseDuplicates([copy, ...(await seeds())]);

    // Assess
    expect(copy.contentHash).not.toBe((await seeds())[2]?.contentHash);
    expect(canonical).toHaveLength(5);
    const kept = canonical.find((a) => a.id === '002_e4b0cc16b253e023.txt');
    expect(kept?.duplicates).toEqual(['mirror/asif-warns-kabul.txt']);
    expect(kept?.title).toBe('Defence Minister urges Kabul to end terror sanctuaries');
  });

  it('gives the same result for any input order', async () => {
    // Prepare
    const articles = [
      ...(await seeds()),
      await lightlyEditedCopyOf002(),
      await parsedArticle(textFile('z/000.txt', seedText('000_e134260b7217c83b.txt'))),
    ];
    const expected = collapseDuplicates(articles);

    for (let seed = 1; seed <= 20; seed++) {
      // Act
      const shuffled = shuffle(articles, seed);
      const result = collapseDuplicates(shuffled);

      // Assess
      expect(result).toEqual(expected);
    }
    expect(expected.map((a) => [a.id, a.duplicates])).toEqual([
      ['000_e134260b7217c83b.txt', ['z/000.txt']],
      ['001_002a772d83aea243.txt', []],
      ['002_e4b0cc16b253e023.txt', ['mirror/asif-warns-kabul.txt']],
      ['003_15bae5066eb9f954.txt', []],
      ['004_c1981645b6ba3112.txt', []],
    ]);
  });

  it('picks the canonical copy deterministically: longest text, then smallest id', async () => {
    // Prepare
    const text = 'The museum reopened on Sunday after two years of repairs to its roof and walls.';
    const a = await parsedArticle(textFile('b.txt', `Museum reopens\n\n${text}`));
    const b = await parsedArticle(textFile('a.txt', `Museum reopens today\n\n${text}`));

    // Act
    const [only] = collapseDuplicates([a, b]);

    // Assess
    expect(only).toMatchObject({ id: 'a.txt', duplicates: ['b.txt'] });
  });

  it('returns nothing for nothing', () => {
    expect(collapseDuplicates([])).toEqual([]);
  });
});

describe('jaccardAtLeast', () => {
  it('says what the exact Jaccard similarity says, also when it stops early', () => {
    // Prepare: pairs of sorted sets from a small range, so their overlap spans 0 to 1.
    let state = 7;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const set = (size: number) =>
      Uint32Array.from(new Set(Array.from({ length: size }, () => Math.floor(random() * 40)))).sort();
    const exact = (a: Uint32Array, b: Uint32Array) => {
      const shared = [...a].filter((x) => b.includes(x)).length;
      return a.length + b.length === 0 ? 1 : shared / (a.length + b.length - shared);
    };

    for (let n = 0; n < 500; n++) {
      const a = set(Math.floor(random() * 30));
      const b = set(Math.floor(random() * 30));
      // Act and assess
      for (const threshold of [0.2, 0.6, 0.9])
        expect(jaccardAtLeast(a, b, threshold)).toBe(exact(a, b) >= threshold);
    }
  });
});

describe('shingleSet', () => {
  it('sorts and drops repeats as a plain sort does, also when one bucket holds them all', () => {
    // Prepare: uniform hashes with repeats, and hashes that all share their top bits (one bucket).
    let state = 11;
    const random = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const uniform = (n: number) => Uint32Array.from({ length: n }, () => random() % 2 ** 32);
    const samples = [0, 1, 2, 5, 300, 2000].flatMap((n) => {
      const hashes = uniform(n);
      const repeated = Uint32Array.from([...hashes, ...hashes.slice(0, n / 2)]);
      return [hashes, repeated, Uint32Array.from({ length: n }, () => random() % 1000)];
    });

    for (const sample of samples) {
      const expected = [...new Set(sample)].sort((a, b) => a - b);

      // Act
      const set = shingleSet(sample.slice());

      // Assess
      expect([...set]).toEqual(expected);
    }
  });
});

/** Fisher-Yates with a fixed-seed generator, so a failure can be replayed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
