import type { Command } from 'commander';
import { deployedEditSession } from '../../preview/editing.ts';
import { startPreviewServer } from '../../preview/server.ts';
import {
  approvedQueueOption,
  digestEditor,
  digestsTableOption,
  type EditorOptions,
  editorIdentity,
} from '../digest-editor.ts';
import { readEmailSettings } from '../email-settings.ts';
import { announceStudio, parsePort, type StudioOptions } from '../studio-options.ts';
import { reviewer } from './operations.ts';

export interface DigestPreviewOptions extends EditorOptions, StudioOptions {
  digest?: string;
  by?: string;
  approvedQueueUrl?: string;
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
    .addOption(approvedQueueOption());
}

/**
 * `digest preview --digest ID`: the studio on a deployed pending digest. The local server calls AWS with the
 * operator's credentials; the page only talks to the local server.
 */
export async function previewDeployedDigest(
  options: DigestPreviewOptions & { digest: string },
): Promise<void> {
  const editor = await digestEditor(options);
  const opened = await editor.open(options.digest); // an unknown digest is an error before the studio starts
  const review = reviewer(options);
  const studio = await startPreviewServer({
    sources: {
      templatesDir: options.templates,
      settings: await readEmailSettings(options),
      editing: deployedEditSession({
        digestId: options.digest,
        editor,
        review,
        by: await editorIdentity(options),
      }),
    },
    port: parsePort(options.port),
    onBuild: (build) =>
      console.log(
        build.error
          ? `build ${build.version} failed: ${build.error.split('\n')[0]}`
          : `build ${build.version}: ${options.digest} ${build.edited?.state} version ${build.edited?.version}`,
      ),
  });
  announceStudio(studio, studio.url, `editing ${options.digest}, ${opened.record.state}`, options.open);
}
