import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Article } from '../core/article.ts';
import { StorageError } from '../core/errors.ts';
import type { NormalisedArticles } from '../core/ports/normalised-articles.ts';
import { isMissingBucket, isNotFound, missingBucket } from './aws-errors.ts';

/** Normalised articles as JSON objects in S3 (an article may reach 1 MB; a DynamoDB item stops at 400 KB). */
export class S3NormalisedArticles implements NormalisedArticles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(path: string, article: Article): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: path,
        Body: JSON.stringify(article),
        ContentType: 'application/json',
      }),
    );
  }

  async get(path: string): Promise<Article | undefined> {
    const object = await this.s3
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: path }))
      .catch((error: unknown) => {
        if (isMissingBucket(error)) throw missingBucket(this.bucket, error);
        if (isNotFound(error)) return undefined;
        throw error;
      });
    if (!object) return undefined;
    if (!object.Body) throw new StorageError(`s3://${this.bucket}/${path}: empty GetObject response`);
    return JSON.parse(await object.Body.transformToString('utf-8')) as Article;
  }

  async remove(path: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }));
  }
}
