// Every parseArticle outcome of generated news pages and of the HTML test fixtures (and of the .html files under
// any further folders given), hashed: a change to the HTML reader must leave them all identical.
//   npx tsx bench/html-hash.ts 500 ../shared/eval [DIR ...]
// HTML_HASH_OUT=FILE also writes the outcomes, one JSON line each, to compare two runs line by line.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '../src/core/article.ts';
import { parseArticle } from '../src/core/ingest/parse.ts';
import { ADVERSARIAL_CLASSES, adversarialFiles } from './adversarial-classes.ts';
import { generateHtmlPages, loadEventStories } from './corpus.ts';

const [count = '500', evalDir = '../shared/eval', ...folders] = process.argv.slice(2);
const htmlFiles = (folder: string): SourceFile[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.html?$/i.test(name))
    .sort()
    .map((name) => ({ id: join(folder, name), bytes: readFileSync(join(folder, name)) }));
const files = [
  ...generateHtmlPages(loadEventStories(evalDir), Number(count)),
  ...htmlFiles(new URL('../tests/fixtures/articles', import.meta.url).pathname),
  ...ADVERSARIAL_CLASSES.filter((c) => c.file.endsWith('.html')).flatMap((c) =>
    [100, 1000, 10_000].flatMap((bytes) =>
      adversarialFiles(c, bytes).map((file) => ({ ...file, id: `${bytes}-${file.id}` })),
    ),
  ),
  ...folders.flatMap(htmlFiles),
];
const lines: string[] = [];
let articles = 0;
for (const file of files) {
  const outcome = await parseArticle(file);
  if (outcome.kind === 'article') articles++;
  lines.push(JSON.stringify(outcome));
}
const text = `${lines.join('\n')}\n`;
if (process.env.HTML_HASH_OUT) writeFileSync(process.env.HTML_HASH_OUT, text);
const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
process.stdout.write(
  `${JSON.stringify({ files: files.length, articles, skipped: files.length - articles, hash })}\n`,
);
