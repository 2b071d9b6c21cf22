import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveFile, DigestArchive } from '../core/ports/digest-archive.ts';

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
}
