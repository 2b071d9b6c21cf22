import { mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalArticleIndex,
  LocalNormalisedArticles,
  LocalUploadedObjects,
} from '../../src/adapters/local-ingest-store.ts';
import { LOCAL_BUCKET, localS3QueueEvent } from '../../src/adapters/local-s3-events.ts';
import { parseS3Notification } from '../../src/adapters/s3-event-notifications.ts';
import { StorageError } from '../../src/core/errors.ts';
import type { ArticleIndexEntry } from '../../src/core/ports/article-index.ts';
import { UploadIngest } from '../../src/core/upload-ingest.ts';

const keysOf = (value: object) => Object.keys(value).sort();

describe('local S3 events for digest dev', () => {
  it('are shaped like the recorded SQS batch of S3 notifications and read back to the same changes', async () => {
    // Prepare
    const recorded = JSON.parse(await readFile('tests/fixtures/sqs-s3-object-created.json', 'utf8'));
    const key = 'incoming/Budget talks: day two + notes.md';
    const at = new Date('2026-11-23T09:15:00.000Z');

    // Act
    const event = localS3QueueEvent(
      [
        { kind: 'created', key, size: 12, etag: '"d41d8cd98f00b204e9800998ecf8427e"' },
        { kind: 'removed', key },
      ],
      at,
    );
    const changes = event.Records.map((record) => parseS3Notification(record.body));

    // Assess
    expect(keysOf(event.Records[0] ?? {})).toEqual(keysOf(recorded.Records[0]));
    const body = JSON.parse(event.Records[0]?.body ?? '{}').Records[0];
    const recordedBody = JSON.parse(recorded.Records[0].body).Records[0];
    expect(keysOf(body)).toEqual(keysOf(recordedBody));
    expect(keysOf(body.s3)).toEqual(keysOf(recordedBody.s3));
    expect(body.s3.object.key).toBe('incoming/Budget+talks%3A+day+two+%2B+notes.md');
    expect(changes).toEqual([
      { kind: 'changes', changes: [{ kind: 'created', bucket: LOCAL_BUCKET, key, eventTime: at }] },
      { kind: 'changes', changes: [{ kind: 'removed', bucket: LOCAL_BUCKET, key, eventTime: at }] },
    ]);
  });
});

