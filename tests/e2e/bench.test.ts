import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus, generateHtmlPages, loadEventStories } from '../../bench/corpus.ts';
import { evalCorporaPresent, evalDir } from '../support/eval-corpora.ts';

describe.runIf(evalCorporaPresent)('npm run bench', () => {
  it('generates the same corpus for the same seed, and a different one for another seed', () => {
    // Prepare
    const stories = loadEventStories(evalDir);

    // Act
    const first = generateCorpus(stories, 20);
    const again = generateCorpus(stories, 20);
    const other = generateCorpus(stories, 20, 7);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(new Set(first.map((f) => f.id.split('.').pop()))).toEqual(new Set(['txt', 'md', 'json']));
  });

  it('generates the same news pages for the same seed, their chrome varied from page to page', () => {
    // Prepare
    const stories = loadEventStories(evalDir);

    const texts = (seed?: number) =>
      generateHtmlPages(stories, 20, seed).map((f) => `${f.id}\n${new TextDecoder().decode(f.bytes)}`);

    // Act
    const pages = texts();
    const again = texts();
    const other = texts(7);

    // Assess
    expect(again).toEqual(pages);
    expect(other).not.toEqual(pages);
    expect(pages.every((p) => /^bench\/page-\d+\.html\n<!doctype html>/.test(p))).toBe(true);
    const navLinks = pages.map((p) => p.match(/data-track="section-/g)?.length);
    expect(new Set(navLinks).size).toBeGreaterThan(10);
    for (const page of pages) {
      expect(page.length).toBeGreaterThan(50_000);
      expect(page).toContain('<script type="application/ld+json">');
    }
  });

  it('runs every section on tiny inputs and records it with the targets and the machine', () => {
    // Prepare
    const results = join(mkdtempSync(join(tmpdir(), 'bench-')), 'results.json');
    const tiny = {
      BENCH_SIZES: '10,100',
      BENCH_ADVERSARIAL_SIZES: '2000,20000',
      BENCH_RECIPIENTS: '20',
      BENCH_CLI_RUNS: '1',
      BENCH_BUILD_RUNS: '3',
      BENCH_COLD_RUNS: '1',
      BENCH_SIGNUP_PAIRS: '5',
      BENCH_STUDIO_SIZES: '10',
      BENCH_HTML_PAGES: '20',
      BENCH_RESULTS: results,
    };

    // Act
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      encoding: 'utf8',
      env: { ...process.env, ...tiny, BENCH_SEND_MESSAGES: '50' },
    });

    // Assess
    const written = JSON.parse(readFileSync(results, 'utf8'));
    expect(written.runs.map((r: { size: number }) => r.size)).toEqual([10, 100]);
    // Each size in three fresh processes; the figures are those of the run with the median total.
    for (const run of written.runs) {
      expect(run.totalsMs).toHaveLength(3);
      const total = run.figures.find((f: { stage: string }) => f.stage === 'total').ms;
      expect(total).toBe([...run.totalsMs].sort((a: number, b: number) => a - b)[1]);
    }
    const stages = written.runs[1].figures.map((f: { stage: string }) => f.stage);
    expect(stages).toEqual(['parse', 'terms', 'dedup', 'themes', 'summaries', 'render', 'total']);
    expect(written.runs[1].htmlBytes).toBeGreaterThan(0);
    expect(written.commands.map((c: { name: string }) => c.name)).toEqual([
      'node -e "" (Node alone, for scale)',
      // Node's start with the machine's certificate bundle, shown only where one is set.
      ...(process.env.NODE_EXTRA_CA_CERTS ? ['node -e "" with NODE_EXTRA_CA_CERTS'] : []),
      'digest --help',
      'npm start (digest build, 5 seed articles)',
      'digest summarize (10 articles)',
      'digest preview (5 seeds), page served',
      'mjml --version (for scale)',
    ]);
    for (const c of written.commands) expect(c.cpuMs).toBeGreaterThan(0);
    expect(written.projection.cpuMs).toBeGreaterThan(written.runs[1].figures.at(-1).cpuMs);
    expect(written.personalisation).toMatchObject({ recipients: 20 });
    // Every hostile class at both sizes, each timed (none stopped at its deadline).
    expect(written.adversarial.figures).toHaveLength(2 * 23);
    for (const figure of written.adversarial.figures) expect(figure.msPerMB).toBeGreaterThan(0);
    expect(written.personalisation.mimeMiB).toBeGreaterThan(0);
    expect(written.studio).toEqual([expect.objectContaining({ size: 10 })]);
    expect(written.studio[0].editMs).toBeGreaterThan(0);
    expect(written.studio[0].changedFileMs).toBeGreaterThan(0);
    expect(written.studio[0].pageLoadMs).toBeGreaterThan(0);
    expect(written.studio[0].pageKb).toBeGreaterThan(0);
    expect(written.htmlPages).toEqual([
      expect.objectContaining({ how: 'one page after another', pages: 20 }),
      expect.objectContaining({ how: expect.stringMatching(/^with \d+ worker thread\(s\) too$/), pages: 20 }),
    ]);
    const [html, threaded] = written.htmlPages;
    expect(html.parsed + html.skipped).toBe(20);
    expect(html.parsed).toBeGreaterThan(15);
    expect(html.kbPerPage).toBeGreaterThan(50);
    for (const key of ['msPerPage', 'cpuMsPerPage', 'peakRssMiB']) expect(html[key]).toBeGreaterThan(0);
    expect([threaded.parsed, threaded.skipped]).toEqual([html.parsed, html.skipped]);
    const entries = written.bundles.map((b: { entry: string }) => b.entry);
    expect(entries).toEqual(
      expect.arrayContaining(['functions/ingest.ts', 'functions/subscription-endpoint.ts']),
    );
    for (const bundle of written.bundles) {
      expect(bundle.bytes).toBeGreaterThan(10_000);
      expect(bundle.loadError).toBeUndefined();
      expect(bundle.readyMs).toBeGreaterThanOrEqual(bundle.importMs);
    }
    const verdicts = written.targets.map((t: { verdict: string }) => t.verdict);
    expect(verdicts.every((v: string) => ['met', 'MISSED', 'not run'].includes(v))).toBe(true);
    expect(written.machine).toMatchObject({ cores: expect.any(Number), node: process.version });
    expect(written.signupTiming).toMatchObject({ pairs: 5 });
    expect(stdout).toMatch(/Signup timing: .*\n.*median, active subscriber/);
    expect(stdout).toContain('Targets');
    expect(stdout).toMatch(/digest --help < 150 ms: \d+ ms \((met|MISSED); CPU \d+ ms/);
    expect(stdout).toContain('100,000 articles, projected from 100');
    expect(stdout).toMatch(/HTML pages: 20 generated news pages .*informational, no target/);
    expect(stdout).toMatch(/one page after another +[\d.]+ \/ [\d.]+ ms per page/);
    expect(stdout).toMatch(/with \d+ worker thread\(s\) too +[\d.]+ \/ [\d.]+ ms per page/);
    expect(stdout).toMatch(/Sending: .*\n {2}50 messages: /);
  }, 180_000);
});
