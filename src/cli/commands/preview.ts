import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { editsFileOf } from '../../adapters/local-edits.ts';
import { requireFolder } from '../../adapters/local-files.ts';
import { UsageError } from '../../core/errors.ts';
import { folderEditSession } from '../../preview/editing.ts';
import { startPreviewServer } from '../../preview/server.ts';
import { readEmailSettings } from '../email-settings.ts';
import { buildFailure, count } from '../output.ts';
import { announceStudio, parsePort, withStudioOptions } from '../studio-options.ts';
import {
  type BucketPreviewOptions,
  type DigestPreviewOptions,
  withBucketPreviewOptions,
  withDigestPreviewOptions,
} from './preview-options.ts';

export function registerPreview(program: Command): void {
  const command = program
    .command('preview')
    .description(
      'serve a live preview of the digest built from a folder of articles, or (--bucket) build the one the scheduled run would send',
    )
    .option('--input <dir>', 'folder of articles', 'seeds');
  withDigestPreviewOptions(withBucketPreviewOptions(withStudioOptions(command))).action(
    async (opts: PreviewCommandOptions) => {
      const bucket = opts.bucket === true ? undefined : opts.bucket;
      // Only the studio on a deployed digest sends a test: taken quietly, the editor would wait for a mail never sent.
      if (opts.testTo !== undefined && !opts.digest)
        throw new UsageError(
          `--test-to ${opts.testTo} works only with --digest ID: ${opts.bucket ? 'a --bucket preview writes files and' : "a folder's studio"} sends nothing (digest send-test ID --to ADDRESS mails a deployed digest)`,
        );
      // The modes on deployed data load the AWS SDK, and only when used: a folder's studio starts without it.
      if (opts.digest) {
        const { previewDeployedDigest } = await import('./preview-digest.ts');
        return previewDeployedDigest({ ...opts, bucket, digest: opts.digest });
      }
      if (opts.bucket) {
        const { previewFromBucket } = await import('./preview-bucket.ts');
        return previewFromBucket(opts, await readEmailSettings(opts));
      }
      const port = parsePort(opts.port);
      const settings = await readEmailSettings(opts);
      await requireFolder(opts.input);
      const preview = await startPreviewServer({
        sources: {
          inputDir: opts.input,
          templatesDir: opts.templates,
          settings,
          title: opts.title,
          editing: folderEditSession(opts.input, opts.by ?? userInfo().username),
        },
        port,
        onBuild: (build) =>
          console.log(
            build.error
              ? `build ${build.version} failed: ${buildFailure(build.error)}`
              : `build ${build.version}: ${count(build.digest?.themes.length ?? 0, 'theme')}, ${(build.htmlBytes / 1024).toFixed(1)} KB`,
          ),
      });
      await announceStudio(
        preview,
        preview,
        `watching ${opts.input} and the templates; edits go to ${editsFileOf(opts.input)}`,
        opts.open,
      );
    },
  );
}

interface PreviewCommandOptions extends BucketPreviewOptions, Omit<DigestPreviewOptions, 'bucket'> {
  input: string;
}
