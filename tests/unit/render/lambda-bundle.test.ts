import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let outdir: string | undefined;
afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('the renderer inside an esbuild bundle', () => {
  it('renders with the precompiled templates beside the bundle, as a Lambda ships them, without mjml or the Handlebars compiler', async () => {
    // Prepare
    outdir = await mkdtemp(join(tmpdir(), 'render-bundle-'));
    const bundle = await build({
      entryPoints: ['tests/support/render-bundle-entry.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      outfile: join(outdir, 'index.mjs'),
      // Bundled CommonJS dependencies still call require(); infra/lambda-bundle.ts adds the same banner.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
      metafile: true,
    });
    // What bundleLambda (infra/lambda-bundle.ts) runs after bundling for the handlers that render.
    await run(process.execPath, ['bin/digest.js', 'templates', '--out', join(outdir, 'templates')]);

    // Act
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { handler } = await import('./index.mjs'); console.log(JSON.stringify(await handler()));",
      ],
      { cwd: outdir },
    );

    // Assess
    const email = JSON.parse(stdout) as { subject: string; html: string };
    expect(email.subject).toBe('Theme 1: border talks and regional security + 1 more');
    expect(email.html).toContain('Theme 2: border talks and regional security');
    expect(email.html).toContain('href="https://digest.example.com/u?token=t"');
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/mjml/.test(input))).toEqual([]);
    // The templates arrive compiled to JavaScript: the runtime is enough, the parser and compiler stay out.
    expect(inputs.filter((input) => /handlebars\/dist\/cjs\/handlebars\/compiler/.test(input))).toEqual([]);
  });
});

describe('the digest function inside an esbuild bundle', () => {
  it('leaves out the format parsers: it builds from articles the ingest function parsed', async () => {
    // Act
    const bundle = await build({
      entryPoints: ['functions/digest.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      outdir: 'unused',
      logLevel: 'silent',
      metafile: true,
    });

    // Assess
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(
      inputs.filter((input) => /linkedom|readability|node_modules\/yaml|ingest\/parse/.test(input)),
    ).toEqual([]);
  });
});
