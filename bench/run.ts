// `npm run bench`: speed and memory of the whole build on 100, 1,000 and 10,000 articles, printed and written
// to bench/results.json with the machine it ran on.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sendingSection } from './sending.ts';
import type { StageFigure } from './stage-timer.ts';

interface CorpusRun {
  size: number;
  themes: number;
  skipped: number;
  figures: StageFigure[];
}

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const evalDir = process.env.DIGEST_EVAL_DIR ?? '../shared/eval';
const resultsPath = process.env.BENCH_RESULTS ?? fileURLToPath(new URL('results.json', import.meta.url));

const runs: CorpusRun[] = sizes.map((size) => {
  const child = fileURLToPath(new URL('build-child.ts', import.meta.url));
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', child, String(size), evalDir], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as CorpusRun;
});

const figure = (run: CorpusRun | undefined, stage: string) => run?.figures.find((f) => f.stage === stage);
const stages = [...new Set(runs.flatMap((r) => r.figures.map((f) => f.stage)))];

console.log('\nBuild, per stage: wall ms / peak RSS MiB (growth of time per 10x articles)');
console.log(['stage', ...runs.map((r) => `${r.size} articles`)].map((c) => c.padEnd(26)).join(''));
for (const stage of stages) {
  const cells = runs.map((run, i) => {
    const f = figure(run, stage);
    const previous = figure(runs[i - 1], stage);
    if (!f) return '-';
    const tenfold = previous && run.size === (runs[i - 1]?.size ?? 0) * 10;
    const growth = tenfold ? ` (x${(f.ms / Math.max(previous.ms, 0.1)).toFixed(1)})` : '';
    return `${f.ms.toFixed(0)} / ${f.peakRssMiB.toFixed(0)}${growth}`;
  });
  console.log([stage, ...cells].map((c) => c.padEnd(26)).join(''));
}

const total = (size: number) =>
  figure(
    runs.find((r) => r.size === size),
    'total',
  );
const targets = [
  { name: '1,000 articles end to end < 3 s', value: total(1000)?.ms, limit: 3000 },
  { name: '10,000 articles end to end < 30 s', value: total(10000)?.ms, limit: 30_000 },
  { name: '10,000 articles peak RSS < 1 GB', value: total(10000)?.peakRssMiB, limit: 1024 },
];
console.log('\nTargets');
for (const t of targets) {
  const verdict = t.value === undefined ? 'not run' : t.value < t.limit ? 'met' : 'MISSED';
  console.log(`  ${t.name}: ${t.value?.toFixed(0) ?? '-'} (${verdict})`);
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model,
  memoryGiB: totalmem() / 2 ** 30,
  node: process.version,
};
writeFileSync(resultsPath, `${JSON.stringify({ machine, runs, targets }, null, 2)}\n`);
console.log(
  `\nMachine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}`,
);
console.log(`Results written to ${resultsPath}`);

sendingSection();
