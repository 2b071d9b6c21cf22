// How every Lambda is bundled: esbuild, one minified ESM file with a source map and every dependency inside, the
// precompiled templates beside it for the handlers that render. BundledFunction runs this file in a child process
// when CDK stages a function's asset (`node --import tsx infra/lambda-bundle.ts HANDLER OUTDIR [--templates]`, which
// also keeps the bundle for later synths: infra/bundle-cache.ts), and the benchmark builds its bundles with the same function, so what is measured is what is deployed.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, type BuildResult, build, type Plugin } from 'esbuild';
import { NODE_ESM_BUNDLING } from '../scripts/build-cli.ts';
import { keepBundle } from './bundle-cache.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The SDK's default credential provider chain, which every client's runtime config imports. */
const AWS_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';

/** The generated schema modules of the AWS SDK clients (one or more per client). */
const SDK_SCHEMA_MODULE = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * The SDK's generated schemas key their trait objects by variables, `{ [_h]: ["GET", "/{Key+}", 200] }`, with
 * `const _h = "http"` at the top of the file. esbuild cannot prove a computed key free of side effects, so it
 * keeps every operation's schema and, through them, every shape of the service: about 60 KB of S3 in each bundle
 * that calls three of its hundred operations (aws/aws-sdk-js-v3#7607; smithy-typescript#1889 makes the generator
 * write the literal keys). This writes each such key as the string literal it names, which changes no value, so
 * esbuild keeps only the schemas an imported command reaches. A key whose variable is not a plain string constant
 * of the same file is left as it is.
 */
const literalSdkSchemaKeys: Plugin = {
  name: 'literal-sdk-schema-keys',
  setup(esbuild) {
    esbuild.onLoad({ filter: SDK_SCHEMA_MODULE }, async ({ path }) => ({
      contents: withLiteralKeys(await readFile(path, 'utf8')),
      loader: 'js',
    }));
  },
};

/** `{ [_h]: v }` as `{ "http": v }` for every `const _h = "http";` of the module. */
export function withLiteralKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm))
    if (name && literal) strings.set(name, literal);
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (key, before: string, name: string) => {
    const literal = strings.get(name);
    return literal === undefined ? key : `${before}${literal}:`;
  });
}

/** The SDK's protocol base class, which imports the event-stream code on first use. */
const SMITHY_HTTP_PROTOCOL =
  /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]protocols[\\/]HttpProtocol\.js$/;
const EVENT_STREAMS_IMPORT = 'await import("@smithy/core/event-streams")';

/**
 * `HttpProtocol` loads `@smithy/core/event-streams` with a dynamic import, for the few operations that stream
 * events. Inside one bundle that saves nothing (esbuild puts the code in the file all the same) and costs at every
 * cold start: esbuild then wraps that module and the hundred-odd `@smithy/core` modules it imports in lazy
 * initialisers, each compiled twice (scanned with the file, compiled again when run). This makes the import static;
 * the S3 client imports the same module statically anyway. A new SDK that drops the import fails the build here.
 */
const staticSdkEventStreams: Plugin = {
  name: 'static-sdk-event-streams',
  setup(esbuild) {
    esbuild.onLoad({ filter: SMITHY_HTTP_PROTOCOL }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes(EVENT_STREAMS_IMPORT))
        throw new Error(`${path} no longer has ${EVENT_STREAMS_IMPORT}: update infra/lambda-bundle.ts`);
      return {
        contents: `import * as eventStreams from "@smithy/core/event-streams";\n${source.replace(EVENT_STREAMS_IMPORT, 'eventStreams')}`,
        loader: 'js',
      };
    });
  },
};

/** The esbuild options of every Lambda bundle, for the handler `functions/<handler>.ts` written to `outdir`. */
export function lambdaBuildOptions(handler: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: join(projectRoot, 'functions', `${handler}.ts`) },
    outdir,
    outExtension: { '.js': '.mjs' },
    // Split, as the CLI is: what a handler imports on first use (the ingest function's HTML and Markdown readers)
    // is a file of its own, read and compiled when first imported, not at every cold start. Node 20 syntax: the
    // same bundle must load on the developers' Node 20 (Lambda runs Node 24).
    ...NODE_ESM_BUNDLING,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    // Bundled, not taken from the runtime: the tested SDK version is the deployed one.
    external: [],
    // Stack traces point at the TypeScript sources; the source map is read when a stack is first formatted, not at
    // every cold start as NODE_OPTIONS=--enable-source-maps would (src/adapters/lazy-source-maps.ts).
    inject: [join(projectRoot, 'src/adapters/lazy-source-maps.ts')],
    alias: {
      // Lambda passes credentials in the environment: the SDK's default chain beyond that is never reached there
      // (src/adapters/lambda-credentials.ts).
      [AWS_CREDENTIAL_CHAIN]: './src/adapters/lambda-credentials.ts',
    },
    plugins: [literalSdkSchemaKeys, staticSdkEventStreams],
  };
}

export interface LambdaBundleOptions {
  /** Also write the email templates beside the bundle, precompiled (`digest templates`). @default false */
  templates?: boolean;
  /** Ask esbuild for the metafile (which inputs went in, and their size). @default false */
  metafile?: boolean;
}

/**
 * Bundles `functions/<handler>.ts` into `outdir/index.mjs` (and its map; what it imports on first use in
 * `outdir/chunks/`) and, with `templates`, writes the email
 * templates precompiled beside it with the CLI the `prepare` script built: esbuild does not copy them, and with
 * the MJML compiled to HTML the handler needs no mjml.
 */
export async function bundleLambda(
  handler: string,
  outdir: string,
  options: LambdaBundleOptions = {},
): Promise<BuildResult> {
  const result = await build({ ...lambdaBuildOptions(handler, outdir), metafile: options.metafile ?? false });
  if (options.templates)
    execFileSync(
      process.execPath,
      ['bin/digest.js', 'templates', '--templates', 'templates', '--out', join(outdir, 'templates')],
      { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [handler, outdir, ...flags] = process.argv.slice(2);
  if (!handler || !outdir) throw new Error('usage: lambda-bundle.ts HANDLER OUTDIR [--templates]');
  const templates = flags.includes('--templates');
  const { metafile } = await bundleLambda(handler, outdir, { templates, metafile: true });
  keepBundle({ handler, templates, outdir }, Object.keys(metafile?.inputs ?? {}));
}
