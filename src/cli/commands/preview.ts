import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { DynamoDbArticleIndex } from '../../adapters/dynamodb-article-index.ts';
import { S3NormalisedArticles } from '../../adapters/s3-normalised-articles.ts';
import { DEFAULT_WINDOW_HOURS, previewDigest } from '../../core/scheduled-digest.ts';
import {
  type AwsOptions,
  clientConfig,
  parseWindowEnd,
  required,
  resourceOption,
  withAwsOptions,
} from '../aws-options.ts';

interface PreviewOptions extends AwsOptions {
  bucket?: string;
  indexTable?: string;
  window?: string;
  windowHours: string;
  title?: string;
  out: string;
}

export function registerPreview(program: Command): void {
  withAwsOptions(
    program
      .command('preview')
      .description('build locally, from the stored articles, the digest the scheduled run would send')
      .addOption(resourceOption('--bucket <name>', 'articles bucket', 'ARTICLES_BUCKET'))
      .addOption(resourceOption('--index-table <name>', 'article index table', 'ARTICLE_INDEX_TABLE'))
      .option('--window <iso>', 'end of the window (the scheduled time); default now')
      .option('--window-hours <n>', 'window length, as deployed', String(DEFAULT_WINDOW_HOURS))
      .option('--title <text>', 'digest title, as deployed')
      .option('--out <dir>', 'folder to write digest.json to', 'out/preview'),
  ).action(async (options: PreviewOptions) => {
    const s3 = new S3Client(clientConfig(options));
    const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig(options)));
    const { window, digest } = await previewDigest(
      new DynamoDbArticleIndex(db, required(options.indexTable, '--index-table')),
      new S3NormalisedArticles(s3, required(options.bucket, '--bucket')),
      parseWindowEnd(options.window),
      { windowHours: Number(options.windowHours), title: options.title },
    );
    const out = resolve(options.out);
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'digest.json'), `${JSON.stringify(digest, null, 2)}\n`);
    const articles = digest.themes.reduce((n, t) => n + t.articles.length, 0);
    console.log(`${window.digestId}: ${window.start.toISOString()} → ${window.end.toISOString()}`);
    console.log(`${digest.themes.length} themes from ${articles} articles; digest written to ${out}`);
  });
}
