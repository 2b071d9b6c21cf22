// Lambda bundles: every handler in functions/ built by esbuild with the bundling options of BundledFunction, the
// construct of every Lambda, its minified size, and its cold start to handler-ready in fresh node processes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';
import { BUNDLED_FUNCTION_BUNDLING } from '../infra/constructs/bundled-function.ts';
import { median } from './stats.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const functionsDir = join(projectRoot, 'functions');
// Inside the project, so a bundle that leaves the SDK out finds it in node_modules as Lambda finds it in the runtime.
const outDir = join(projectRoot, 'node_modules', '.cache', 'digest-bench', 'bundles');
const readyScript = fileURLToPath(new URL('handler-ready.mjs', import.meta.url));

/**
 * Values shaped like the ones the constructs set, so handlers that validate their environment at cold start
 * (functions/ingest.ts) get past it; nothing is called.
 */
const placeholderEnvironment: Record<string, string> = {
  AWS_REGION: 'eu-west-1',
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

export interface BundleFigure {
  entry: string;
  target: string;
  /** Whether the SDK is inside the bundle or taken from the Lambda runtime. */
  sdk: 'bundled' | 'runtime';
  bytes: number;
  /** Median time from process start to the handler export existing; absent when the bundle failed to load. */
  readyMs?: number;
  /** Median time of the bundle's import alone. */
  importMs?: number;
  /** Median CPU time (user + system) of the process from its start to the handler export existing. */
  readyCpuMs?: number;
  /** Why the bundle did not load (e.g. an environment variable placeholderEnvironment lacks). */
  loadError?: string;
}

/** The esbuild options NodejsFunction derives from `bundling` (aws-cdk-lib/aws-lambda-nodejs Bundling). */
export function esbuildOptionsFor(entry: string, bundling: BundlingOptions, outfile: string): BuildOptions {
  const supported = new Set([
    'format',
    'target',
    'minify',
    'sourceMap',
    'sourcesContent',
    'externalModules',
    'mainFields',
    'banner',
    'inject',
    'esbuildArgs',
    'forceDockerBundling',
  ]);
  const unsupported = Object.keys(bundling).filter((key) => !supported.has(key));
  if (unsupported.length > 0)
    throw new Error(`the benchmark does not mirror bundling option(s) ${unsupported.join(', ')} yet`);
  return {
    ...esbuildArgsFor(bundling.esbuildArgs ?? {}),
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    // CDK's default for Node 18+ runtimes (cdk.json does not set the flag that also leaves out @smithy/*).
    external: bundling.externalModules ?? ['@aws-sdk/*'],
    ...(bundling.mainFields && { mainFields: bundling.mainFields }),
    ...(bundling.banner && { banner: { js: bundling.banner } }),
    ...(bundling.inject && { inject: bundling.inject }),
    logLevel: 'warning',
  };
}

/** The `esbuildArgs` BundledFunction passes (`--alias` only so far), as the options of esbuild's build API. */
function esbuildArgsFor(args: NonNullable<BundlingOptions['esbuildArgs']>): BuildOptions {
  const alias: Record<string, string> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key !== '--alias' || !Array.isArray(value))
      throw new Error(`the benchmark does not mirror esbuild argument ${key} yet`);
    for (const item of value) {
      const [from, to] = item.split('=');
      if (!from || !to) throw new Error(`--alias:${item} is not NAME=PATH`);
      alias[from] = to;
    }
  }
  // CDK runs esbuild in the project root: relative alias paths resolve from there.
  return { alias, absWorkingDir: projectRoot };
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
  // The command BundledFunction's PRECOMPILED_TEMPLATES_HOOKS run.
  execFileSync(process.execPath, ['bin/digest.js', 'templates', '--out', templatesDir], { cwd: projectRoot });
  const figures: BundleFigure[] = [];
  for (const name of handlerEntries()) {
    // Every Lambda is a BundledFunction: one bundling for all.
    const bundling = BUNDLED_FUNCTION_BUNDLING;
    const dir = join(outDir, basename(name, '.ts'));
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js');
    const options = esbuildOptionsFor(join(functionsDir, name), bundling, outfile);
    await build(options);
    // The constructs of handlers that render ship the precompiled templates beside the bundle; here all do.
    cpSync(templatesDir, join(dir, 'templates'), { recursive: true });
    const figure: BundleFigure = {
      entry: `functions/${name}`,
      target: String(bundling.target),
      sdk: (options.external ?? []).includes('@aws-sdk/*') ? 'runtime' : 'bundled',
      bytes: statSync(outfile).size,
    };
    try {
      const runs = Array.from({ length: coldRuns }, () => coldStart(outfile));
      figure.readyMs = median(runs.map((r) => r.readyMs));
      figure.importMs = median(runs.map((r) => r.importMs));
      figure.readyCpuMs = median(runs.map((r) => r.readyCpuMs));
    } catch (error) {
      // One handler that does not load is reported as such; the other figures still count.
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
      figure.loadError = stderr.split('\n').find((line) => /Error/.test(line)) ?? stderr.slice(0, 300);
    }
    figures.push(figure);
  }
  return figures;
}

interface ColdStart {
  readyMs: number;
  importMs: number;
  readyCpuMs: number;
}

function coldStart(bundle: string): ColdStart {
  const stdout = execFileSync(process.execPath, [readyScript, bundle], {
    encoding: 'utf8',
    // stderr is kept for the error when the import fails, and out of the table otherwise (SDK notices).
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...placeholderEnvironment },
  });
  return JSON.parse(stdout) as ColdStart;
}
