import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  ARCHIVE_PAGE,
  type ArchiveFile,
  type DigestArchive,
  PUBLISHED_PAGE_TAG,
} from '../core/ports/digest-archive.ts';

/** Archived digests as objects under a prefix of the articles bucket. */
export class S3DigestArchive implements DigestArchive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(prefix: string, files: readonly ArchiveFile[]): Promise<void> {
    await Promise.all(
      files.map((file) =>
        this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: `${prefix}${file.name}`,
            Body: file.body,
            ContentType: file.contentType,
          }),
        ),
      ),
    );
  }

  async get(prefix: string, name: string): Promise<string | undefined> {
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${prefix}${name}` }),
      );
      return await Body?.transformToString('utf8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async publish(prefix: string): Promise<void> {
    await this.s3.send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: `${prefix}${ARCHIVE_PAGE}`,
        Tagging: { TagSet: [{ Key: PUBLISHED_PAGE_TAG.key, Value: PUBLISHED_PAGE_TAG.value }] },
      }),
    );
  }
}
