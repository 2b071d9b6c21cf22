import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import type { Command } from 'commander';
import { namingResources } from '../../adapters/aws-errors.ts';
import { DynamoDbSendLedger } from '../../adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../../adapters/dynamodb-subscribers.ts';
import { S3DigestSource } from '../../adapters/s3-digest-source.ts';
import { SecretsManagerKeyProvider } from '../../adapters/secrets-manager-keys.ts';
import { SesRawSender } from '../../adapters/ses-raw-sender.ts';
import { templateFolder } from '../../adapters/template-folder.ts';
import type { Digest } from '../../core/digest.ts';
import { UsageError } from '../../core/errors.ts';
import type { TemplateSource } from '../../core/ports/template-source.ts';
import type { EmailSettings } from '../../core/render/settings.ts';
import { loadTemplates } from '../../core/render/templates.ts';
import { DigestMessages } from '../../core/sending/message.ts';
import { sendReport } from '../../core/sending/report.ts';
import { messageTags } from '../../core/sending/tags.ts';
import { TokenSigner } from '../../core/signed-links.ts';
import { createSubscriber } from '../../core/subscribers/subscriber.ts';
import {
  type AwsOptions,
  clientConfig,
  type ResourceOptions,
  resourceOption,
  stackResources,
  withAwsOptions,
} from '../aws-options.ts';
import { digestEditor, digestRecords, type EditorOptions, editorRendering } from '../digest-editor.ts';
import { readEmailSettings } from '../email-settings.ts';

