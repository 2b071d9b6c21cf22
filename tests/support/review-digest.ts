import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { DigestEditor } from '../../src/core/digest-editing.ts';
import { createDigestResources, scheduledDigest } from './digest-resources.ts';
import { createIngestResources, ingestHandler, upload } from './ingest-resources.ts';
import { receiveAsLambdaEvent } from './sqs-lambda.ts';

/** The seeds and four unrelated stories: a digest of five themes. */
export async function reviewArticles(): Promise<{ name: string; bytes: Buffer }[]> {
  const paths = [
    ...(await readdir('seeds')).map((name) => join('seeds', name)),
    ...(await readdir('tests/fixtures/articles/eval'))
      .filter((name) => name.endsWith('.txt'))
      .map((name) => join('tests/fixtures/articles/eval', name)),
    'tests/fixtures/articles/wire-story.txt',
  ];
  return Promise.all(
    paths.map(async (path) => ({ name: path.split('/').pop() as string, bytes: await readFile(path) })),
  );
}

/**
 * The articles uploaded and ingested on moto, and a review-mode scheduled digest whose next slot (the coming
 * minute, so the window holds every upload) is ready to run.
 */
export async function reviewModeSetup(files: readonly { name: string; bytes: Uint8Array }[]) {
  const r = await createIngestResources();
  const d = await createDigestResources(r);
  for (const file of files) await upload(r, `incoming/${file.name}`, file.bytes);
  await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
  const slot = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
  const cloud = scheduledDigest(r, d, { sendMode: 'review' });
  return { r, d, slot, cloud };
}

/** A review-mode digest of five themes built by the scheduled run on moto, pending. */
export async function pendingDigest() {
  const { r, d, slot, cloud } = await reviewModeSetup(await reviewArticles());
  const { digestId, outcome } = await cloud.digest.run(slot);
  if (outcome !== 'pending') throw new Error(`expected a pending digest, got ${outcome}`);
  const archive = new S3DigestArchive(r.s3, r.bucket);
  const editor = () => new DigestEditor({ records: cloud.records, archive });
  const archived = async (name: string) => {
    const record = await cloud.records.get(digestId);
    const object = await r.s3.send(
      new GetObjectCommand({ Bucket: r.bucket, Key: `${record?.archivePrefix}${name}` }),
    );
    return (await object.Body?.transformToString()) ?? '';
  };
  return { r, d, cloud, digestId, editor, archived };
}
