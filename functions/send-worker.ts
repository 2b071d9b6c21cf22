import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbSendLedger } from '../src/adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { powertoolsLogger, powertoolsMetrics } from '../src/adapters/powertools-observability.ts';
import { precompiledTemplateFolder } from '../src/adapters/precompiled-template-folder.ts';
import { S3DigestSource } from '../src/adapters/s3-digest-source.ts';
import { hasherFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { SecretsManagerKeyProvider } from '../src/adapters/secrets-manager-keys.ts';
import { SesRawSender } from '../src/adapters/ses-raw-sender.ts';
import { SqsBatchQueue } from '../src/adapters/sqs-batch-queue.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { DigestMessages } from '../src/core/sending/message.ts';
import { TokenSigner } from '../src/core/signed-links.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';
import { createSendWorker } from '../src/handlers/send-worker.ts';
import type { SqsHandler } from '../src/handlers/sqs-batch.ts';

async function configure(): Promise<SqsHandler> {
  const env = parseEnvironment('send-worker');
  const dynamo = new DynamoDBClient({});
  const templatesDir = env.TEMPLATES_DIR ?? fileURLToPath(new URL('./templates/', import.meta.url));
  const secrets = new SecretsManagerClient({});
  const keys = new SecretsManagerKeyProvider(secrets, env.TOKEN_KEY_SECRET);
  return createSendWorker({
    ledger: new DynamoDbSendLedger(dynamo, env.LEDGER_TABLE),
    subscribers: new DynamoDbSubscriberRepository(dynamo, env.SUBSCRIBER_TABLE),
    addressHash: await hasherFromSecret(secrets, env.HASH_KEY_SECRET),
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
    log: powertoolsLogger('send-worker'),
    metrics: powertoolsMetrics('send-worker'),
    workers: env.MAX_WORKERS,
    ...(env.RATE_PER_WORKER ? { ratePerWorker: env.RATE_PER_WORKER } : {}),
    leaseMs: env.LEASE_SECONDS * 1000,
    quotaDelaySeconds: env.QUOTA_DELAY_SECONDS,
    ...(env.ARCHIVE_BASE_URL ? { archiveBase: env.ARCHIVE_BASE_URL } : {}),
  });
}

export const handler: SqsHandler = configuredOnFirstCall(configure);
