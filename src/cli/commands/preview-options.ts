// The options of `digest preview`'s modes on deployed data, apart from what runs them: the folder mode, the
// common one, loads no AWS SDK client (preview.ts imports preview-bucket.ts and preview-digest.ts when used).
import type { Command } from 'commander';
import { DEFAULT_WINDOW_HOURS } from '../../core/scheduled-digest.ts';
import {
  approvedQueueOption,
  digestsTableOption,
  type ResourceOptions,
  resourceOption,
  withAwsOptions,
} from '../aws-options.ts';
import type { EditorOptions } from '../digest-editor.ts';
import type { StudioOptions } from '../studio-options.ts';

export interface BucketPreviewOptions extends Omit<ResourceOptions, 'bucket'> {
  /** The articles bucket, or `true` (`--bucket` alone) for the stack's. */
  bucket?: string | true;
  window?: string;
  windowHours: string;
  title?: string;
  out: string;
  templates?: string;
}

/** The options of `digest preview` that build from the deployed store instead of a folder. */
export function withBucketPreviewOptions(command: Command): Command {
  return withAwsOptions(
    command
      .option(
        '--bucket [name]',
        "articles bucket: preview the digest the scheduled run would send from it (alone: the stack's)",
      )
      .addOption(resourceOption('indexTable'))
      .option('--window <iso>', 'with --bucket: end of the window (the scheduled time); default now')
      .option('--window-hours <n>', 'with --bucket: window length, as deployed', String(DEFAULT_WINDOW_HOURS))
      .option('--out <dir>', 'with --bucket: folder to write the digest files to', 'out/preview'),
  );
}

export interface DigestPreviewOptions extends EditorOptions, StudioOptions {
  digest?: string;
  by?: string;
  testTo?: string;
}

/** The options of `digest preview` that open a deployed pending digest for editing. */
export function withDigestPreviewOptions(command: Command): Command {
  return command
    .option(
      '--digest <id>',
      'edit the deployed pending digest ID (review mode); uses --bucket for its archive',
    )
    .option('--by <name>', 'who edits (default: your AWS identity; folder mode: your user name)')
    .addOption(digestsTableOption())
    .addOption(approvedQueueOption())
    .option('--test-to <address>', 'with --digest: "Send a test to me" sends to this address')
    .addOption(resourceOption('from', undefined, 'with --test-to: '))
    .addOption(resourceOption('fromName', undefined, 'with --test-to: '))
    .addOption(resourceOption('keySecret', undefined, 'with --test-to: '))
    .addOption(resourceOption('linkBase', undefined, 'with --test-to: '))
    .addOption(resourceOption('listId', undefined, 'with --test-to: '));
}
