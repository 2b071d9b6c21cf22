// Commands people wait for, each a whole fresh process timed from outside (median of BENCH_CLI_RUNS): the CLI
// help, `npm start`'s build of the seeds, `digest summarize` on 10 articles, the studio on the seeds until its
// first page is served, and Node's own start and `mjml --version` beside them.
import { spawn, spawnSync } from 'node:child_process';
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

/** Runs one process of a command; resolves to its wall time in ms, as the one who waits for it sees it. */
type Run = (args: string[], env: NodeJS.ProcessEnv) => Promise<number>;

/** A command that does its work and exits. */
const runToExit: Run = async (args, env) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - started;
};

/** A server (the studio): until it has printed its address and served the page there; then stopped as by Ctrl+C. */
const runUntilServed: Run = (args, env) =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const server = spawn(process.execPath, args, {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    let requested = false;
    let servedMs: number | undefined;
    let failure: Error | undefined;
    const stop = (error?: Error) => {
      failure ??= error;
      server.kill('SIGINT');
    };
    const deadline = setTimeout(
      () => stop(new Error(`no page within ${SERVE_TIMEOUT_MS} ms`)),
      SERVE_TIMEOUT_MS,
    );
    server.stderr.on('data', (chunk: Buffer) => {
      errors += chunk;
    });
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk;
      // The address once printed whole (a space or line end after it).
      const url = output.match(/(http:\/\/\S+)\s/)?.[1];
      if (!url || requested) return;
      requested = true;
      fetch(url)
        .then(async (response) => {
          await response.text();
          if (!response.ok) throw new Error(`${url} answered ${response.status}`);
          servedMs = performance.now() - started;
          stop();
        })
        .catch((error: Error) => stop(error));
    });
    server.on('exit', () => {
      clearTimeout(deadline);
      if (servedMs !== undefined && !failure) resolve(servedMs);
      else
        reject(new Error(`${args.join(' ')} served no page: ${failure?.message ?? 'it exited'}\n${errors}`));
    });
  });

const SERVE_TIMEOUT_MS = 30_000;

/**
 * Wall time from `runs` plain processes, as people start them; CPU time and peak RSS from `runs` more with a
 * preloaded reporter, which would add its own start-up (about 40 ms here) to the wall time.
 */
async function measure(
  name: string,
  args: string[],
  runs: number,
  { env = commandEnv, run = runToExit }: { env?: NodeJS.ProcessEnv; run?: Run } = {},
): Promise<CommandFigure> {
  const work = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const usageFile = join(work, 'usage.json');
  const processEnv = { ...env, BENCH_USAGE_FILE: usageFile };
  const wall: number[] = [];
  const usage: { cpuMs: number; peakRssMiB: number }[] = [];
  for (let i = 0; i < runs; i++) wall.push(await run(args, processEnv));
  for (let i = 0; i < runs; i++) {
    await run(['--import', usageReporter, ...args], processEnv);
    usage.push(JSON.parse(readFileSync(usageFile, 'utf8')));
  }
  rmSync(work, { recursive: true, force: true });
  return {
    name,
    ms: median(wall),
    cpuMs: median(usage.map((u) => u.cpuMs)),
    peakRssMiB: median(usage.map((u) => u.peakRssMiB)),
  };
}

export async function benchCommands(runs: number, evalDir: string): Promise<CommandFigure[]> {
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
      ...(await nodeStartRows(runs)),
      await measure('digest --help', [cli, '--help'], runs),
      await measure(
        'npm start (digest build, 5 seed articles)',
        [cli, 'build', '--input', 'seeds', '--out', join(work, 'out')],
        runs,
      ),
      await measure('digest summarize (10 articles)', [cli, 'summarize', '--input', articles], runs),
      await measure(
        'digest preview (5 seeds), page served',
        [cli, 'preview', '--input', 'seeds', '--port', '0', '--no-open'],
        runs,
        { run: runUntilServed },
      ),
      await measure('mjml --version (for scale)', ['node_modules/mjml/bin/mjml', '--version'], runs),
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Node's own start, for scale: as the command rows run, and with this machine's NODE_EXTRA_CA_CERTS if set. */
async function nodeStartRows(runs: number): Promise<CommandFigure[]> {
  const empty = ['-e', ''];
  const rows = [await measure('node -e "" (Node alone, for scale)', empty, runs)];
  const certificates = process.env.NODE_EXTRA_CA_CERTS;
  if (certificates)
    rows.push(
      await measure('node -e "" with NODE_EXTRA_CA_CERTS', empty, runs, {
        env: { ...commandEnv, NODE_EXTRA_CA_CERTS: certificates },
      }),
    );
  return rows;
}
