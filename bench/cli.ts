// Commands people wait for, each a whole fresh process timed from outside (median of BENCH_CLI_RUNS): the CLI
// help, `npm start`'s build of the seeds, `digest summarize` on 10 articles, and Node's own start and
// `mjml --version` beside them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCorpus, loadEventStories } from './corpus.ts';
import { median } from './stats.ts';

export interface CommandFigure {
  name: string;
  /** Median wall time of the whole process, start to exit. */
  ms: number;
  /** Median CPU time of the process (user + system), measured inside it in separate runs. */
  cpuMs: number;
  peakRssMiB: number;
}

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The environment of the command rows: this one without NODE_EXTRA_CA_CERTS. Node 20 reads and parses that
 * bundle at every start, whether or not the process opens a TLS connection (a machine-wide bundle of 144
 * certificates adds about 100 ms here), which is the machine's and not the CLI's. The Lambda rows start from
 * no environment at all; `nodeStartRows` shows what the bundle costs where it is set.
 */
const commandEnv = (() => {
  const { NODE_EXTRA_CA_CERTS: _machineCertificates, ...env } = process.env;
  return env;
})();
const usageReporter = fileURLToPath(new URL('process-usage.mjs', import.meta.url));

/**
 * Wall time from `runs` plain processes, as people start them; CPU time and peak RSS from `runs` more with a
 * preloaded reporter, which would add its own start-up (about 40 ms here) to the wall time.
 */
function measure(
  name: string,
  args: string[],
  runs: number,
  env: NodeJS.ProcessEnv = commandEnv,
): CommandFigure {
  const work = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const usageFile = join(work, 'usage.json');
  const run = (preload: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [...preload, ...args], {
      cwd: projectRoot,
      env: { ...env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (result.status !== 0) throw new Error(`${name} failed: ${result.stderr}`);
    return performance.now() - started;
  };
  const wall = Array.from({ length: runs }, () => run([]));
  const usage = Array.from({ length: runs }, () => {
    run(['--import', usageReporter]);
    return JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; peakRssMiB: number };
  });
  rmSync(work, { recursive: true, force: true });
  return {
    name,
    ms: median(wall),
    cpuMs: median(usage.map((u) => u.cpuMs)),
    peakRssMiB: median(usage.map((u) => u.peakRssMiB)),
  };
}

export function benchCommands(runs: number, evalDir: string): CommandFigure[] {
  const work = mkdtempSync(join(tmpdir(), 'bench-cli-input-'));
  try {
    const articles = join(work, 'articles');
    // Ten articles of one story, as an editor summarises them.
    const [story] = loadEventStories(evalDir).filter((s) => s.length >= 10);
    const files = generateCorpus(story ? [story] : loadEventStories(evalDir), 10);
    mkdirSync(articles);
    for (const file of files) writeFileSync(join(articles, file.id.replaceAll('/', '_')), file.bytes);
    const cli = 'bin/digest.js';
    return [
      ...nodeStartRows(runs),
      measure('digest --help', [cli, '--help'], runs),
      measure(
        'npm start (digest build, 5 seed articles)',
        [cli, 'build', '--input', 'seeds', '--out', join(work, 'out')],
        runs,
      ),
      measure('digest summarize (10 articles)', [cli, 'summarize', '--input', articles], runs),
      measure('mjml --version (for scale)', ['node_modules/mjml/bin/mjml', '--version'], runs),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Node's own start, for scale: as the command rows run, and with this machine's NODE_EXTRA_CA_CERTS if set. */
function nodeStartRows(runs: number): CommandFigure[] {
  const empty = ['-e', ''];
  const rows = [measure('node -e "" (Node alone, for scale)', empty, runs)];
  const certificates = process.env.NODE_EXTRA_CA_CERTS;
  if (certificates)
    rows.push(
      measure('node -e "" with NODE_EXTRA_CA_CERTS', empty, runs, {
        ...commandEnv,
        NODE_EXTRA_CA_CERTS: certificates,
      }),
    );
  return rows;
}
