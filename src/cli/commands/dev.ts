import { join } from 'node:path';
import type { Command } from 'commander';
import { isVisiblyInside, requireFolder } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { startDevStudio } from '../../preview/dev.ts';
import { readEmailSettings } from '../email-settings.ts';
import { buildFailure, count } from '../output.ts';
import { announceStudio, parsePort, type StudioOptions, withStudioOptions } from '../studio-options.ts';

export function registerDev(program: Command): void {
  const command = program
    .command('dev')
    .description('ingest files dropped into a folder as the Lambda would, and preview the digest they make')
    .requiredOption('--watch <dir>', 'folder to drop articles into (stands for the upload bucket)')
    .option('--state <dir>', 'where ingested articles and their index are kept', '.digest-local');
  withStudioOptions(command).action(async (opts: DevCommandOptions) => {
    const port = parsePort(opts.port);
    const settings = await readEmailSettings(opts);
    await requireFolder(opts.watch);
    // Every file written there is an upload to the watcher: ingesting it writes the index, which is one more.
    if (isVisiblyInside(opts.watch, opts.state))
      throw new UsageError(
        `--state ${opts.state} is inside --watch ${opts.watch}: its own files would be ingested as uploads, again and again; keep it elsewhere (or in a hidden folder such as ${join(opts.watch, '.digest-local')})`,
      );
    const dev = await startDevStudio({
      watchDir: opts.watch,
      stateDir: opts.state,
      sources: { templatesDir: opts.templates, settings, title: opts.title },
      port,
      onBuild: (build) =>
        console.log(
          build.error
            ? `build ${build.version} failed: ${buildFailure(build.error)}`
            : `build ${build.version}: ${count(build.digest?.themes.length ?? 0, 'theme')}, ${build.digest?.skipped.length ?? 0} skipped`,
        ),
    });
    await announceStudio(
      dev,
      dev.preview,
      `drop, change or delete files in ${opts.watch}; state in ${opts.state}`,
      opts.open,
    );
  });
}

interface DevCommandOptions extends StudioOptions {
  watch: string;
  state: string;
}
