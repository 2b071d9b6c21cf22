// `npm run bench`: the whole build on 100, 1,000 and 10,000 articles (per stage), the email render beside the
// mjml CLI, personalisation for 10,000 recipients and the Lambda bundles; printed with the targets and written
// to bench/results.json with the machine it ran on. Each measured part runs in a fresh process.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { adversarialSection } from './adversarial.ts';
import { benchBundles } from './bundles.ts';
import { sendingSection } from './sending.ts';
import { measureSignupTiming, printSignupTiming } from './signup-timing.ts';
import type { StageFigure } from './stage-timer.ts';
import { countFromEnv } from './stats.ts';

interface CorpusRun {
  size: number;
  themes: number;
  skipped: number;
  htmlBytes: number;
  figures: StageFigure[];
}

interface RenderFigures {
  themes: number;
  warmRuns: number;
  cliRuns: number;
  warmMs: number;
  cliMs: number;
  ratio: number;
}

interface PersonaliseFigures {
  recipients: number;
  htmlBytes: number;
  personaliseMs: number;
  mimeMs: number;
  totalMs: number;
  /** CPU time of the loop (user + system). */
  cpuMs: number;
  mimeMiB: number;
  peakRssMiB: number;
  peakRssGrowthMiB: number;
  heapGrowthMiB: number;
}

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const evalDir = process.env.DIGEST_EVAL_DIR ?? '../shared/eval';
const resultsPath = process.env.BENCH_RESULTS ?? fileURLToPath(new URL('results.json', import.meta.url));
const coldRuns = countFromEnv('BENCH_COLD_RUNS', 5);

/** Runs one bench/*-child.ts in a fresh process and returns the JSON it prints. */
function child<T>(script: string, args: string[] = []): T {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', path, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as T;
}

const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const runs = sizes.map((size) => child<CorpusRun>('build-child.ts', [String(size), evalDir]));
const render = child<RenderFigures>('render-child.ts');
const personalisation = child<PersonaliseFigures>('personalise-child.ts');
const bundles = await benchBundles(coldRuns);
const adversarial = adversarialSection();
const signupTiming = await measureSignupTiming(countFromEnv('BENCH_SIGNUP_PAIRS', 200));

const figure = (run: CorpusRun | undefined, stage: string) => run?.figures.find((f) => f.stage === stage);
const stages = [...new Set(runs.flatMap((r) => r.figures.map((f) => f.stage)))];
const row = (cells: string[], width = 26) => cells.map((c) => c.padEnd(width)).join('');

console.log('\nBuild, per stage: wall ms / CPU ms / peak RSS MiB (growth of CPU time per 10x articles)');
console.log(row(['stage', ...runs.map((r) => `${r.size} articles`)], 30));
for (const stage of stages) {
  const cells = runs.map((run, i) => {
    const f = figure(run, stage);
    const previous = figure(runs[i - 1], stage);
    if (!f) return '-';
    const tenfold = previous && run.size === (runs[i - 1]?.size ?? 0) * 10;
    const growth = tenfold ? ` (x${(f.cpuMs / Math.max(previous.cpuMs, 0.1)).toFixed(1)})` : '';
    return `${f.ms.toFixed(0)} / ${f.cpuMs.toFixed(0)} / ${f.peakRssMiB.toFixed(0)}${growth}`;
  });
  console.log(row([stage, ...cells], 30));
}
console.log(row(['themes / skipped', ...runs.map((r) => `${r.themes} / ${r.skipped}`)], 30));

console.log(`\nEmail render of one ${render.themes}-theme digest`);
console.log(`  warm, in process (median of ${render.warmRuns}): ${render.warmMs.toFixed(1)} ms`);
console.log(`  cold mjml CLI on the same MJML (median of ${render.cliRuns}): ${render.cliMs.toFixed(0)} ms`);
console.log(`  cold CLI / warm render: x${render.ratio.toFixed(1)}`);

const p = personalisation;
console.log(
  `\nPersonalisation: ${p.recipients} recipients, rendered once (${(p.htmlBytes / 1024).toFixed(0)} KB HTML)`,
);
console.log(`  personalise(): ${p.personaliseMs.toFixed(0)} ms`);
console.log(`  composeMime(): ${p.mimeMs.toFixed(0)} ms (${p.mimeMiB.toFixed(0)} MiB of MIME produced)`);
console.log(
  `  whole messages: ${p.totalMs.toFixed(0)} ms (CPU ${p.cpuMs.toFixed(0)} ms), ${(p.totalMs / p.recipients).toFixed(3)} ms each`,
);
console.log(
  `  memory: peak RSS ${p.peakRssMiB.toFixed(0)} MiB (+${p.peakRssGrowthMiB.toFixed(0)} during the loop), heap ${p.heapGrowthMiB >= 0 ? '+' : ''}${p.heapGrowthMiB.toFixed(0)} MiB`,
);

