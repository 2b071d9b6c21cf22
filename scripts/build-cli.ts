// `npm run build` (and `prepare`, so `npm install` runs it): the CLI compiled from src/ to dist/cli/ with esbuild,
// one module per command so each loads only what it runs. The benchmark builds its children with the same options,
// so it measures the code as `digest` runs it.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** What every bundle of this project is, the CLI's and each Lambda's (infra/lambda-bundle.ts): Node 20 ESM, split. */
export const NODE_ESM_BUNDLING: BuildOptions = {
  absWorkingDir: projectRoot,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  // esbuild's tables doubt Node's Unicode property escapes (\p{Lu}) and rewrite each such literal into a
  // `new RegExp` built at every call; Node has had them since version 10.
  supported: { 'regexp-unicode-property-escapes': true },
  // Bundled CommonJS dependencies call require() (some for Node built-ins); ESM output has none of its own.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
};

/** esbuild options of the CLI: dependencies bundled except those loaded only by some commands. */
export const CLI_BUNDLING: BuildOptions = {
  ...NODE_ESM_BUNDLING,
  external: ['@aws-sdk/*', 'mjml', '@jsx-email/*', 'playwright-core'],
  // Every entry lands in outdir itself: src/adapters/thread-parse-workers.ts looks for parse-worker.js beside it.
  entryNames: '[name]',
};

/** The worker thread that parses files (src/adapters/thread-parse-workers.ts), an entry of every such bundle. */
const PARSE_WORKER_ENTRY = 'src/adapters/parse-worker.ts';

/**
 * Builds `entryPoints` (paths from the project root) and the parse worker into `outdir`, which then holds exactly
 * that build. Keep `outdir` two folders below the project root, as dist/cli/ is: modules find templates/ and
 * node_modules/ relative to themselves.
 *
 * A `digest` started from the old build loads its command's modules later: `outdir` is never emptied. The build
 * goes to a folder beside it, each file is renamed over its old copy (a rename replaces a file at once), and only
 * then are files the new build no longer has removed. A test run building while another run's commands are
 * running (two vitest runs in one checkout) so leaves them their modules: unchanged sources give the same names.
 */
export async function bundleForNode(entryPoints: string[], outdir: string): Promise<void> {
  const target = join(projectRoot, outdir);
  const staging = `${target}.build-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await build({
      ...CLI_BUNDLING,
      entryPoints: [...entryPoints, PARSE_WORKER_ENTRY],
      outdir: relative(projectRoot, staging),
    });
    const built = new Set(filesUnder(staging));
    for (const file of built) {
      mkdirSync(dirname(join(target, file)), { recursive: true });
      renameSync(join(staging, file), join(target, file));
    }
    for (const file of filesUnder(target)) if (!built.has(file)) rmSync(join(target, file), { force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    statSync(join(dir, file)).isFile(),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  await bundleForNode(['src/cli/main.ts', 'src/cli/launch.ts'], 'dist/cli');
