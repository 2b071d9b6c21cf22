import type { Command } from 'commander';
import type { Digest } from '../../core/digest.ts';
import { deployedEditSession } from '../../preview/editing.ts';
import { startPreviewServer } from '../../preview/server.ts';
import { required } from '../aws-options.ts';
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
import { type SendTestOptions, sendTestCopy } from './send.ts';

export interface DigestPreviewOptions
  extends EditorOptions,
    StudioOptions,
    Partial<Omit<SendTestOptions, 'to' | keyof EditorOptions>> {
  digest?: string;
  by?: string;
  approvedQueueUrl?: string;
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
    .option('--from <address>', 'with --test-to: verified SES sender')
    .option('--from-name <name>', 'with --test-to: display name of the sender')
    .option('--key-secret <id>', 'with --test-to: Secrets Manager id of the token keys')
    .option('--link-base <url>', 'with --test-to: https:// base of the subscription endpoint')
    .option('--list-id <id>', 'with --test-to: List-Id, e.g. daily.news.example.com');
}

/** "Send a test to me": the same message as `digest send-test`, of the digest as edited. */
function testSender(options: DigestPreviewOptions & { digest: string }) {
  const to = options.testTo;
  if (!to) return undefined;
  const identity = {
    from: required(options.from, '--from'),
    fromName: required(options.fromName, '--from-name'),
    keySecret: required(options.keySecret, '--key-secret'),
    linkBase: required(options.linkBase, '--link-base'),
    listId: required(options.listId, '--list-id'),
  };
  return (digest: Digest) => sendTestCopy(options.digest, digest, { ...options, ...identity, to });
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
        sendTest: testSender(options),
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
