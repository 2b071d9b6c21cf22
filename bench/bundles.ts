// Lambda bundles: every handler in functions/ built as BundledFunction, the construct of every Lambda, builds it
// (infra/lambda-bundle.ts), its minified size, its cold start to handler-ready in fresh node processes and, for the
// handlers with a target, the first invocation after it.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { bundleLambda, lambdaBuildOptions } from '../infra/lambda-bundle.ts';
import { median } from './stats.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = join(projectRoot, 'functions');
// Inside the project, so a bundle that leaves the SDK out finds it in node_modules as Lambda finds it in the runtime.
const outDir = join(projectRoot, 'node_modules', '.cache', 'digest-bench', 'bundles');
const readyScript = fileURLToPath(new URL('handler-ready.mjs', import.meta.url));

/**
 * Values shaped like the ones the constructs set, so handlers that validate their environment at cold start
 * (functions/ingest.ts) or at their first call get past it. AWS is never reached: every request goes to a closed
 * local port, refused at once and not retried, with placeholder credentials.
 */
const placeholderEnvironment: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // The send worker refuses the placeholder postal address.
  EMAIL_SETTINGS: JSON.stringify({ footer: { postalAddress: ['1 Bench Street', 'Bench City'] } }),
  ARTICLES_BUCKET: 'bench-articles',
  ARTICLE_INDEX_TABLE: 'bench-article-index',
  MAX_ARTICLE_BYTES: '1048576',
  SUBSCRIBER_TABLE: 'bench-subscribers',
  TOKEN_KEY_SECRET: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench',
  DIGESTS_TABLE: 'bench-digests',
  APPROVED_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-approved',
  WINDOW_HOURS: '168',
  SEND_MODE: 'auto',
  REVIEW_HOURS: '24',
  ON_REVIEW_DEADLINE: 'send',
  LEASE_SECONDS: '360',
  INDEX_SETTLE_SECONDS: '60',
  SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-send',
  LEDGER_TABLE: 'bench-ledger',
  ARCHIVE_BUCKET: 'bench-articles',
  SENDER_ADDRESS: 'digest@example.com',
  SENDER_NAME: 'Bench digest',
  LIST_ID: 'bench.digest.example.com',
  LINK_BASE: 'https://subscribe.example.com',
  SES_CONFIGURATION_SET: 'bench',
  MAX_WORKERS: '2',
};

/**
 * The first invocation timed after the cold start, for the handlers with a target: the event each gets, which runs
 * it up to its first AWS request (configuration, the clients and the modules it loads on first use, that request's
 * serialising and signing, the error path). The requests after that one are not in the figure.
 */
const firstCallEvents: Record<string, unknown> = {
  'digest.ts': { action: 'run', scheduledTime: '2026-11-23T07:00:00Z' },
  'send-worker.ts': {
    Records: [
      {
        messageId: 'bench-1',
        body: JSON.stringify({
          digestId: 'bench',
          digestKey: 'digests/2026/11/23/bench/digest.json',
          subscriberIds: ['bench-subscriber'],
        }),
        eventSource: 'aws:sqs',
        attributes: { ApproximateReceiveCount: '1' },
      },
    ],
  },
};

export interface BundleFigure {
  entry: string;
  target: string;
  /** Whether the SDK is inside the bundle or taken from the Lambda runtime. */
  sdk: 'bundled' | 'runtime';
  /** What a cold start reads and compiles: index.mjs and the chunks it imports statically. */
  bytes: number;
  /** Size of the chunks the handler imports on first use (its dynamic imports), read only then. */
  firstUseBytes: number;
  /** Median time from process start to the handler export existing; absent when the bundle failed to load. */
  readyMs?: number;
  /** Median time of the bundle's import alone. */
  importMs?: number;
  /** Median CPU time (user + system) of the process from its start to the handler export existing. */
  readyCpuMs?: number;
  /** Median time of the first invocation after that, up to its first AWS request (firstCallEvents). */
  firstCallMs?: number;
  /** Median CPU time of that first invocation. */
  firstCallCpuMs?: number;
  /** How that first call ended (`threw Error` when the refused request fails it, `returned` for a batch handler). */
  firstCallOutcome?: string;
  /** Why the bundle did not load (e.g. an environment variable placeholderEnvironment lacks). */
  loadError?: string;
}

