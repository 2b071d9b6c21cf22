import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StorageError } from '../core/errors.ts';
import type { UploadedObjectHead, UploadedObjects } from '../core/ports/uploaded-objects.ts';
import { isMissingBucket, isNotFound, missingBucket } from './aws-errors.ts';

/** Uploaded objects in one S3 bucket. */
export class S3UploadedObjects implements UploadedObjects {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async head(key: string, versionId?: string): Promise<UploadedObjectHead | undefined> {
    try {
      const head = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      return {
        key,
        ...(head.VersionId && head.VersionId !== 'null' && { versionId: head.VersionId }),
        etag: head.ETag ?? '',
        size: head.ContentLength ?? 0,
        ...(head.ContentType && { contentType: head.ContentType }),
        lastModified: head.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isMissingBucket(error)) throw missingBucket(this.bucket, error);
      if (!isNotFound(error)) throw error;
      // HeadObject's 404 has no body: a missing bucket answers it too. Asked only of an object not found.
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket })).catch((bucketError: unknown) => {
        throw isMissingBucket(bucketError) || isNotFound(bucketError)
          ? missingBucket(this.bucket, bucketError)
          : bucketError;
      });
      return undefined;
    }
  }

  async read(head: UploadedObjectHead): Promise<Uint8Array> {
    // The exact version that was checked: a version id when there is one, else the ETag as a precondition.
    const object = await this.s3.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: head.key,
        ...(head.versionId ? { VersionId: head.versionId } : { IfMatch: head.etag }),
      }),
    );
    if (!object.Body) throw new StorageError(`s3://${this.bucket}/${head.key}: empty GetObject response`);
    return object.Body.transformToByteArray();
  }
}
