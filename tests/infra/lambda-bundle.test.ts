import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleLambda, withLiteralKeys } from '../../infra/lambda-bundle.ts';

const outdirs: string[] = [];
afterAll(async () => {
  await Promise.all(outdirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the SDK schema keys as literals', () => {
  it('writes a computed key as the string constant it names, and leaves any other key alone', () => {
    // Prepare: the shape of a generated schemas_0.js.
    const source = [
      'const _h = "http";',
      'const _hC = "httpChecksum";',
      'export var GetObject$ = [9, n0, _GO,',
      '    { [_hC]: "-", [_h]: ["GET", "/{Key+}?x-id=GetObject", 200] }, () => GetObjectRequest$];',
      'export var Other$ = [9, n0, _O, { [_unknown]: 1 }];',
    ].join('\n');

    // Act
    const rewritten = withLiteralKeys(source);

    // Assess
    expect(rewritten).toContain('{ "httpChecksum": "-", "http": ["GET", "/{Key+}?x-id=GetObject", 200] }');
    expect(rewritten).toContain('{ [_unknown]: 1 }');
  });

  it('leaves out of a bundle the S3 shapes that no imported command reaches', async () => {
    // Prepare
    const outdir = await mkdtemp(join(tmpdir(), 'lambda-bundle-'));
    outdirs.push(outdir);

    // Act: the send worker calls GetObject alone.
    const { metafile } = await bundleLambda('send-worker', outdir, { metafile: true });

    // Assess: about 65 KB of S3 schemas when every operation's schema is kept.
    const output = Object.values(metafile?.outputs ?? {}).find((o) => o.entryPoint);
    const s3Schemas = Object.entries(output?.inputs ?? {}).find(([path]) =>
      /client-s3\/dist-es\/schemas\/schemas_0\.js$/.test(path),
    );
    expect(s3Schemas?.[1].bytesInOutput).toBeGreaterThan(0);
    expect(s3Schemas?.[1].bytesInOutput).toBeLessThan(15_000);
  });

  it('keeps what a handler imports on first use out of the file every cold start compiles', async () => {
    // Prepare
    const outdir = await mkdtemp(join(tmpdir(), 'lambda-bundle-'));
    outdirs.push(outdir);

    // Act: the ingest function imports its HTML and Markdown readers when such a file arrives.
    const { metafile } = await bundleLambda('ingest', outdir, { metafile: true });

    // Assess
    const readers = /node_modules\/(linkedom|@mozilla\/readability|js-yaml)\//;
    const outputs = Object.entries(metafile?.outputs ?? {});
    const inputsOf = (file: RegExp) =>
      outputs.filter(([path]) => file.test(path)).flatMap(([, output]) => Object.keys(output.inputs));
    expect(inputsOf(/\/index\.mjs$/).filter((input) => readers.test(input))).toEqual([]);
    expect(inputsOf(/\/chunks\/html-[^/]+\.mjs$/).some((input) => readers.test(input))).toBe(true);
  });
});
