import { join } from 'node:path';
import type { Command } from 'commander';
import { isVisiblyInside } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { buildDigestFromArticles } from '../../core/pipeline.ts';
import { withFolderEdits, writeDigestFiles } from '../digest-files.ts';
import { readEmailSettings } from '../email-settings.ts';
import { readFolderArticles } from '../folder-articles.ts';
import { count } from '../output.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a digest from a folder of articles')
    .requiredOption('--input <dir>', 'folder of articles (.txt, .md, .html, .json)')
    .requiredOption('--out <dir>', 'folder to write digest.html, digest.txt, digest.eml and digest.json to')
    .option('--since <iso>', 'only articles published at or after this time')
    .option('--title <text>', 'digest title')
    .option('--intro <text>', "editor's note shown at the top of the email")
    .option(
      '--max-themes <n>',
      'themes shown in full; the rest become "Also in this issue" headlines (default 8)',
    )
    .option('--settings <file>', 'JSON email settings (lang, footer); see docs/email.md')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)')
    .option('--json', 'print digest.json instead of a short summary')
    .action(async (opts: BuildCommandOptions) => {
      refuseOutInsideInput(opts.input, opts.out);
      const since = opts.since === undefined ? undefined : parseInstant(opts.since);
      const settings = await readEmailSettings(opts);
      // A folder with nothing to build from fails here, before anything is written to --out.
      const { articles, skipped } = await readFolderArticles(opts.input);
      const built = buildDigestFromArticles(articles, skipped, {
        since,
        title: opts.title,
        intro: opts.intro,
      });
      const digest = await withFolderEdits(built, opts.input);
      const { out, email } = await writeDigestFiles(opts.out, digest, {
        settings,
        templates: opts.templates,
      });
      if (opts.json) console.log(JSON.stringify(digest, null, 2));
      else {
        const articles = digest.themes.reduce((n, t) => n + t.articles.length, 0);
        console.log(
          `${count(digest.themes.length, 'theme')} from ${count(articles, 'article')} (${digest.skipped.length} skipped)`,
        );
        console.log(`subject: ${email.rendered.subject}`);
        console.log(`html: ${(Buffer.byteLength(email.html) / 1024).toFixed(1)} KB`);
        console.log(`digest written to ${out} (digest.html, digest.txt, digest.eml, digest.json)`);
      }
    });
}

interface BuildCommandOptions {
  input: string;
  out: string;
  since?: string;
  title?: string;
  intro?: string;
  maxThemes?: string;
  settings?: string;
  templates?: string;
  json?: boolean;
}

/**
 * The digest's files are articles to the next build of the same folder (digest.txt and digest.html are read
 * like any other): --out may not be the folder or inside it, but in a hidden folder, which no build reads.
 */
function refuseOutInsideInput(input: string, out: string): void {
  if (!isVisiblyInside(input, out)) return;
  throw new UsageError(
    `--out ${out} is inside --input ${input}: the next build would read the digest as articles; write it elsewhere (or to a hidden folder such as ${join(input, '.digest')})`,
  );
}

function parseInstant(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since ${text} is not an ISO 8601 date`);
  return date;
}
