import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbArticleIndex } from '../src/adapters/dynamodb-article-index.ts';
import { DynamoDbDigestRecords } from '../src/adapters/dynamodb-digest-records.ts';
import { powertoolsLogger, powertoolsMetrics } from '../src/adapters/powertools-observability.ts';
import { precompiledTemplateFolder } from '../src/adapters/precompiled-template-folder.ts';
import { S3DigestArchive } from '../src/adapters/s3-digest-archive.ts';
import { S3NormalisedArticles } from '../src/adapters/s3-normalised-articles.ts';
import { SqsDigestHandoff } from '../src/adapters/sqs-digest-handoff.ts';
import { EmailArchiveRenderer } from '../src/core/render/archive.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { compileTemplates } from '../src/core/render/templates.ts';
import { ScheduledDigestRunner } from '../src/core/scheduled-digest.ts';
import { createDigestHandler } from '../src/handlers/digest.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';

type DigestHandler = ReturnType<typeof createDigestHandler>;

// Configuration validated, clients made and templates loaded on the first call (`npm run bench` times it).
async function configure(): Promise<DigestHandler> {
  const env = parseEnvironment('digest');
  const s3 = new S3Client({});
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const log = powertoolsLogger('digest');
  // The bundle ships the precompiled templates beside index.mjs (BundledFunction's `templates` prop);
  // TEMPLATES_DIR points elsewhere, as for the send worker, so tests can import this file from the sources.
  const templateFiles = await precompiledTemplateFolder(
    env.TEMPLATES_DIR ?? fileURLToPath(new URL('./templates/', import.meta.url)),
  ).readAll();
  const settings = parseEmailSettings(JSON.parse(env.EMAIL_SETTINGS));
  const digest = new ScheduledDigestRunner(
    {
      index: new DynamoDbArticleIndex(db, env.ARTICLE_INDEX_TABLE),
      articles: new S3NormalisedArticles(s3, env.ARTICLES_BUCKET),
      records: new DynamoDbDigestRecords(db, env.DIGESTS_TABLE),
      archive: new S3DigestArchive(s3, env.ARTICLES_BUCKET),
      // Keeps the settings and templates beside each archive (rendering.json): an editor's approve renders with them.
      renderer: new EmailArchiveRenderer(compileTemplates(templateFiles), settings, templateFiles),
      handoff: new SqsDigestHandoff(new SQSClient({}), env.APPROVED_QUEUE_URL),
      log,
    },
    {
      windowHours: env.WINDOW_HOURS,
      sendMode: env.SEND_MODE,
      reviewHours: env.REVIEW_HOURS,
      onReviewDeadline: env.ON_REVIEW_DEADLINE,
      leaseSeconds: env.LEASE_SECONDS,
      settleSeconds: env.INDEX_SETTLE_SECONDS,
      title: env.DIGEST_TITLE,
      intro: env.DIGEST_INTRO,
    },
  );
  return createDigestHandler(digest, log, powertoolsMetrics('digest'));
}

export const handler: DigestHandler = configuredOnFirstCall(configure);
