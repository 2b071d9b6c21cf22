import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The ingest Lambda bundles the parser with esbuild (aws-lambda-nodejs). This checks that the parser and its
// dependencies (linkedom, Readability, js-yaml) bundle and run outside node_modules, as ESM with the
// createRequire banner that CommonJS dependencies need, and as CommonJS.
const REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

describe('the parser in an esbuild bundle', () => {
  it.each([
    ['esm', 'index.mjs', REQUIRE_BANNER],
    ['cjs', 'index.cjs', ''],
  ] as const)('parses every format when bundled as %s', async (format, file, banner) => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'ingest-bundle-'));
    const entry = join(dir, 'entry.ts');
    const fixtures = resolve('tests/fixtures/articles');
    writeFileSync(
      entry,
      `import { readFileSync } from 'node:fs';
       import { parseArticle } from ${JSON.stringify(resolve('src/core/ingest/parse.ts'))};
       const names = ['wire-story.txt', 'column.md', 'page.html', 'feed-item.json'];
       Promise.all(names.map((id) => parseArticle({ id, bytes: new Uint8Array(readFileSync(${JSON.stringify(fixtures)} + '/' + id)) })))
         .then((outcomes) => console.log(JSON.stringify(outcomes.map((o) => (o.kind === 'article' ? o.article.sentences.length : o.reason)))));`,
    );
    const outfile = join(dir, 'out', file);

    // Act
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      banner: { js: banner },
      logLevel: 'error',
    });
    const stdout = execFileSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8' });

    // Assess
    expect(JSON.parse(stdout)).toEqual([5, 3, 5, 3]);
  });

  it('leaves the HTML and Markdown readers out of what plain text and JSON load', async () => {
    // Act: split into chunks, as the CLI build does, so a lazily imported module gets a chunk of its own.
    const result = await build({
      entryPoints: [resolve('src/core/ingest/parse.ts')],
      outdir: mkdtempSync(join(tmpdir(), 'ingest-chunks-')),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      metafile: true,
      write: false,
      logLevel: 'error',
    });

    // Assess: the entry's static imports, followed chunk to chunk, reach none of the large libraries.
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((name) => outputs[name]?.entryPoint) as string;
    const loaded = new Set<string>();
    const visit = (name: string) => {
      if (loaded.has(name)) return;
      loaded.add(name);
      for (const i of outputs[name]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
    };
    visit(entry);
    const inputs = [...loaded].flatMap((name) => Object.keys(outputs[name]?.inputs ?? {}));
    expect(inputs.some((i) => i.includes('formats/text.ts'))).toBe(true);
    expect(
      inputs.filter((i) =>
        /linkedom|readability|node_modules\/js-yaml|formats\/(?:html|markdown)\.ts/.test(i),
      ),
    ).toEqual([]);
    const lazy = Object.values(outputs).flatMap((o) => Object.keys(o.inputs));
    expect(lazy.some((i) => i.includes('node_modules/linkedom'))).toBe(true);
    expect(lazy.some((i) => i.includes('node_modules/js-yaml'))).toBe(true);
  });
});