/** Prints a digest's send report from the ledger (SendReport: sent, failed, unknown, abandoned and the rest). */
export async function printSendReport(
  digestId: string,
  opts: AwsOptions & { ledgerTable: string; subscriberTable: string; json?: boolean },
): Promise<void> {
  const dynamo = namingResources(new DynamoDBClient(clientConfig(opts)));
  const ledger = new DynamoDbSendLedger(dynamo, opts.ledgerTable);
  const subscribers = new DynamoDbSubscriberRepository(dynamo, opts.subscriberTable);
  const report = await sendReport(
    digestId,
    ledger.entries(digestId),
    new Date(),
    async (id) => (await subscribers.get(id))?.status,
  );
  if (opts.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const { digestId: _, ...counts } = report;
  console.log('send report');
  for (const [name, count] of Object.entries(counts)) console.log(`  ${name.padEnd(13)}${count}`);
}

/** `digest send-test <digestId> --to ADDRESS` (`digest status` shows the send report). */
export function registerSend(program: Command): void {
  withAwsOptions(
    program
      .command('send-test <digestId>')
      .description('send one copy of an archived digest to an editor (not recorded in the ledger)')
      .requiredOption('--to <address>', 'who gets the copy')
      .addOption(resourceOption('bucket'))
      .option(
        '--digest-key <key>',
        'key of an archived digest.json to send (default: the digest as its record has it, edits included)',
      )
      .addOption(resourceOption('digestsTable', undefined, 'without --digest-key: '))
      .addOption(resourceOption('from'))
      .addOption(resourceOption('fromName'))
      .addOption(resourceOption('keySecret'))
      .addOption(resourceOption('linkBase'))
      .addOption(resourceOption('listId'))
      .addOption(resourceOption('replyTo'))
      .addOption(resourceOption('configurationSet'))
      .option(
        '--settings <file>',
        'email settings JSON (docs/email.md) to render the copy with, instead of those the digest was built with',
      )
      .option(
        '--templates <dir>',
        'email templates folder to render the copy with, instead of those the digest was built with',
      ),
  ).action(async (digestId: string, opts: EditorOptions & { to: string; digestKey?: string }) => {
    const { bucket } = await stackResources(opts, ['bucket']);
    const { digest, archivePrefix } = opts.digestKey
      ? {
          digest: await new S3DigestSource(
            namingResources(new S3Client({ ...clientConfig(opts), forcePathStyle: true })),
            bucket,
          ).load(opts.digestKey),
          // The folder of the archived digest.json, which RENDERING_FILE sits beside.
          archivePrefix: opts.digestKey.slice(0, opts.digestKey.lastIndexOf('/') + 1),
        }
      : await recordedDigest(digestId, opts);
    // Rendered as subscribers get it: with the email settings and templates kept beside the archive, as approve
    // renders it (editorRendering; --settings/--templates override them with a note, and without the kept ones
    // --settings is needed).
    const rendering = await editorRendering(opts, { digestId, archivePrefix });
    console.log(
      await sendTestCopy(digestId, digest, { ...opts, ...(await sendTestIdentity(opts)), rendering }),
    );
  });
}

/**
 * The digest as its record has it: the archived digest as built plus the recorded edits. A pending digest's
 * archive holds the digest as built until it is approved (src/core/digest-editing.ts), so a test copy of an
 * edited digest is the one its approve would send.
 */
async function recordedDigest(
  digestId: string,
  options: ResourceOptions,
): Promise<{ digest: Digest; archivePrefix: string }> {
  const record = await (await digestRecords(options)).get(digestId);
  if (!record) throw new UsageError(`digest ${digestId} does not exist`);
  if (!record.archivePrefix) throw new UsageError(`digest ${digestId} has no archive (${record.state})`);
  return {
    digest: (await (await digestEditor(options)).open(digestId)).digest,
    archivePrefix: record.archivePrefix,
  };
}

/** The deployed sender identity a test copy goes out with: flags, environment, else the stack's outputs. */
export async function sendTestIdentity(options: ResourceOptions) {
  return stackResources(
    options,
    ['from', 'fromName', 'keySecret', 'linkBase', 'listId'],
    ['replyTo', 'configurationSet'],
  );
}

/** What sending one test copy needs: who gets it, and the deployed sender identity and email settings. */
export interface SendTestOptions extends AwsOptions {
  to: string;
  from: string;
  fromName: string;
  keySecret: string;
  linkBase: string;
  listId: string;
  replyTo?: string;
  configurationSet?: string;
  settings?: string;
  templates?: string;
  /** What to render with instead of `settings` and `templates` (the studio: the deployed digest's own). */
  rendering?: { settings: EmailSettings; templates: TemplateSource };
}

/** Sends one copy of `digest` to an editor as subscribers get it (not recorded in the ledger). */
export async function sendTestCopy(digestId: string, digest: Digest, opts: SendTestOptions): Promise<string> {
  const now = new Date();
  const keys = new SecretsManagerKeyProvider(
    namingResources(new SecretsManagerClient(clientConfig(opts))),
    opts.keySecret,
  );
  const messages = new DigestMessages({
    templates: await loadTemplates(opts.rendering?.templates ?? templateFolder(opts.templates)),
    settings: opts.rendering?.settings ?? (await readEmailSettings(opts)),
    signer: new TokenSigner(keys),
    identity: {
      from: { name: opts.fromName, address: opts.from },
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      listId: opts.listId,
      // The worker names the list after the newsletter too (LIST_NAME = the sender's display name).
      listName: opts.fromName,
      linkBase: opts.linkBase,
    },
  });
  // An editor is not a subscriber: the links carry a reserved id that matches nobody.
  const editor = {
    ...createSubscriber(
      { email: opts.to, consent: { source: 'cli', at: now.toISOString() }, confirmed: true },
      now,
    ),
    id: 'send-test',
  };
  const raw = await messages.build(digestId, digest, editor, now);
  if (!raw) throw new UsageError(`digest ${digestId} has no themes to send`);
  const sender = new SesRawSender(namingResources(new SESClient(clientConfig(opts))), opts.configurationSet);
  const { messageId } = await sender.sendRaw(raw, messageTags(digestId, editor.id));
  return `sent a test copy of ${digestId} to ${editor.email} (SES MessageId ${messageId})`;
}
