import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import type { Command } from 'commander';
import { DynamoDbSendLedger } from '../../adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../../adapters/dynamodb-subscribers.ts';
import { S3DigestSource } from '../../adapters/s3-digest-source.ts';
import { SecretsManagerKeyProvider } from '../../adapters/secrets-manager-keys.ts';
import { SesRawSender } from '../../adapters/ses-raw-sender.ts';
import { templateFolder } from '../../adapters/template-folder.ts';
import type { Digest } from '../../core/digest.ts';
import { UsageError } from '../../core/errors.ts';
import { loadTemplates } from '../../core/render/templates.ts';
import { DigestMessages } from '../../core/sending/message.ts';
import { sendReport } from '../../core/sending/report.ts';
import { messageTags } from '../../core/sending/tags.ts';
import { TokenSigner } from '../../core/signed-links.ts';
import { createSubscriber } from '../../core/subscribers/subscriber.ts';
import { type AwsOptions, clientConfig } from '../aws-options.ts';
import { readEmailSettings } from '../email-settings.ts';

/** Prints a digest's send report from the ledger: sent, failed, unknown, bounced, complained, unsubscribed. */
export async function printSendReport(
  digestId: string,
  opts: AwsOptions & { ledgerTable: string; subscriberTable: string; json?: boolean },
): Promise<void> {
  const dynamo = new DynamoDBClient(clientConfig(opts));
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
  program
    .command('send-test <digestId>')
    .description('send one copy of an archived digest to an editor (not recorded in the ledger)')
    .requiredOption('--to <address>', 'who gets the copy')
    .requiredOption('--bucket <name>', 'archive bucket')
    .requiredOption('--digest-key <key>', 'key of the archived digest.json')
    .requiredOption('--from <address>', 'verified SES sender')
    .requiredOption('--from-name <name>', 'display name of the sender')
    .requiredOption('--key-secret <id>', 'Secrets Manager id of the token keys')
    .requiredOption('--link-base <url>', 'https:// base of the subscription endpoint')
    .requiredOption('--list-id <id>', 'List-Id, e.g. daily.news.example.com')
    .option('--reply-to <address>', 'Reply-To address')
    .option('--configuration-set <name>', 'SES configuration set')
    .option('--settings <file>', 'email settings JSON (docs/email.md)')
    .option('--templates <dir>', 'template folder')
    .option('--endpoint <url>', 'AWS endpoint for a local stack (e.g. http://127.0.0.1:5000)')
    .option('--region <region>', 'AWS region (default: from the AWS environment)')
    .action(async (digestId: string, opts: SendTestOptions & { bucket: string; digestKey: string }) => {
      const digest = await new S3DigestSource(
        new S3Client({ ...clientConfig(opts), forcePathStyle: true }),
        opts.bucket,
      ).load(opts.digestKey);
      console.log(await sendTestCopy(digestId, digest, opts));
    });
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
}

/** Sends one copy of `digest` to an editor as subscribers get it (not recorded in the ledger). */
export async function sendTestCopy(digestId: string, digest: Digest, opts: SendTestOptions): Promise<string> {
  const now = new Date();
  const keys = new SecretsManagerKeyProvider(new SecretsManagerClient(clientConfig(opts)), opts.keySecret);
  const messages = new DigestMessages({
    templates: await loadTemplates(templateFolder(opts.templates)),
    settings: await readEmailSettings(opts),
    signer: new TokenSigner(keys),
    identity: {
      from: { name: opts.fromName, address: opts.from },
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      listId: opts.listId,
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
  const sender = new SesRawSender(new SESClient(clientConfig(opts)), opts.configurationSet);
  const { messageId } = await sender.sendRaw(raw, messageTags(digestId, editor.id));
  return `sent a test copy of ${digestId} to ${editor.email} (SES MessageId ${messageId})`;
}
