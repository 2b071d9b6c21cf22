import { readFileSync } from 'node:fs';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbSendLedger, SEND_LEDGER_SCHEMA } from '../../src/adapters/dynamodb-send-ledger.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { S3DigestSource } from '../../src/adapters/s3-digest-source.ts';
import { SesRawSender } from '../../src/adapters/ses-raw-sender.ts';
import { SqsBatchQueue } from '../../src/adapters/sqs-batch-queue.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import type { Digest } from '../../src/core/digest.ts';
import type { MailSender } from '../../src/core/ports/sending.ts';
import { RENDERING_FILE, templateSources } from '../../src/core/render/archive.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { DigestMessages } from '../../src/core/sending/message.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import { motoClientConfig } from './aws.ts';
import { SENDER, type subscriberStack } from './subscribers.ts';

export const LINK_BASE = 'https://subscribe.example.org';
export const LIST_ID = 'morning.news.example.org';
export const REPLY_TO = 'editors@news.example.org';
/** A real-looking sender address: the send worker refuses the placeholder one. */
export const EMAIL_SETTINGS = {
  footer: { postalAddress: ['Morning Brief Ltd', '12 Quay Street', 'Galway H91 X2E0', 'Ireland'] },
};

/** RENDERING_FILE as the digest Lambda keeps it beside an archived digest: `settings` and this package's templates. */
export async function keptRendering(settings: unknown): Promise<string> {
  const templates = Object.fromEntries(templateSources(await templateFolder().readAll()));
  return JSON.stringify({ settings: parseEmailSettings(settings), templates });
}

/** Ledger table (same keys and index as infra/constructs/sending.ts), send queue and archive bucket in moto. */
export async function sendingStack(subscribers: Awaited<ReturnType<typeof subscriberStack>>, digest: Digest) {
  const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const ledgerTable = `send-ledger-${suffix}`;
  await subscribers.dynamo.send(new CreateTableCommand(createTableInput(ledgerTable, SEND_LEDGER_SCHEMA)));
  const sqs = new SQSClient(motoClientConfig());
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `send-${suffix}` }));
  const s3 = new S3Client(motoClientConfig());
  const bucket = `archive-${suffix}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const digestId = `2026-11-23.daily-${suffix}`;
  const digestKey = `digests/2026/11/23/${digestId}/digest.json`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: digestKey, Body: JSON.stringify(digest) }));
  // Beside it, as the digest Lambda keeps it: what `digest send-test` and approve render with.
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: digestKey.replace(/digest\.json$/, RENDERING_FILE),
      Body: await keptRendering(EMAIL_SETTINGS),
    }),
  );
  const queueUrl = QueueUrl ?? '';
  const ses = new SESClient({ ...motoClientConfig(), maxAttempts: 1 });
  const messages = new DigestMessages({
    templates: await loadTemplates(templateFolder()),
    settings: parseEmailSettings(EMAIL_SETTINGS),
    signer: new TokenSigner(subscribers.keys),
    identity: {
      from: { name: 'Morning Brief', address: SENDER },
      replyTo: REPLY_TO,
      listId: LIST_ID,
      listName: 'Morning Brief',
      linkBase: LINK_BASE,
    },
  });
  return {
    ledgerTable,
    ledger: new DynamoDbSendLedger(subscribers.dynamo, ledgerTable),
    sqs,
    queueUrl,
    queue: new SqsBatchQueue(sqs, queueUrl),
    bucket,
    s3,
    digests: new S3DigestSource(s3, bucket),
    digestId,
    digestKey,
    ses,
    sender: new SesRawSender(ses, 'digest-sending'),
    messages,
  };
}

/**
 * moto reports a fixed 200-a-day quota and counts every message of the whole test run against it, so
 * the moto tests lift the daily limit (keeping its rate); the quota path is tested with
 * aws-sdk-client-mock in tests/adapters/send-errors.test.ts.
 */
export function withoutDailyLimit(sender: MailSender): MailSender {
  return {
    sendRaw: (raw, tags) => sender.sendRaw(raw, tags),
    quota: async () => ({ ...(await sender.quota()), max24HourSend: -1 }),
  };
}

const SQS_TEMPLATE = JSON.parse(
  readFileSync(new URL('../fixtures/sqs/send-request.json', import.meta.url), 'utf8'),
) as SQSEvent;

/** An SQS event shaped like the recorded one, carrying these bodies. */
export function sqsEvent(...bodies: { messageId: string; body: string }[]): SQSEvent {
  const template = SQS_TEMPLATE.Records[0] as SQSRecord;
  return { Records: bodies.map(({ messageId, body }) => ({ ...template, messageId, body })) };
}

/** Takes every message now on the queue (deleting them) as an SQS event for a handler. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<SQSEvent> {
  const taken: { messageId: string; body: string }[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages || Messages.length === 0) break;
    for (const message of Messages) {
      taken.push({ messageId: message.MessageId ?? '', body: message.Body ?? '' });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return sqsEvent(...taken);
}

/** A clock that moves only when the code under test sleeps; the waits are recorded. */
export function virtualTime(start = Date.now()) {
  let now = start;
  const waits: number[] = [];
  return {
    waits,
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
