import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbSendLedger } from '../src/adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { precompiledTemplateFolder } from '../src/adapters/precompiled-template-folder.ts';
import { S3DigestSource } from '../src/adapters/s3-digest-source.ts';
import { SecretsManagerKeyProvider } from '../src/adapters/secrets-manager-keys.ts';
import { SesRawSender } from '../src/adapters/ses-raw-sender.ts';
import { SqsBatchQueue } from '../src/adapters/sqs-batch-queue.ts';
import { ConfigError } from '../src/core/errors.ts';
import type { DigestSource } from '../src/core/ports/sending.ts';
import { hasPlaceholderAddress, parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { archivePageUrl, DigestMessages } from '../src/core/sending/message.ts';
import { Pacer, sleepFor } from '../src/core/sending/pacing.ts';
import { digestCache, type SendBatchOptions, sendBatch } from '../src/core/sending/send-batch.ts';
import { TokenSigner } from '../src/core/signed-links.ts';
import type { SqsHandler } from './send-fanout.ts';
import { parseBody, readWorkerEnvironment, recipientBatchSchema } from './sending-config.ts';
import { logFailure } from './subscribers-config.ts';

export interface SendWorkerOptions extends Omit<SendBatchOptions, 'buildMessage'> {
  digests: DigestSource;
  messages: DigestMessages;
  /** https:// base of the public archive site; without it the messages carry no "View in browser" link. */
  archiveBase?: string;
}

/**
 * Consumes recipient batches (ReportBatchItemFailures). A batch that fails (throttled past its retries,
 * storage errors, a bad body) is reported and redelivered by SQS, then lands on the DLQ; the ledger makes
 * every redelivery send only what has not been sent.
 */
export function createSendWorker(options: SendWorkerOptions): SqsHandler {
  // Bulk-mail law: no subscriber gets a mail without the operator's real postal address.
  if (hasPlaceholderAddress(options.messages.settings)) {
    throw new ConfigError(
      'the send worker refuses to send: EMAIL_SETTINGS carries the placeholder postal address (set email.postalAddress in digest:config)',
    );
  }
  const digest = digestCache((key) => options.digests.load(key));
  const pacer =
    options.pacer ?? new Pacer(() => (options.clock?.() ?? new Date()).getTime(), options.sleep ?? sleepFor);
  return async (event) => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        const batch = parseBody(recipientBatchSchema, record.body, record.messageId);
        const loaded = await digest(batch.digestKey);
        const archiveUrl = options.archiveBase
          ? archivePageUrl(options.archiveBase, batch.digestKey)
          : undefined;
        const outcome = await sendBatch(batch, {
          ...options,
          pacer,
          buildMessage: (subscriber, now) =>
            options.messages.build(batch.digestId, loaded, subscriber, now, archiveUrl),
        });
        console.log(
          JSON.stringify({ level: 'INFO', message: 'batch done', digestId: batch.digestId, ...outcome }),
        );
      } catch (error) {
        logFailure('send batch failed; SQS will redeliver it', error, { sqsMessageId: record.messageId });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let configured: Promise<SqsHandler> | undefined;

async function configure(): Promise<SqsHandler> {
  const env = readWorkerEnvironment();
  const dynamo = new DynamoDBClient({});
  const templatesDir = env.TEMPLATES_DIR ?? fileURLToPath(new URL('./templates/', import.meta.url));
  const keys = new SecretsManagerKeyProvider(new SecretsManagerClient({}), env.TOKEN_KEY_SECRET);
  return createSendWorker({
    ledger: new DynamoDbSendLedger(dynamo, env.LEDGER_TABLE),
    subscribers: new DynamoDbSubscriberRepository(dynamo, env.SUBSCRIBER_TABLE),
    // One attempt per SDK call: the send loop paces and backs off itself.
    sender: new SesRawSender(new SESClient({ maxAttempts: 1 }), env.SES_CONFIGURATION_SET),
    queue: new SqsBatchQueue(new SQSClient({}), env.SEND_QUEUE_URL),
    digests: new S3DigestSource(new S3Client({}), env.ARCHIVE_BUCKET),
    messages: new DigestMessages({
      templates: await loadTemplates(precompiledTemplateFolder(templatesDir)),
      settings: parseEmailSettings(JSON.parse(env.EMAIL_SETTINGS)),
      signer: new TokenSigner(keys, { rotationGraceMs: env.TOKEN_ROTATION_GRACE_DAYS * 86_400_000 }),
      identity: {
        from: { name: env.SENDER_NAME, address: env.SENDER_ADDRESS },
        ...(env.REPLY_TO ? { replyTo: env.REPLY_TO } : {}),
        listId: env.LIST_ID,
        ...(env.LIST_NAME ? { listName: env.LIST_NAME } : {}),
        linkBase: env.LINK_BASE,
      },
    }),
    workers: env.MAX_WORKERS,
    ...(env.RATE_PER_WORKER ? { ratePerWorker: env.RATE_PER_WORKER } : {}),
    leaseMs: env.LEASE_SECONDS * 1000,
    quotaDelaySeconds: env.QUOTA_DELAY_SECONDS,
    ...(env.ARCHIVE_BASE_URL ? { archiveBase: env.ARCHIVE_BASE_URL } : {}),
  });
}

export const handler: SqsHandler = async (event) => {
  configured ??= configure();
  return (await configured)(event);
};
