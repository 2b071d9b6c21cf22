import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { namingResources } from '../../adapters/aws-errors.ts';
import { DynamoDbArticleIndex } from '../../adapters/dynamodb-article-index.ts';
import { S3NormalisedArticles } from '../../adapters/s3-normalised-articles.ts';
import type { EmailSettings } from '../../core/render/settings.ts';
import { previewDigest } from '../../core/scheduled-digest.ts';
import { clientConfig, parseWindowEnd, stackResources } from '../aws-options.ts';
import { digestRecords } from '../digest-editor.ts';
import { writeDigestFiles } from '../digest-files.ts';
import { count } from '../output.ts';
import type { BucketPreviewOptions } from './preview-options.ts';

/**
 * Builds locally, with the same core, the exact digest the cloud run would send for the window from the stored
 * articles, and writes it as the four digest files.
 */
export async function previewFromBucket(
  options: BucketPreviewOptions,
  settings: EmailSettings,
): Promise<void> {
  // With the digests table (given, or the stack's) the window starts where the last completed one ended.
  const resources = { ...options, bucket: options.bucket === true ? undefined : options.bucket };
  const { bucket, indexTable, digestsTable } = await stackResources(
    resources,
    ['bucket', 'indexTable'],
    ['digestsTable'],
  );
  const s3 = namingResources(new S3Client(clientConfig(options)));
  const db = DynamoDBDocumentClient.from(namingResources(new DynamoDBClient(clientConfig(options))));
  const { window, digest } = await previewDigest(
    new DynamoDbArticleIndex(db, indexTable),
    new S3NormalisedArticles(s3, bucket),
    parseWindowEnd(options.window),
    {
      windowHours: Number(options.windowHours),
      title: options.title,
      ...(digestsTable && { records: await digestRecords({ ...resources, digestsTable }) }),
    },
  );
  const { out } = await writeDigestFiles(options.out, digest, { settings, templates: options.templates });
  const articles = digest.themes.reduce((n, t) => n + t.articles.length, 0);
  console.log(`${window.digestId}: ${window.start.toISOString()} → ${window.end.toISOString()}`);
  console.log(
    `${count(digest.themes.length, 'theme')} from ${count(articles, 'article')}; digest written to ${out}`,
  );
}
