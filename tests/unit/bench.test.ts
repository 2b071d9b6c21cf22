import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus, loadEventStories } from '../../bench/corpus.ts';

describe('npm run bench', () => {
  it('generates the same corpus for the same seed, and a different one for another seed', () => {
    // Prepare
    const stories = loadEventStories('../shared/eval');

    // Act
    const first = generateCorpus(stories, 20);
    const again = generateCorpus(stories, 20);
    const other = generateCorpus(stories, 20, 7);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first.map((f) => f.id.split('.').pop()))).toEqual(new Set(['txt', 'md', 'json']));
  });

  it('runs tiny corpora end to end and writes per-stage figures', () => {
    // Prepare
    const results = join(mkdtempSync(join(tmpdir(), 'bench-')), 'results.json');

    // Act
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      encoding: 'utf8',
      env: { ...process.env, BENCH_SIZES: '10,100', BENCH_RESULTS: results, BENCH_SEND_MESSAGES: '50' },
    });

    // Assess
    const written = JSON.parse(readFileSync(results, 'utf8'));
    expect(written.runs.map((r: { size: number }) => r.size)).toEqual([10, 100]);
    const stages = written.runs[1].figures.map((f: { stage: string }) => f.stage);
    expect(stages).toEqual(expect.arrayContaining(['parse', 'dedup', 'themes', 'summaries', 'total']));
    expect(written.machine.cores).toBeGreaterThan(0);
    expect(stdout).toContain('Targets');
    expect(stdout).toMatch(/Sending: .*\n {2}50 messages: /);
  });
});
