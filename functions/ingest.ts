import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbArticleIndex } from '../src/adapters/dynamodb-article-index.ts';
import { powertoolsLogger, powertoolsMetrics } from '../src/adapters/powertools-observability.ts';
import { S3NormalisedArticles } from '../src/adapters/s3-normalised-articles.ts';
import { S3UploadedObjects } from '../src/adapters/s3-uploaded-objects.ts';
import { UploadIngest } from '../src/core/upload-ingest.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { createIngestQueueHandler } from '../src/handlers/ingest.ts';

// Cold start: configuration validated and clients made once per execution environment.
const env = parseEnvironment('ingest');
const s3 = new S3Client({});
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = createIngestQueueHandler({
  ingest: new UploadIngest(
    new S3UploadedObjects(s3, env.ARTICLES_BUCKET),
    new S3NormalisedArticles(s3, env.ARTICLES_BUCKET),
    new DynamoDbArticleIndex(db, env.ARTICLE_INDEX_TABLE),
    { maxArticleBytes: env.MAX_ARTICLE_BYTES },
  ),
  bucket: env.ARTICLES_BUCKET,
  log: powertoolsLogger('ingest'),
  metrics: powertoolsMetrics('ingest'),
});