/** Handler files: the ones in functions/ that export `handler`. */
export function handlerEntries(): string[] {
  return readdirSync(functionsDir)
    .filter((name) => name.endsWith('.ts'))
    .filter((name) => /export const handler\b/.test(readFileSync(join(functionsDir, name), 'utf8')))
    .sort();
}

export async function benchBundles(coldRuns: number): Promise<BundleFigure[]> {
  rmSync(outDir, { recursive: true, force: true });
  const templatesDir = join(outDir, 'templates');
  // What bundleLambda writes beside the handlers that render, once for all.
  execFileSync(process.execPath, ['bin/digest.js', 'templates', '--out', templatesDir], { cwd: projectRoot });
  const figures: BundleFigure[] = [];
  for (const name of handlerEntries()) {
    const handler = basename(name, '.ts');
    const dir = join(outDir, handler);
    // Every Lambda is a BundledFunction: one bundling for all.
    const { metafile } = await bundleLambda(handler, dir, { metafile: true });
    const options = lambdaBuildOptions(handler, dir);
    const outfile = join(dir, 'index.mjs');
    const sizes = outputSizes(metafile);
    cpSync(templatesDir, join(dir, 'templates'), { recursive: true });
    const figure: BundleFigure = {
      entry: `functions/${name}`,
      target: String(options.target),
      sdk: (options.external ?? []).some((module) => module.startsWith('@aws-sdk')) ? 'runtime' : 'bundled',
      ...sizes,
    };
    try {
      const runs = Array.from({ length: coldRuns }, () => coldStart(outfile, firstCallEvents[name]));
      figure.readyMs = median(runs.map((r) => r.readyMs));
      figure.importMs = median(runs.map((r) => r.importMs));
      figure.readyCpuMs = median(runs.map((r) => r.readyCpuMs));
      const first = runs.flatMap((r) => (r.firstCallMs === undefined ? [] : [r]));
      if (first.length > 0) {
        figure.firstCallMs = median(first.map((r) => r.firstCallMs ?? 0));
        figure.firstCallCpuMs = median(first.map((r) => r.firstCallCpuMs ?? 0));
        figure.firstCallOutcome = first[0]?.firstCallOutcome;
      }
    } catch (error) {
      // One handler that does not load is reported as such; the other figures still count.
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
      figure.loadError = stderr.split('\n').find((line) => /Error/.test(line)) ?? stderr.slice(0, 300);
    }
    figures.push(figure);
  }
  return figures;
}

/**
 * What a cold start reads (index.mjs and the chunks it imports statically) and what only a dynamic import reads,
 * from esbuild's metafile; source maps aside.
 */
function outputSizes(metafile: Metafile | undefined): { bytes: number; firstUseBytes: number } {
  const outputs = metafile?.outputs ?? {};
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint);
  const cold = new Set<string>();
  const visit = (path: string | undefined) => {
    if (!path || cold.has(path)) return;
    cold.add(path);
    for (const i of outputs[path]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const code = Object.entries(outputs).filter(([path]) => path.endsWith('.mjs'));
  const sum = (list: typeof code) => list.reduce((total, [, output]) => total + output.bytes, 0);
  return {
    bytes: sum(code.filter(([path]) => cold.has(path))),
    firstUseBytes: sum(code.filter(([path]) => !cold.has(path))),
  };
}

interface ColdStart {
  readyMs: number;
  importMs: number;
  readyCpuMs: number;
  firstCallMs?: number;
  firstCallCpuMs?: number;
  firstCallOutcome?: string;
}

function coldStart(bundle: string, firstCallEvent: unknown): ColdStart {
  const args = firstCallEvent === undefined ? [] : [JSON.stringify(firstCallEvent)];
  const stdout = execFileSync(process.execPath, [readyScript, bundle, ...args], {
    encoding: 'utf8',
    // stderr is kept for the error when the import fails, and out of the table otherwise (SDK notices).
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...placeholderEnvironment },
  });
  // The figures are the last line; a handler's own log lines come before it.
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ColdStart;
}
