import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { readSourceFolder } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { startPreviewServer } from '../../preview/server.ts';
import { readEmailSettings } from '../email-settings.ts';
import { type BucketPreviewOptions, previewFromBucket, withBucketPreviewOptions } from './preview-bucket.ts';

export function registerPreview(program: Command): void {
  const command = program
    .command('preview')
    .description(
      'serve a live preview of the digest built from a folder of articles, or (--bucket) build the one the scheduled run would send',
    )
    .option('--input <dir>', 'folder of articles', 'seeds')
    .option('--port <n>', 'port to try first (a busy port falls back to a free one)', '3000')
    .option('--no-open', 'do not open a browser')
    .option('--title <text>', 'digest title')
    .option('--max-themes <n>', 'themes shown in full (default 8)')
    .option('--settings <file>', 'JSON email settings (lang, footer); see docs/email.md')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)');
  withBucketPreviewOptions(command).action(async (opts: PreviewCommandOptions) => {
    if (opts.bucket) return previewFromBucket(opts, await readEmailSettings(opts));
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port ${opts.port} is not a port`);
    const settings = await readEmailSettings(opts);
    await readSourceFolder(opts.input); // a missing folder is a usage error, not an empty preview
    const preview = await startPreviewServer({
      sources: { inputDir: opts.input, templatesDir: opts.templates, settings, title: opts.title },
      port,
      onBuild: (build) =>
        console.log(
          build.error
            ? `build ${build.version} failed: ${build.error.split('\n')[0]}`
            : `build ${build.version}: ${build.digest?.themes.length} themes, ${(build.htmlBytes / 1024).toFixed(1)} KB`,
        ),
    });
    console.log(`preview at ${preview.url} (watching ${opts.input} and the templates; Ctrl+C stops it)`);
    if (opts.open) openBrowser(preview.url);
    process.once('SIGINT', () => void preview.close().then(() => process.exit(0)));
  });
}

interface PreviewCommandOptions extends BucketPreviewOptions {
  input: string;
  port: string;
  open: boolean;
  maxThemes?: string;
  settings?: string;
}

/** Best effort: without a desktop opener the printed URL is enough. */
export function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(opener, [url], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}
