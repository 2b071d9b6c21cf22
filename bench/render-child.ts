// Warm in-process render of one digest beside the cold `mjml` CLI (a fresh process each time) compiling the
// very MJML source the render compiles. Prints JSON.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { renderDigestEmail, renderDigestMjml } from '../src/core/render/email.ts';
import { emailInput } from './email-input.ts';
import { countFromEnv, median } from './stats.ts';

const warmRuns = countFromEnv('BENCH_RENDER_RUNS', 10);
const cliRuns = countFromEnv('BENCH_CLI_RUNS', 3);
const mjmlCli = fileURLToPath(new URL('../node_modules/.bin/mjml', import.meta.url));

const { digest, templates, settings } = await emailInput();
// The first render compiles and caches mjml's own modules; the figure is the steady state after it.
await renderDigestEmail(digest, templates, settings);
const warm: number[] = [];
for (let i = 0; i < warmRuns; i++) {
  const started = performance.now();
  await renderDigestEmail(digest, templates, settings);
  warm.push(performance.now() - started);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-mjml-'));
try {
  const source = join(dir, 'digest.mjml');
  writeFileSync(source, renderDigestMjml(digest, templates, settings).mjml);
  const cold: number[] = [];
  for (let i = 0; i < cliRuns; i++) {
    const started = performance.now();
    execFileSync(mjmlCli, [source, '-o', join(dir, 'digest.html'), '--config.validationLevel', 'strict'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    cold.push(performance.now() - started);
  }
  const warmMs = median(warm);
  const cliMs = median(cold);
  process.stdout.write(
    JSON.stringify({ themes: digest.themes.length, warmRuns, cliRuns, warmMs, cliMs, ratio: cliMs / warmMs }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
