import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalResults } from '../../eval/evaluate.ts';

const run = promisify(execFile);

const stories = {
  quake: [
    'Earthquake hits Qeshm island',
    'A strong earthquake struck Qeshm island in southern Iran on Sunday, killing at least ten villagers.',
    'The Iranian Red Crescent sent rescue teams to Qeshm and villages in Hormozgan province.',
    'Aftershocks from the Qeshm earthquake were felt in Bandar Abbas and across the Gulf.',
  ],
  oscars: [
    'Hugh Jackman to host the Oscars',
    'Hugh Jackman will host the Academy Awards ceremony in Hollywood next February, producers announced.',
    'The Oscars producers Laurence Mark and Bill Condon praised Jackman as a showman who sings and dances.',
    'Jackman said hosting the Academy Awards was a dream come true for an Australian actor.',
  ],
};

function variant(lines: string[], n: number): string {
  const [title, ...body] = lines;
  // Copies of one story: the ingest collapses them into one article that credits every copy.
  return `${title} (${n})\n\n${body.join('\n')}\n`;
}

/** Writes a tiny copy of the ../shared/eval layout: one theme corpus and one summary corpus. */
async function tinyCorpora(root: string): Promise<void> {
  const events = join(root, 'tiny-events');
  await mkdir(join(events, 'articles'), { recursive: true });
  const gold: { events: Record<string, string>; topics: Record<string, string> } = { events: {}, topics: {} };
  for (const [event, lines] of Object.entries(stories)) {
    for (const n of [1, 2, 3]) {
      const name = `${event}${n}.txt`;
      await writeFile(join(events, 'articles', name), variant(lines, n));
      gold.events[name] = event;
      gold.topics[name] = 'news';
    }
  }
  await writeFile(join(events, 'gold.json'), JSON.stringify(gold));

  const summaries = join(root, 'tiny-summaries');
  await mkdir(join(summaries, 'refs'), { recursive: true });
  for (const [cluster, lines] of Object.entries(stories)) {
    await mkdir(join(summaries, 'clusters', cluster), { recursive: true });
    for (const n of [1, 2])
      await writeFile(join(summaries, 'clusters', cluster, `${cluster}${n}.txt`), variant(lines, n));
    await writeFile(join(summaries, 'refs', `${cluster}.1.txt`), lines.slice(1, 3).join(' '));
    await writeFile(join(summaries, 'refs', `${cluster}.2.txt`), lines.slice(2).join(' '));
  }
  await writeFile(
    join(summaries, 'baselines.json'),
    JSON.stringify({
      systems: { ID1: { description: 'a 2011 system', rouge1_recall: 0.3, rouge2_recall: 0.1 } },
    }),
  );
}

describe('npm run eval', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'digest-eval-'));
    await tinyCorpora(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('scores themes and summaries on every corpus, writes results.json and exits 0 only when every target is met', async () => {
    // Act
    const outcome = await run('node', [
      '--import',
      'tsx',
      'eval/run.ts',
      '--data',
      root,
      '--out',
      join(root, 'results.json'),
    ])
      .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
      .catch((error: { code: number; stdout: string; stderr: string }) => error);

    // Assess
    const results = JSON.parse(await readFile(join(root, 'results.json'), 'utf8')) as EvalResults;
    const events = results.themeCorpora['tiny-events'];
    expect(events?.events).toEqual({ nmi: 1, ari: 1, bcubedF1: 1 });
    expect(events?.grounding.grounded).toBe(1);
    expect(events?.grounding.verbatim).toBe(1);
    const summaries = results.summaryCorpora['tiny-summaries'];
    expect(Object.keys(summaries?.systems ?? {})).toEqual(['ours', 'lead', 'centroid']);
    expect(summaries?.systems.ours?.[100]?.rouge1Recall).toBeGreaterThan(0);
    expect(summaries?.systems2011.ID1?.rouge2Recall).toBe(0.1);
    expect(summaries?.mixed.themes).toBe(2);
    expect(summaries?.grounding.grounded).toBe(1);
    expect(outcome.stdout).toMatch(/Themes: tiny-events/);
    expect(outcome.stdout).toMatch(/Summaries: tiny-summaries/);
    const names = results.targets.map((t) => t.name);
    for (const words of [100, 250])
      for (const baseline of ['lead', 'centroid'])
        for (const n of [1, 2]) expect(names).toContain(`tiny-summaries R-${n}@${words} vs ${baseline}`);
    const missed = results.targets.filter((t) => !t.met);
    expect(outcome.code).toBe(missed.length === 0 ? 0 : 1);
    for (const target of missed) expect(outcome.stderr).toContain(`${target.name}:`);
  });

  it('says where it looked when the corpora folder is missing', async () => {
    const failure = await run('node', [
      '--import',
      'tsx',
      'eval/run.ts',
      '--data',
      join(root, 'nowhere'),
    ]).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(2);
    expect('stderr' in failure && failure.stderr).toMatch(/cannot read the corpora in .*nowhere/);
  });
});
