import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readSourceFolder } from '../../adapters/local-files.ts';
import { templateFolder } from '../../adapters/template-folder.ts';
import { ConfigError, UsageError } from '../../core/errors.ts';
import { buildDigest } from '../../core/pipeline.ts';
import { renderSampleEmail } from '../../core/render/sample.ts';
import { type EmailSettings, parseEmailSettings } from '../../core/render/settings.ts';
import { loadTemplates } from '../../core/render/templates.ts';
import { warnSkipped } from '../output.ts';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build a digest from a folder of articles')
    .requiredOption('--input <dir>', 'folder of articles (.txt, .md, .html, .json)')
    .requiredOption('--out <dir>', 'folder to write digest.html, digest.txt, digest.eml and digest.json to')
    .option('--since <iso>', 'only articles published at or after this time')
    .option('--title <text>', 'digest title')
    .option(
      '--max-themes <n>',
      'themes shown in full; the rest become "Also in this issue" headlines (default 8)',
    )
    .option('--settings <file>', 'JSON email settings (lang, footer); see docs/email.md')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)')
    .option('--json', 'print digest.json instead of a short summary')
    .action(async (opts: BuildCommandOptions) => {
      const since = opts.since === undefined ? undefined : parseInstant(opts.since);
      const settings = await readEmailSettings(opts);
      const files = await readSourceFolder(opts.input);
      if (files.length === 0) throw new UsageError(`input folder ${opts.input} has no files`);
      const digest = buildDigest(files, { since, title: opts.title });
      warnSkipped(digest.skipped);
      const email = await renderSampleEmail(
        digest,
        await loadTemplates(templateFolder(opts.templates)),
        settings,
      );
      const out = resolve(opts.out);
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'digest.json'), `${JSON.stringify(digest, null, 2)}\n`);
      await writeFile(join(out, 'digest.html'), email.html);
      await writeFile(join(out, 'digest.txt'), email.text);
      await writeFile(join(out, 'digest.eml'), email.eml);
      if (opts.json) console.log(JSON.stringify(digest, null, 2));
      else {
        const articles = digest.themes.reduce((n, t) => n + t.articles.length, 0);
        console.log(
          `${digest.themes.length} themes from ${articles} articles (${digest.skipped.length} skipped)`,
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
  maxThemes?: string;
  settings?: string;
  templates?: string;
  json?: boolean;
}

function parseInstant(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since ${text} is not an ISO 8601 date`);
  return date;
}

export async function readEmailSettings(
  opts: Pick<BuildCommandOptions, 'maxThemes' | 'settings'>,
): Promise<EmailSettings> {
  const maxThemes = opts.maxThemes === undefined ? undefined : Number(opts.maxThemes);
  if (maxThemes !== undefined && !(Number.isInteger(maxThemes) && maxThemes >= 1)) {
    throw new UsageError(`--max-themes ${opts.maxThemes} is not a whole number of at least 1`);
  }
  let fromFile: Record<string, unknown> = {};
  if (opts.settings) {
    const text = await readFile(opts.settings, 'utf8').catch((error: unknown) => {
      throw new UsageError(`--settings ${opts.settings} cannot be read`, { cause: error });
    });
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`--settings ${opts.settings} is not JSON: ${(error as Error).message}`);
    }
  }
  return parseEmailSettings(maxThemes === undefined ? fromFile : { ...fromFile, maxThemes });
}
