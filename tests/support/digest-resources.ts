import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDbArticleIndex } from '../../src/adapters/dynamodb-article-index.ts';
import { DIGEST_RECORDS_SCHEMA, DynamoDbDigestRecords } from '../../src/adapters/dynamodb-digest-records.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { S3NormalisedArticles } from '../../src/adapters/s3-normalised-articles.ts';
import { SqsDigestHandoff } from '../../src/adapters/sqs-digest-handoff.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { EmailArchiveRenderer } from '../../src/core/render/archive.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { ScheduledDigestRunner, type ScheduledDigestRunnerOptions } from '../../src/core/scheduled-digest.ts';
import { motoClientConfig } from './aws.ts';
import type { IngestResources } from './ingest-resources.ts';
import { recordingObservability } from './logs.ts';

export interface DigestResources {
  digestsTable: string;
  approvedQueueUrl: string;
}

/** The environment functions/digest.ts reads, for the resources in moto (clients pointed at moto too). */
export function digestLambdaEnvironment(r: IngestResources, d: DigestResources): Record<string, string> {
  const { endpoint, region, credentials } = motoClientConfig();
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ARTICLES_BUCKET: r.bucket,
    ARTICLE_INDEX_TABLE: r.table,
    DIGESTS_TABLE: d.digestsTable,
    APPROVED_QUEUE_URL: d.approvedQueueUrl,
    WINDOW_HOURS: '24',
    SEND_MODE: 'auto',
    REVIEW_HOURS: '24',
    ON_REVIEW_DEADLINE: 'send',
    LEASE_SECONDS: '360',
    // The tests' runs read the index at once; the wait is tested with the runner (scheduled-digest.test.ts).
    INDEX_SETTLE_SECONDS: '0',
  };
}

/** Creates in moto what infra/constructs/scheduled-digest.ts adds: the digests table and the approved queue. */
export async function createDigestResources(r: IngestResources): Promise<DigestResources> {
  const id = randomUUID().slice(0, 8);
  const digestsTable = `digests-${id}`;
  await r.db.send(new CreateTableCommand(createTableInput(digestsTable, DIGEST_RECORDS_SCHEMA)));
  const { QueueUrl = '' } = await r.sqs.send(new CreateQueueCommand({ QueueName: `digest-approved-${id}` }));
  return { digestsTable, approvedQueueUrl: QueueUrl };
}

const templateFiles = await templateFolder().readAll();
/** The renderer functions/digest.ts wires, on the default email settings, keeping them beside each archive. */
export const archiveRenderer = new EmailArchiveRenderer(
  await loadTemplates(templateFolder()),
  parseEmailSettings({}),
  templateFiles,
);

/**
 * The same wiring as functions/digest.ts, on moto clients, with its log lines captured; `articlesS3` reads the
 * normalised articles (a test's client with faults injected).
 */
export function scheduledDigest(
  r: IngestResources,
  d: DigestResources,
  options: ScheduledDigestRunnerOptions = {},
  articlesS3: S3Client = r.s3,
) {
  const { log, metrics, lines: logLines } = recordingObservability();
  const records = new DynamoDbDigestRecords(r.db, d.digestsTable);
  const digest = new ScheduledDigestRunner(
    {
      index: new DynamoDbArticleIndex(r.db, r.table),
      articles: new S3NormalisedArticles(articlesS3, r.bucket),
      records,
      archive: new S3DigestArchive(r.s3, r.bucket),
      renderer: archiveRenderer,
      handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
      log,
    },
    options,
  );
  return { digest, records, log, metrics, logLines };
}

/** Every "digest approved" message waiting on the queue, parsed. */
export async function approvedMessages(
  r: IngestResources,
  d: DigestResources,
): Promise<{ digestId: string }[]> {
  const messages: { digestId: string }[] = [];
  for (;;) {
    const { Messages = [] } = await r.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: d.approvedQueueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 300,
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}')));
  }
}
