import type { Command } from 'commander';
import { createJsonLogger } from '../../adapters/json-logger.ts';
import { readSourceFolder } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { startDevStudio } from '../../preview/dev.ts';
import { readEmailSettings } from '../email-settings.ts';
import { openBrowser } from './preview.ts';

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('ingest files dropped into a folder as the Lambda would, and preview the digest they make')
    .requiredOption('--watch <dir>', 'folder to drop articles into (stands for the upload bucket)')
    .option('--state <dir>', 'where ingested articles and their index are kept', '.digest-local')
    .option('--port <n>', 'port to try first (a busy port falls back to a free one)', '3000')
    .option('--no-open', 'do not open a browser')
    .option('--title <text>', 'digest title')
    .option('--max-themes <n>', 'themes shown in full (default 8)')
    .option('--settings <file>', 'JSON email settings (lang, footer); see docs/email.md')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)')
    .action(async (opts: DevCommandOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port} is not a port`);
      const settings = await readEmailSettings(opts);
      await readSourceFolder(opts.watch); // a missing folder is a usage error, not an empty digest
      const dev = await startDevStudio({
        watchDir: opts.watch,
        stateDir: opts.state,
        sources: { templatesDir: opts.templates, settings, title: opts.title },
        port,
        // The handler's own JSON log lines, without the metric lines that only CloudWatch reads.
        log: createJsonLogger('ingest', (line) => {
          if (!line.startsWith('{"_aws"')) console.log(line);
        }),
        onBuild: (build) =>
          console.log(
            build.error
              ? `build ${build.version} failed: ${build.error.split('\n')[0]}`
              : `build ${build.version}: ${build.digest?.themes.length} themes, ${build.digest?.skipped.length} skipped`,
          ),
      });
      console.log(
        `preview at ${dev.preview.url} (drop, change or delete files in ${opts.watch}; state in ${opts.state}; Ctrl+C stops it)`,
      );
      if (opts.open) openBrowser(dev.preview.url);
      process.once('SIGINT', () => void dev.close().then(() => process.exit(0)));
    });
}

interface DevCommandOptions {
  watch: string;
  state: string;
  port: string;
  open: boolean;
  title?: string;
  maxThemes?: string;
  settings?: string;
  templates?: string;
}
