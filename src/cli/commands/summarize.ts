import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { summarise } from '../../core/summarise.ts';
import { readFolderArticles } from '../folder-articles.ts';

export const DEFAULT_SUMMARY_WORDS = 100;

export function registerSummarize(program: Command): void {
  program
    .command('summarize')
    .description('summarise a folder of articles about one story in whole sentences')
    .requiredOption('--input <dir>', 'folder of articles (.txt, .md, .html, .json), all about one story')
    .option('--words <n>', 'word budget of the summary', `${DEFAULT_SUMMARY_WORDS}`)
    .option('--json', 'print the points with the ids of the articles they come from, as in digest.json')
    .action(async (opts: { input: string; words: string; json?: boolean }) => {
      const words = Number(opts.words);
      if (!Number.isInteger(words) || words < 1)
        throw new UsageError(`--words ${opts.words} is not a positive whole number`);
      const { articles } = await readFolderArticles(opts.input);
      const points = summarise(articles, { words });
      if (opts.json) console.log(JSON.stringify(points, null, 2));
      else for (const point of points) console.log(point.text);
    });
}
