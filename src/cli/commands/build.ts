import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readSourceFolder } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { buildDigest } from '../../core/pipeline.ts';
import { warnSkipped } from '../output.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a digest from a folder of articles')
    .requiredOption('--input <dir>', 'folder of articles (.txt, .md, .html, .json)')
    .requiredOption('--out <dir>', 'folder to write digest.html, digest.txt, digest.eml and digest.json to')
    .option('--since <iso>', 'only articles published at or after this time')
    .option('--title <text>', 'digest title')
    .option('--json', 'print digest.json instead of a short summary')
    .action(async (opts: { input: string; out: string; since?: string; title?: string; json?: boolean }) => {
      const since = opts.since === undefined ? undefined : parseInstant(opts.since);
      const files = await readSourceFolder(opts.input);
      if (files.length === 0) throw new UsageError(`input folder ${opts.input} has no files`);
      const digest = buildDigest(files, { since, title: opts.title });
      warnSkipped(digest.skipped);
      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'digest.json'), `${JSON.stringify(digest, null, 2)}\n`);
      if (opts.json) console.log(JSON.stringify(digest, null, 2));
      else {
        const articles = digest.themes.reduce((n, t) => n + t.articles.length, 0);
        console.log(
          `${digest.themes.length} themes from ${articles} articles (${digest.skipped.length} skipped)`,
        );
        console.log(`digest written to ${out}`);
      }
    });
}

function parseInstant(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since ${text} is not an ISO 8601 date`);
  return date;
}