console.log(`\nLambda bundles (cold start: median of ${coldRuns} fresh node processes)`);
const bundleRow = (cells: string[]) => console.log(`${cells[0]?.padEnd(38)}${row(cells.slice(1), 18)}`);
bundleRow(['entry', 'target / SDK', 'minified KB', 'ready ms', 'import ms']);
for (const b of bundles) {
  const cells = [b.entry, `${b.target} / ${b.sdk}`, (b.bytes / 1024).toFixed(0)];
  bundleRow([...cells, b.readyMs?.toFixed(0) ?? 'failed', b.importMs?.toFixed(0) ?? '-']);
  if (b.loadError) console.log(`  ${b.loadError}`);
}

printSignupTiming(signupTiming);

const total = (size: number) =>
  figure(
    runs.find((r) => r.size === size),
    'total',
  );
const cpuNote = (size: number) => {
  const cpu = total(size)?.cpuMs;
  return cpu === undefined ? undefined : `CPU ${cpu.toFixed(0)} ms`;
};
/**
 * Largest growth of total time per 10x articles that counts as near-linear: n log n from 1,000 to 10,000.
 * Measured on CPU time, which other work on a shared machine does not inflate the way it does wall time.
 */
const NEAR_LINEAR = 13.3;
const growths = runs.slice(1).flatMap((run, i) => {
  const previous = runs[i];
  const [now, before] = [figure(run, 'total'), figure(previous, 'total')];
  return previous && now && before && run.size === previous.size * 10 ? [now.cpuMs / before.cpuMs] : [];
});
const digestHandlers = bundles.filter((b) => /digest/.test(b.entry));
const targets = [
  {
    name: '1,000 articles end to end < 3 s',
    value: total(1000)?.ms,
    limit: 3000,
    unit: 'ms',
    note: cpuNote(1000),
  },
  {
    name: '10,000 articles end to end < 30 s',
    value: total(10000)?.ms,
    limit: 30_000,
    unit: 'ms',
    note: cpuNote(10000),
  },
  { name: '10,000 articles peak RSS < 1 GB', value: total(10000)?.peakRssMiB, limit: 1024, unit: 'MiB' },
  {
    name: `growth near-linear (largest x of CPU time per 10x articles < ${NEAR_LINEAR})`,
    value: growths.length ? Math.max(...growths) : undefined,
    limit: NEAR_LINEAR,
    unit: 'x',
  },
  {
    name: `${p.recipients} personalised messages < 1 s`,
    value: p.recipients === 10_000 ? p.totalMs : undefined,
    limit: 1000,
    unit: 'ms',
    note: `CPU ${p.cpuMs.toFixed(0)} ms; personalise() alone ${p.personaliseMs.toFixed(0)} ms`,
  },
  {
    name: 'signup: active and unknown address medians within 10 %',
    value: signupTiming.difference * 100,
    limit: 10,
    unit: '%',
    note: `${signupTiming.knownMedianMs.toFixed(2)} ms vs ${signupTiming.unknownMedianMs.toFixed(2)} ms`,
  },
  ...bundles.map((b) => ({ name: `${b.entry} bundle < 5 MB`, value: b.bytes / 1e6, limit: 5, unit: 'MB' })),
  ...(digestHandlers.length
    ? digestHandlers.map((b) => ({
        name: `${b.entry} ready < 500 ms cold`,
        // A handler that does not load at all misses the target.
        value: b.readyMs ?? Number.POSITIVE_INFINITY,
        limit: 500,
        unit: 'ms',
      }))
    : [
        {
          name: 'digest handler ready < 500 ms cold (no digest handler in functions/ yet)',
          limit: 500,
          unit: 'ms',
        },
      ]),
].map((t) => ({
  ...t,
  verdict: t.value === undefined ? 'not run' : t.value < t.limit ? 'met' : 'MISSED',
}));
console.log('\nTargets');
for (const t of targets) {
  const value =
    t.value === undefined ? '-' : `${t.value.toFixed(t.unit === 'ms' || t.unit === 'MiB' ? 0 : 2)} ${t.unit}`;
  console.log(`  ${t.name}: ${value} (${t.verdict}${'note' in t && t.note ? `; ${t.note}` : ''})`);
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: totalmem() / 2 ** 30,
  node: process.version,
  // The machine may be shared; the 1-minute load average before and after says how busy it was.
  loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
};
const benchSeconds = (performance.now() - started) / 1000;
const results = {
  machine,
  benchSeconds,
  runs,
  render,
  personalisation,
  bundles,
  signupTiming,
  targets,
  adversarial,
};
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}, load average ${loadBefore.toFixed(1)} -> ${machine.loadAverage.after.toFixed(1)}`,
);
console.log(`Whole benchmark: ${benchSeconds.toFixed(0)} s. Results written to ${resultsPath}`);

sendingSection();
