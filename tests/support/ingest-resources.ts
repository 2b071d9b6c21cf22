import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ARTICLE_INDEX_SCHEMA, DynamoDbArticleIndex } from '../../src/adapters/dynamodb-article-index.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { S3NormalisedArticles } from '../../src/adapters/s3-normalised-articles.ts';
import { S3UploadedObjects } from '../../src/adapters/s3-uploaded-objects.ts';
import { UploadIngest, type UploadIngestOptions } from '../../src/core/upload-ingest.ts';
import { createIngestQueueHandler } from '../../src/handlers/ingest.ts';
import { motoClientConfig } from './aws.ts';
import { recordingObservability } from './logs.ts';

export interface IngestResources {
  s3: S3Client;
  sqs: SQSClient;
  db: DynamoDBDocumentClient;
  bucket: string;
  queueUrl: string;
  table: string;
}

/**
 * Creates in moto what infra/constructs/article-ingest.ts deploys: a versioned bucket whose `incoming/` uploads
 * and deletes (any name, no suffix filter) notify a queue, and the article index table. Names are unique per call.
 */
export async function createIngestResources(prefix = 'incoming/'): Promise<IngestResources> {
  const config = motoClientConfig();
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  const id = randomUUID().slice(0, 8);
  const bucket = `articles-${id}`;
  const table = `article-index-${id}`;

  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: `uploads-${id}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: 'incoming',
            QueueArn: Attributes?.QueueArn,
            Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } },
          },
        ],
      },
    }),
  );
  await db.send(new CreateTableCommand(createTableInput(table, ARTICLE_INDEX_SCHEMA)));
  return { s3, sqs, db, bucket, queueUrl, table };
}

export const MAX_BYTES = 1024 * 1024;

/** The ingest handler as functions/ingest.ts wires it, on moto; `now` stamps the index entries (a test's clock). */
export function ingestHandler(
  r: IngestResources,
  s3: S3Client = r.s3,
  options: Pick<UploadIngestOptions, 'now'> = {},
) {
  const { log, metrics, lines: logLines } = recordingObservability();
  const index = new DynamoDbArticleIndex(r.db, r.table);
  const handler = createIngestQueueHandler({
    ingest: new UploadIngest(
      new S3UploadedObjects(s3, r.bucket),
      new S3NormalisedArticles(s3, r.bucket),
      index,
      { maxArticleBytes: MAX_BYTES, ...options },
    ),
    bucket: r.bucket,
    log,
    metrics,
  });
  return { handler, index, logLines, articles: new S3NormalisedArticles(r.s3, r.bucket) };
}

/** What an S3 client on moto does to each GetObject before sending it. */
export interface ReadFaults {
  /** Keys whose reads fail with S3's SlowDown (503), before the SDK's retries: a read that stays throttled. */
  throttled?: ReadonlySet<string>;
  /** Awaited first: a read that takes long enough for something else to happen meanwhile. */
  beforeRead?: (key: string) => Promise<void>;
}

/** An S3 client on moto with faults injected into GetObject; `faults` is read at each call, so a test can change it. */
export function s3WithReadFaults(faults: ReadFaults): S3Client {
  const s3 = new S3Client(motoClientConfig());
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const { Key = '' } = args.input as { Key?: string };
      if (context.commandName !== 'GetObjectCommand') return next(args);
      await faults.beforeRead?.(Key);
      if (faults.throttled?.has(Key)) {
        throw Object.assign(new Error('Please reduce your request rate.'), {
          name: 'SlowDown',
          $metadata: { httpStatusCode: 503 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectReadFaults' },
  );
  return s3;
}

/**
 * An S3 client on moto that refuses keys over 1,024 bytes of UTF-8 as S3 does (400 KeyTooLongError); moto stores
 * them.
 */
export function s3WithKeyLimit(): S3Client {
  const s3 = new S3Client(motoClientConfig());
  s3.middlewareStack.add(
    (next) => async (args) => {
      const { Key = '' } = args.input as { Key?: string };
      if (Buffer.byteLength(Key) > 1024) {
        throw Object.assign(new Error('Your key is too long'), {
          name: 'KeyTooLongError',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseLongKeys' },
  );
  return s3;
}

export async function upload(
  r: IngestResources,
  key: string,
  body: string | Uint8Array,
  contentType?: string,
) {
  const put = await r.s3.send(
    new PutObjectCommand({ Bucket: r.bucket, Key: key, Body: body, ContentType: contentType }),
  );
  return put.VersionId ?? '';
}

/** Deletes every version of a key, as moto notifies a versioned bucket's delete only when the last version goes. */
export async function deleteEveryVersion(r: IngestResources, key: string): Promise<void> {
  const { Versions = [] } = await r.s3.send(new ListObjectVersionsCommand({ Bucket: r.bucket, Prefix: key }));
  for (const version of Versions.filter((v) => v.Key === key)) {
    await r.s3.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: key, VersionId: version.VersionId }));
  }
}

export async function indexItems(r: IngestResources) {
  const { Items = [] } = await r.db.send(new ScanCommand({ TableName: r.table }));
  return Object.fromEntries(Items.map((item) => [item.key as string, item]));
}

export async function seeds() {
  const names = (await readdir('seeds')).sort();
  return Promise.all(
    names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(`seeds/${name}`)) })),
  );
}
