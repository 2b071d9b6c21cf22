import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The ingest Lambda bundles the parser with esbuild (aws-lambda-nodejs). This checks that the parser and its
// dependencies (linkedom, Readability, yaml) bundle and run outside node_modules, as ESM with the
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
       const outcomes = names.map((id) => parseArticle({ id, bytes: new Uint8Array(readFileSync(${JSON.stringify(fixtures)} + '/' + id)) }));
       console.log(JSON.stringify(outcomes.map((o) => (o.kind === 'article' ? o.article.sentences.length : o.reason))));`,
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
});