describe('local ingest storage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-ingest-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an index entry only over an older one, as the DynamoDB condition does', async () => {
    // Prepare
    const index = new LocalArticleIndex(join(dir, 'index.json'));
    const entry: ArticleIndexEntry = {
      objectId: `s3://${LOCAL_BUCKET}/a.txt`,
      key: 'a.txt',
      status: 'ingested',
      versionTag: '"v1"',
      order: 't:2026-11-23T09:00:00.000Z',
      ingestedAt: '2026-11-23T09:00:01.000Z',
    };

    // Act
    const first = await index.putIfNewer(entry);
    const sameVersion = await index.putIfNewer({ ...entry, status: 'rejected' });
    const older = await index.putIfNewer({
      ...entry,
      versionTag: '"v0"',
      order: 't:2026-11-23T08:00:00.000Z',
    });
    const sameInstantOtherVersion = await index.putIfNewer({ ...entry, versionTag: '"v2"' });
    const listed = await index.listWrittenBetween(new Date('2026-11-23T09:00:00Z'), new Date('2026-11-24'));

    // Assess
    expect([first, sameVersion, older, sameInstantOtherVersion]).toEqual([true, false, false, true]);
    expect(await index.get(entry.objectId)).toMatchObject({ versionTag: '"v2"', status: 'ingested' });
    expect(listed.map((e) => e.key)).toEqual(['a.txt']);
  });

  it('reads exactly the checked version of a file and refuses keys outside the folder', async () => {
    // Prepare
    const objects = new LocalUploadedObjects(dir);
    const articles = new LocalNormalisedArticles(join(dir, 'normalised'));
    await writeFile(join(dir, 'story.txt'), 'first words');

    // Act
    const head = await objects.head('story.txt');
    const bytes = await objects.read(head ?? ({} as never));
    await writeFile(join(dir, 'story.txt'), 'changed words');
    const stale = await objects.read(head ?? ({} as never)).catch((error: Error) => error);
    const missing = await objects.head('gone.txt');
    const climbing = await objects.head('../outside.txt').catch((error: Error) => error);
    const storedOutside = await articles.get('../../etc/passwd').catch((error: Error) => error);

    // Assess
    expect(head).toMatchObject({
      key: 'story.txt',
      size: 11,
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
    expect(new TextDecoder().decode(bytes)).toBe('first words');
    expect(stale).toEqual(new StorageError('story.txt changed after it was checked'));
    expect(stale).toBeInstanceOf(StorageError);
    expect(missing).toBeUndefined();
    expect(climbing).toBeInstanceOf(StorageError);
    expect(String(climbing)).toMatch('../outside.txt is not a path inside');
    expect(storedOutside).toBeInstanceOf(StorageError);
    expect(String(storedOutside)).toMatch('../../etc/passwd is not a path inside');
  });

  it('ingests a file put back with its old modification time (cp -p, a Finder copy, unzip) after a delete or over a newer one', async () => {
    // Prepare: an article ingested, deleted and retracted; copies keep the date the file was last written.
    const ingest = new UploadIngest(
      new LocalUploadedObjects(dir),
      new LocalNormalisedArticles(join(dir, '.state', 'articles')),
      new LocalArticleIndex(join(dir, '.state', 'index.json')),
    );
    const change = (kind: 'created' | 'removed', key: string) => ({
      kind,
      bucket: LOCAL_BUCKET,
      key,
      eventTime: new Date(),
    });
    const lastYear = new Date(Date.now() - 365 * 24 * 3600 * 1000);
    await writeFile(
      join(dir, 'rates.txt'),
      'Rates held\n\nThe central bank held interest rates on Thursday.',
    );
    await ingest.apply(change('created', 'rates.txt'));
    await rm(join(dir, 'rates.txt'));
    const retracted = await ingest.apply(change('removed', 'rates.txt'));
    await writeFile(join(dir, 'budget.txt'), 'Budget passed\n\nThe budget passed on Friday by one vote.');
    await ingest.apply(change('created', 'budget.txt'));

    // Act: the deleted one copied back, and an older draft copied over the newer one, both with last year's date.
    // (A file's times come from the kernel's coarse clock, a few ms behind Date.now(): not within one tick.)
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(
      join(dir, 'rates.txt'),
      'Rates held\n\nThe central bank held interest rates on Thursday.',
    );
    await utimes(join(dir, 'rates.txt'), lastYear, lastYear);
    const restored = await ingest.apply(change('created', 'rates.txt'));
    await writeFile(join(dir, 'budget.txt'), 'Budget vote\n\nThe budget goes to a vote on Friday.');
    await utimes(join(dir, 'budget.txt'), lastYear, lastYear);
    const replaced = await ingest.apply(change('created', 'budget.txt'));

    // Assess: what the folder holds now is what is indexed, as with S3, where an upload is dated when it is made.
    expect(retracted.outcome).toBe('retracted');
    expect(restored.outcome).toBe('ingested');
    expect(replaced.outcome).toBe('ingested');
  });

  it('rejects a file over the size limit by its size, as the Lambda does, without reading it: even one of 3 GiB', async () => {
    // Prepare: a sparse 3 GiB file (no disk used), past what one read of a file can hold (2 GiB), and a good one.
    await writeFile(
      join(dir, 'story.txt'),
      'Rates held\n\nThe central bank held interest rates on Thursday.',
    );
    await writeFile(join(dir, 'recording.txt'), '');
    await truncate(join(dir, 'recording.txt'), 3 * 1024 ** 3);
    const ingest = new UploadIngest(
      new LocalUploadedObjects(dir, { maxBytes: 1024 * 1024 }),
      new LocalNormalisedArticles(join(dir, '.state', 'articles')),
      new LocalArticleIndex(join(dir, '.state', 'index.json')),
      { maxArticleBytes: 1024 * 1024 },
    );
    const change = (key: string) => ({
      kind: 'created' as const,
      bucket: LOCAL_BUCKET,
      key,
      eventTime: new Date(),
    });

    // Act
    const big = await ingest.apply(change('recording.txt'));
    const good = await ingest.apply(change('story.txt'));

    // Assess
    expect(big).toEqual({
      objectId: `s3://${LOCAL_BUCKET}/recording.txt`,
      outcome: 'rejected',
      reason: `larger than 1048576 bytes (${3 * 1024 ** 3})`,
    });
    expect(good.outcome).toBe('ingested');
  });
});
