import type { Command } from 'commander';
import { readSourceFolder } from '../../adapters/local-files.ts';
import { startPreviewServer } from '../../preview/server.ts';
import { readEmailSettings } from '../email-settings.ts';
import { announceStudio, parsePort, type StudioOptions, withStudioOptions } from '../studio-options.ts';
import { type BucketPreviewOptions, previewFromBucket, withBucketPreviewOptions } from './preview-bucket.ts';

export function registerPreview(program: Command): void {
  const command = program
    .command('preview')
    .description(
      'serve a live preview of the digest built from a folder of articles, or (--bucket) build the one the scheduled run would send',
    )
    .option('--input <dir>', 'folder of articles', 'seeds');
  withBucketPreviewOptions(withStudioOptions(command)).action(async (opts: PreviewCommandOptions) => {
    if (opts.bucket) return previewFromBucket(opts, await readEmailSettings(opts));
    const port = parsePort(opts.port);
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
    announceStudio(preview, preview.url, `watching ${opts.input} and the templates`, opts.open);
  });
}

interface PreviewCommandOptions extends BucketPreviewOptions, StudioOptions {
  input: string;
}
