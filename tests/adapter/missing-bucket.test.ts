// A missing bucket answers 404 like a missing object: the adapters must not read it as "no such object" (an
// upload taken for deleted, an article left out of a digest), but fail, naming the bucket.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { S3NormalisedArticles } from '../../src/adapters/s3-normalised-articles.ts';
import { S3UploadedObjects } from '../../src/adapters/s3-uploaded-objects.ts';
import { StorageError } from '../../src/core/errors.ts';
import { motoClientConfig } from '../support/aws.ts';

const s3 = new S3Client(motoClientConfig());

describe('S3 adapters on a bucket that does not exist (moto)', () => {
  it('fail with an error naming the missing bucket, and still read a missing object in a bucket as missing', async () => {
    // Prepare
    const existing = `articles-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: existing }));
    const missing = `no-such-bucket-${randomUUID().slice(0, 8)}`;

    // Act
    const outcomes = await Promise.all(
      [
        () => new S3UploadedObjects(s3, missing).head('incoming/a.txt'),
        () => new S3UploadedObjects(s3, missing).head('incoming/a.txt', 'v1'),
        () => new S3NormalisedArticles(s3, missing).get('normalised/a.json'),
      ].map((call) =>
        call().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      ),
    );
    const inExisting = await Promise.all([
      new S3UploadedObjects(s3, existing).head('incoming/a.txt'),
      new S3NormalisedArticles(s3, existing).get('normalised/a.json'),
      new S3DigestArchive(s3, existing).get('digests/2026/11/27/d/', 'digest.json'),
    ]);

    // Assess
    for (const outcome of outcomes) {
      expect(outcome).toEqual({ error: expect.any(StorageError) });
      expect((outcome as { error: Error }).error.message).toBe(`S3 bucket ${missing} does not exist`);
    }
    expect(inExisting).toEqual([undefined, undefined, undefined]);
    // The archive never took a missing bucket for a missing digest (it catches NoSuchKey alone); the CLI names it.
    await expect(
      new S3DigestArchive(s3, missing).get('digests/2026/11/27/d/', 'digest.json'),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
