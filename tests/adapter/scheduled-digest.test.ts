import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbDigestRecords } from '../../src/adapters/dynamodb-digest-records.ts';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { SqsDigestHandoff } from '../../src/adapters/sqs-digest-handoff.ts';
import type { Digest } from '../../src/core/digest.ts';
import { UsageError, WindowLockedError } from '../../src/core/errors.ts';
import type { ApprovedDigest } from '../../src/core/ports/digest-handoff.ts';
import {
  DigestReview,
  type RunResult,
  type ScheduledDigestRunnerOptions,
} from '../../src/core/scheduled-digest.ts';
import { createDigestHandler } from '../../src/handlers/digest.ts';
import { sendRequestSchema } from '../../src/handlers/sqs-batch.ts';
import { motoClientConfig } from '../support/aws.ts';
import { approvedMessages, createDigestResources, scheduledDigest } from '../support/digest-resources.ts';
import { CallFaults } from '../support/faults.ts';
import {
  createIngestResources,
  deleteEveryVersion,
  type IngestResources,
  ingestHandler,
  s3WithReadFaults,
  seeds,
  upload,
} from '../support/ingest-resources.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';

/** Uploads the seeds with the S3 API and runs the ingest handler on what moto queued. */
async function ingestSeeds(
  r: IngestResources,
  keyOf = (name: string) => `incoming/${name}`,
): Promise<string[]> {
  const files = await seeds();
  for (const seed of files) await upload(r, keyOf(seed.name), seed.bytes);
  const response = await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
  expect(response.batchItemFailures).toEqual([]);
  return files.map((s) => keyOf(s.name));
}

/** The next whole minute: a schedule slot whose window holds everything ingested so far. */
function nextSlot(): Date {
  return new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
}

async function archivedKeys(r: IngestResources): Promise<string[]> {
  const { Contents = [] } = await r.s3.send(
    new ListObjectsV2Command({ Bucket: r.bucket, Prefix: 'digests/' }),
  );
  return Contents.map((c) => c.Key ?? '');
}

async function archivedDigest(r: IngestResources, key: string): Promise<Digest> {
  const object = await r.s3.send(new GetObjectCommand({ Bucket: r.bucket, Key: key }));
  return JSON.parse((await object.Body?.transformToString()) ?? '{}');
}

/** The tags of an archived digest's reader page: the public archive site serves only pages tagged public. */
async function pageTags(r: IngestResources, digestId: string): Promise<Record<string, string>> {
  const key = (await archivedKeys(r)).find((k) => k.endsWith(`/${digestId}/digest.html`));
  const { TagSet = [] } = await r.s3.send(new GetObjectTaggingCommand({ Bucket: r.bucket, Key: key }));
  return Object.fromEntries(TagSet.map((t) => [t.Key, t.Value]));
}

/**
 * A DynamoDB client on moto whose `nth` PutItem calls (from 0) go through but lose their answer, so the SDK
 * sends each again and the retry's condition fails.
 */
function lostPutAnswers(nths: number[]) {
  const faults = new CallFaults(
    nths.map((nth) => ({ command: 'PutItemCommand', nth, when: 'after', effect: 'retried' }) as const),
    { stall: () => {} },
  );
  const dynamo = new DynamoDBClient(motoClientConfig());
  faults.addTo(dynamo);
  return { faults, db: DynamoDBDocumentClient.from(dynamo) };
}

const citedIds = (digest: Digest) =>
  digest.themes.flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])]));

describe('scheduled digest against moto, end to end with ingest', () => {
  it('builds, archives, records and hands over one digest for the window, and a second run is a no-op', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const ids = await ingestSeeds(r);
    const { digest, records, log, metrics } = scheduledDigest(r, d);
    const handler = createDigestHandler(digest, log, metrics);
    const slot = nextSlot();

    // Act
    const first = await handler({ scheduledTime: slot.toISOString() });
    const second = await handler({ scheduledTime: slot.toISOString() });

    // Assess
    const window = await digest.window(slot);
    expect(first.run).toMatchObject({
      digestId: window.digestId,
      outcome: 'approved',
      counts: { articles: 5 },
    });
    expect(second.run).toMatchObject({ outcome: 'already-done', state: 'approved' });
    const [year, month, day] = slot.toISOString().slice(0, 10).split('-');
    const prefix = `digests/${year}/${month}/${day}/${window.digestId}/`;
    expect(await archivedKeys(r)).toEqual(
      ['digest.eml', 'digest.html', 'digest.json', 'digest.txt', 'rendering.json'].map(
        (name) => `${prefix}${name}`,
      ),
    );
    expect(citedIds(await archivedDigest(r, `${prefix}digest.json`)).sort()).toEqual(ids.sort());
    expect(await records.get(window.digestId)).toMatchObject({
      state: 'approved',
      windowStart: window.start.toISOString(),
      windowEnd: slot.toISOString(),
      archivePrefix: prefix,
      counts: { articles: 5, themes: expect.any(Number), skipped: 0 },
    });
    // objectContaining: the sending side may add fields of its own to the hand-off message.
    const handoffs = await approvedMessages(r, d);
    expect(handoffs).toEqual([
      expect.objectContaining({
        digestId: window.digestId,
        archivePrefix: prefix,
        windowStart: window.start.toISOString(),
        windowEnd: slot.toISOString(),
      }),
    ]);
    // The sender's fan-out reads this very message: it must name the archived digest.json it renders from.
    expect(sendRequestSchema.parse(handoffs[0])).toEqual({
      digestId: window.digestId,
      digestKey: `${prefix}digest.json`,
    });
  });

  it('puts an article whose ingest was still reading it at the scheduled time into the next window, not into none', async () => {
    // Prepare: the upload is read so slowly that the slot's run happens meanwhile.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const slot = new Date('2027-03-01T07:00:00.000Z');
    const nextSlot = new Date('2027-03-02T07:00:00.000Z');
    let now = slot.getTime() - 30_000;
    const clock = () => new Date(now);
    const { digest } = scheduledDigest(r, d, { windowHours: 24, now: clock });
    const runsDuringRead: RunResult[] = [];
    const slowS3 = s3WithReadFaults({
      beforeRead: async () => {
        now = slot.getTime() + 5_000;
        if (runsDuringRead.length === 0) runsDuringRead.push(await digest.run(slot));
      },
    });
    await upload(
      r,
      'incoming/ferry.txt',
      'Ferry resumes\n\nThe harbour ferry resumed its winter timetable on Monday.',
    );

    // Act
    await ingestHandler(r, slowS3, { now: clock }).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    now = nextSlot.getTime();
    const next = await digest.run(nextSlot);

    // Assess
    expect(runsDuringRead).toMatchObject([{ outcome: 'empty' }]);
    expect(next).toMatchObject({ outcome: 'approved', counts: { articles: 1 } });
  });

  it('waits after the window ends for an index write stamped before it, so that upload is in this digest', async () => {
    // Prepare: an upload stamped a second before the slot whose index write lands only while the run waits.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const slot = new Date('2027-03-03T07:00:00.000Z');
    const stampedBeforeEnd = () => new Date(slot.getTime() - 1_000);
    let now = slot.getTime() + 2_000;
    const waits: number[] = [];
    const { digest } = scheduledDigest(r, d, {
      windowHours: 24,
      now: () => new Date(now),
      settleSeconds: 60,
      wait: async (ms) => {
        waits.push(ms);
        await ingestHandler(r, r.s3, { now: stampedBeforeEnd }).handler(
          await receiveAsLambdaEvent(r.sqs, r.queueUrl),
        );
      },
    });
    await upload(
      r,
      'incoming/ferry.txt',
      'Ferry resumes\n\nThe harbour ferry resumed its winter timetable on Monday.',
    );

    // Act
    const atTheSlot = await digest.run(slot);
    now = slot.getTime() + 86_400_000 + 300_000;
    const late = await digest.run(new Date(slot.getTime() + 86_400_000));

    // Assess: the run read the index once the write had landed; the late one, started after settling, waits not.
    expect(waits).toEqual([58_000]);
    expect(atTheSlot).toMatchObject({ outcome: 'approved', counts: { articles: 1 } });
    expect(late).toMatchObject({ outcome: 'empty' });
  });

  it('lets only one of two concurrent runs for a window build it', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();

    // Act
    const results = await Promise.all([
      scheduledDigest(r, d).digest.run(slot),
      scheduledDigest(r, d).digest.run(slot),
    ]);

    // Assess
    const outcomes = results.map((x) => x.outcome).sort();
    expect(outcomes.filter((o) => o === 'approved')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'locked' || o === 'already-done')).toHaveLength(1);
    expect(await approvedMessages(r, d)).toHaveLength(1);
  });

  it('skips, with a logged reason, an article that takes longer than its time budget, and builds the rest', async () => {
    // Prepare: a clock under which reading the first article (in key order) takes 5 s; that one named after an
    // editor's address, which its log line may not carry.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const addressed = 'incoming/000 from jane.doe@example.com.txt';
    const ids = (
      await ingestSeeds(r, (name) => (name.startsWith('000_') ? addressed : `incoming/${name}`))
    ).sort();
    let ticks = 0;
    const clock = () => (++ticks === 2 ? 5000 : 0);
    const { digest, logLines } = scheduledDigest(r, d, { articleBudgetMs: 2000, clock });

    // Act
    const result = await digest.run(nextSlot());

    // Assess
    expect(result).toMatchObject({ outcome: 'approved', counts: { articles: ids.length - 1, skipped: 1 } });
    const archived = await archivedDigest(
      r,
      `${(await archivedKeys(r)).find((k) => k.endsWith('digest.json'))}`,
    );
    expect(archived.skipped).toEqual([
      { id: ids[0], reason: 'took 5000 ms to read, over the 2000 ms budget per article' },
    ]);
    const warning = logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'article skipped');
    const localPartHash = createHash('sha256').update('jane.doe').digest('hex').slice(0, 8);
    expect(ids[0]).toBe(addressed);
    expect(warning).toMatchObject({
      articleId: `incoming/000 from [sha256:${localPartHash}]@example.com.txt`,
      reason: expect.stringMatching(/over the 2000 ms budget/),
    });
    expect(logLines.join('\n')).not.toContain('jane.doe@example.com');
  });

  it('fails the invocation while another run holds the window, and takes over once its lease expired', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();
    const { digest, records, log, metrics } = scheduledDigest(r, d);
    const window = await digest.window(slot);
    const heldUntil = new Date(Date.now() + 60_000);
    await records.acquire(
      {
        digestId: window.digestId,
        windowStart: window.start.toISOString(),
        windowEnd: window.end.toISOString(),
        state: 'building',
        leaseExpiresAt: heldUntil.toISOString(),
        updatedAt: new Date().toISOString(),
      },
      new Date(),
    );
    const afterLease = scheduledDigest(r, d, { now: () => new Date(heldUntil.getTime() + 1000) });

    // Act
    const whileHeld = await createDigestHandler(
      digest,
      log,
      metrics,
    )({ scheduledTime: slot.toISOString() }).catch((error: unknown) => error);
    const takenOver = await afterLease.digest.run(slot);

    // Assess
    expect(whileHeld).toBeInstanceOf(WindowLockedError);
    expect(takenOver.outcome).toBe('approved');
    expect(await approvedMessages(r, d)).toHaveLength(1);
  });

  it('builds the window when the answers of its lease and state writes were lost and the SDK sent them again', async () => {
    // Prepare: each conditional write goes through, its answer is lost, and the SDK's retry fails its condition.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { faults: lostAnswers, db } = lostPutAnswers([0, 1]);
    const { digest, records } = scheduledDigest({ ...r, db }, d);

    // Act
    const ended = await lostAnswers.invoke(() => digest.run(nextSlot()));

    // Assess
    expect(ended).toMatchObject({ value: { outcome: 'approved' } });
    const { digestId } = (ended as { value: RunResult }).value;
    expect(await records.get(digestId)).toMatchObject({ state: 'approved' });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('records an empty window as empty and archives and sends nothing', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { digest, records } = scheduledDigest(r, d);
    const lastYear = new Date(Date.UTC(new Date().getUTCFullYear() - 1, 0, 5, 9));

    // Act
    const result = await digest.run(lastYear);

    // Assess
    expect(result).toMatchObject({ outcome: 'empty', counts: { articles: 0 } });
    expect(await records.get(result.digestId)).toMatchObject({ state: 'empty' });
    expect(await archivedKeys(r)).toEqual([]);
    expect(await approvedMessages(r, d)).toEqual([]);
  });

  it('leaves out an article whose object was deleted before the run', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const [withdrawn = '', ...kept] = await ingestSeeds(r);
    await deleteEveryVersion(r, withdrawn);
    await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    const { digest } = scheduledDigest(r, d);

    // Act
    const result = await digest.run(nextSlot());

    // Assess
    expect(result.counts?.articles).toBe(kept.length);
    const key = (await archivedKeys(r)).find((k) => k.endsWith('/digest.json'));
    const cited = citedIds(await archivedDigest(r, key ?? ''));
    expect(cited).not.toContain(withdrawn);
    expect(cited.sort()).toEqual(kept.sort());
  });

  it('builds the window when an article is withdrawn while the run reads the articles, and leaves it out', async () => {
    // Prepare: every article read waits until one seed was deleted and its removal ingested.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const [withdrawn = '', ...kept] = await ingestSeeds(r);
    const withdraw = async () => {
      await deleteEveryVersion(r, withdrawn);
      await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    };
    let withdrawal: Promise<void> | undefined;
    const articlesS3 = s3WithReadFaults({ beforeRead: () => (withdrawal ??= withdraw()) });
    const { digest } = scheduledDigest(r, d, {}, articlesS3);

    // Act
    const result = await digest.run(nextSlot());

    // Assess
    expect(result).toMatchObject({ outcome: 'approved', counts: { articles: kept.length } });
    const key = (await archivedKeys(r)).find((k) => k.endsWith('/digest.json'));
    expect(citedIds(await archivedDigest(r, key ?? '')).sort()).toEqual(kept.sort());
  });

  it('skips the window while paused and builds it after resume', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { digest, records } = scheduledDigest(r, d);
    const slot = nextSlot();
    await records.setPaused(true);

    // Act
    const paused = await digest.run(slot);
    await records.setPaused(false);
    const resumed = await digest.run(slot);

    // Assess
    expect(paused.outcome).toBe('paused');
    expect(resumed.outcome).toBe('approved');
    expect(await approvedMessages(r, d)).toHaveLength(1);
  });

  it('neither sends nor drops a pending digest whose review deadline passes while paused, until resume', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();
    const { digest, records } = scheduledDigest(r, d, { sendMode: 'review', reviewHours: 1 });
    const { digestId } = await digest.run(slot);
    const later = scheduledDigest(r, d, {
      sendMode: 'review',
      now: () => new Date(slot.getTime() + 2 * 3_600_000),
    });
    const handler = createDigestHandler(later.digest, later.log, later.metrics);

    // Act
    await records.setPaused(true);
    const whilePaused = await handler({ action: 'settle-reviews' });
    const heldMessages = await approvedMessages(r, d);
    const heldState = (await records.get(digestId))?.state;
    await records.setPaused(false);
    const resumed = await handler({ action: 'settle-reviews' });

    // Assess
    expect(whilePaused.settled).toEqual([]);
    expect(heldMessages).toEqual([]);
    expect(heldState).toBe('pending');
    expect(resumed.settled).toEqual([digestId]);
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('holds a digest in review mode until an editor approves it', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { digest, records } = scheduledDigest(r, d, { sendMode: 'review', reviewHours: 24 });

    // Act
    const result = await digest.run(nextSlot());
    const heldMessages = await approvedMessages(r, d);
    const approved = await digest.review.approve(result.digestId);

    // Assess
    expect(result.outcome).toBe('pending');
    expect(heldMessages).toEqual([]);
    expect(approved.state).toBe('approved');
    expect(await records.get(result.digestId)).toMatchObject({ state: 'approved' });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([result.digestId]);
    await expect(digest.review.reject(result.digestId)).rejects.toThrow(/is approved; only a pending digest/);
  });

  it('never hands over a digest that a reject made while the approve was handing it over', async () => {
    // Prepare: the other editor's reject arrives while the approve's hand-over is on its way.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { digest, records, log } = scheduledDigest(r, d, { sendMode: 'review' });
    const { digestId } = await digest.run(nextSlot());
    const queue = new SqsDigestHandoff(r.sqs, d.approvedQueueUrl);
    let rejection: unknown;
    const handoff = {
      async approved(message: ApprovedDigest) {
        rejection = await digest.review.reject(digestId).catch((error: unknown) => error);
        await queue.approved(message);
      },
    };
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const approving = new DigestReview({ records, archive, handoff, log });

    // Act
    const approved = await approving.approve(digestId).catch((error: unknown) => error);

    // Assess: the approve won; the reject was refused, not silently overridden.
    expect(approved).toMatchObject({ state: 'approved' });
    expect(rejection).toBeInstanceOf(UsageError);
    expect(await records.get(digestId)).toMatchObject({ state: 'approved' });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('approves when the answer of the decision’s write was lost and the SDK sent it again', async () => {
    // Prepare: the approve's conditional write goes through, its answer is lost, and the retry fails its condition.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const { digest, records, log } = scheduledDigest(r, d, { sendMode: 'review' });
    const { digestId } = await digest.run(nextSlot());
    const { faults: lostAnswer, db } = lostPutAnswers([0]);
    const review = new DigestReview({
      records: new DynamoDbDigestRecords(db, d.digestsTable),
      archive: new S3DigestArchive(r.s3, r.bucket),
      handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
      log,
    });

    // Act
    const ended = await lostAnswer.invoke(() => review.approve(digestId));

    // Assess: the editor is told it is approved, not that someone else decided, and it is handed over once.
    expect(ended).toMatchObject({ value: { state: 'approved' } });
    expect(await records.get(digestId)).toMatchObject({ state: 'approved' });
    expect((await records.get(digestId))?.awaitingHandoff).toBeUndefined();
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('hands an approved digest over at the next settle when its hand-over failed', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();
    const { digest, records, log } = scheduledDigest(r, d, { sendMode: 'review', now: () => slot });
    const { digestId } = await digest.run(slot);
    const unreachable = { approved: () => Promise.reject(new Error('connection reset')) };
    const later = scheduledDigest(r, d, {
      sendMode: 'review',
      now: () => new Date(slot.getTime() + 5 * 60_000),
    });

    // Act
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const failed = await new DigestReview(
      { records, archive, handoff: unreachable, log },
      { now: () => slot },
    )
      .approve(digestId)
      .catch((error: unknown) => error);
    const afterFailure = await records.get(digestId);
    await later.digest.review.settleExpiredReviews();

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(afterFailure).toMatchObject({ state: 'approved', awaitingHandoff: true });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
    expect(await records.get(digestId)).not.toHaveProperty('awaitingHandoff');
  });

  it('drops a pending digest at its review deadline when so configured, and a rejected one is never sent', async () => {
    // Prepare
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();
    const review = { sendMode: 'review', reviewHours: 1, onReviewDeadline: 'drop' } as const;
    const { digest, records } = scheduledDigest(r, d, review);
    const pending = await digest.run(slot);
    // A second schedule (its own digests table) over the same articles: its digest is rejected.
    const d2 = await createDigestResources(r);
    const other = scheduledDigest(r, d2, review);
    const rejectedRun = await other.digest.run(slot);
    const later = scheduledDigest(r, d, { ...review, now: () => new Date(slot.getTime() + 2 * 3_600_000) });

    // Act
    const rejected = await other.digest.review.reject(rejectedRun.digestId);
    const settled = await later.digest.review.settleExpiredReviews();

    // Assess
    expect(rejected.state).toBe('rejected');
    expect(settled.map((s) => s.digestId)).toEqual([pending.digestId]);
    expect(await records.get(pending.digestId)).toMatchObject({ state: 'dropped' });
    expect(await approvedMessages(r, d)).toEqual([]);
    expect(await approvedMessages(r, d2)).toEqual([]);
  });
});

describe('review deadlines of many digests against moto', () => {
  it('settles an expired digest however many newer records the table holds (more than a hundred)', async () => {
    // Prepare: 15-minute windows and a two-day review, so the digest past its deadline has 150 newer records, half
    // of them pending with deadlines still ahead.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const start = Date.UTC(2026, 10, 20);
    const quarter = 15 * 60_000;
    const review = 48 * 3_600_000;
    const now = new Date(start + quarter + review + 60_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    const record = (i: number, state: 'pending' | 'empty') => ({
      digestId: `digest-${String(i).padStart(3, '0')}`,
      windowStart: iso(start + i * quarter),
      windowEnd: iso(start + (i + 1) * quarter),
      state,
      ...(state === 'pending' && { reviewDeadline: iso(start + (i + 1) * quarter + review) }),
      updatedAt: iso(start + (i + 1) * quarter),
    });
    const { records, digest } = scheduledDigest(r, d, {
      sendMode: 'review',
      onReviewDeadline: 'drop',
      now: () => now,
    });
    for (let i = 0; i <= 150; i++) await records.acquire(record(i, i % 2 === 0 ? 'pending' : 'empty'), now);

    // Act
    const settled = await digest.review.settleExpiredReviews();

    // Assess: the expired one (the oldest) is dropped; every newer one is as it was
    expect(settled.map((x) => [x.digestId, x.state])).toEqual([['digest-000', 'dropped']]);
    expect(await records.get('digest-000')).toMatchObject({ state: 'dropped' });
    const all = await records.recent(1000);
    expect(all).toHaveLength(151);
    expect(all.filter((x) => x.state === 'pending')).toHaveLength(75);
  });
});

describe('settles that overlap against moto', () => {
  it('apply a passed deadline once, and the one that finds it decided meanwhile goes on without failing', async () => {
    // Prepare: a digest past its deadline. One settle (the 15-minute schedule's) reads the digests; before it
    // decides, another (the weekly run's, a second later) settles the same digest and hands it over.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    await ingestSeeds(r);
    const slot = nextSlot();
    const review = { sendMode: 'review', reviewHours: 1 } as const;
    const { digest, records, log } = scheduledDigest(r, d, review);
    const { digestId } = await digest.run(slot);
    const pastDeadline = slot.getTime() + 2 * 3_600_000;
    let otherSettled!: () => void;
    const afterOther = new Promise<void>((resolve) => {
      otherSettled = resolve;
    });
    const slowRead = Object.create(records) as DynamoDbDigestRecords;
    slowRead.dueForSettle = async (now) => {
      const read = await records.dueForSettle(now);
      await afterOther;
      return read;
    };
    const slow = new DigestReview(
      {
        records: slowRead,
        archive: new S3DigestArchive(r.s3, r.bucket),
        handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
        log,
      },
      { now: () => new Date(pastDeadline) },
    );
    const other = scheduledDigest(r, d, { ...review, now: () => new Date(pastDeadline + 1_000) });

    // Act
    const slowSettle = slow.settleExpiredReviews().catch((error: unknown) => error);
    const otherSettle = await other.digest.review.settleExpiredReviews();
    otherSettled();
    const slowOutcome = await slowSettle;

    // Assess: one decision, one hand-over, and no failed invocation (an error alarm, a run put off to a retry).
    expect(otherSettle.map((x) => [x.digestId, x.state])).toEqual([[digestId, 'approved']]);
    expect(slowOutcome).toEqual([]);
    expect(await records.get(digestId)).toMatchObject({ state: 'approved' });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });
});

describe('the public page of an archived digest against moto', () => {
  it('is published when the digest is handed to sending, never while pending, rejected or dropped', async () => {
    // Prepare: four schedules (each its own table and slot, so its own archive folder) over the same articles.
    const r = await createIngestResources();
    await ingestSeeds(r);
    const first = nextSlot().getTime();
    const review = { sendMode: 'review', reviewHours: 1, onReviewDeadline: 'drop' } as const;
    const schedule = async (minute: number, options: ScheduledDigestRunnerOptions) => {
      const { digest } = scheduledDigest(r, await createDigestResources(r), options);
      return { digest, digestId: (await digest.run(new Date(first + minute * 60_000))).digestId };
    };
    const toApprove = await schedule(0, review);
    const toReject = await schedule(1, review);
    const toDrop = await schedule(2, { ...review, now: () => new Date(first + 3 * 3_600_000) });
    const auto = await schedule(3, {});
    const whilePending = await pageTags(r, toApprove.digestId);

    // Act
    await toApprove.digest.review.approve(toApprove.digestId);
    await toReject.digest.review.reject(toReject.digestId);
    await toDrop.digest.review.settleExpiredReviews();

    // Assess
    expect(whilePending).toEqual({});
    expect(await pageTags(r, toApprove.digestId)).toEqual({ archive: 'public' });
    expect(await pageTags(r, auto.digestId)).toEqual({ archive: 'public' });
    expect(await pageTags(r, toReject.digestId)).toEqual({});
    expect(await pageTags(r, toDrop.digestId)).toEqual({});
  });
});

/** The UTC instant of a wall-clock time in a time zone, as EventBridge Scheduler fires a cron there. */
function localTime(zone: string, year: number, month: number, day: number, hour: number): Date {
  const wall = Date.UTC(year, month - 1, day, hour);
  const offsetAt = (instant: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(instant));
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - instant;
  };
  // Twice: the offset at the first guess may be the other side of a change.
  const guess = wall - offsetAt(wall);
  return new Date(wall - offsetAt(guess));
}

/** Daily 07:00 runs in `zone` from `first` for `days` days, less the days listed in `missed`. */
function dailyRuns(
  zone: string,
  first: [number, number, number],
  days: number,
  missed: number[] = [],
): Date[] {
  const [year, month, day] = first;
  return Array.from({ length: days }, (_, i) => i)
    .filter((i) => !missed.includes(i))
    .map((i) => localTime(zone, year, month, day + i, 7));
}

describe('windows of scheduled runs against moto DynamoDB', () => {
  /** Runs the digest at each time in turn (no articles: each window is recorded empty) and returns the windows. */
  async function windowsOf(runs: Date[], windowHours = 24) {
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const { digest, records } = scheduledDigest(r, d, { windowHours });
    for (const time of runs) expect((await digest.run(time)).outcome).toBe('empty');
    const recorded = await records.recent(100);
    return recorded
      .map((w) => ({ start: w.windowStart, end: w.windowEnd }))
      .sort((a, b) => a.end.localeCompare(b.end));
  }

  /** Each window starts where the one before it ended and ends at its run's scheduled time. */
  function expectTiled(windows: { start: string; end: string }[], runs: Date[], firstHours = 24) {
    expect(windows.map((w) => w.end)).toEqual(runs.map((t) => t.toISOString()));
    expect(windows[0]?.start).toBe(
      new Date((runs[0]?.getTime() ?? 0) - firstHours * 3_600_000).toISOString(),
    );
    for (let i = 1; i < windows.length; i++) expect(windows[i]?.start).toBe(windows[i - 1]?.end);
  }

  it.each([
    ['Europe/London', 'March 2027 (clocks forward on the 28th)', [2027, 3, 26]],
    ['Europe/London', 'October 2027 (clocks back on the 31st)', [2027, 10, 29]],
    ['America/New_York', 'March 2027 (clocks forward on the 14th)', [2027, 3, 12]],
    ['America/New_York', 'November 2027 (clocks back on the 7th; no October change there)', [2027, 11, 5]],
  ] as const)('tile time across the %s change of %s: no overlap, no gap', async (zone, _change, first) => {
    // Prepare: daily 07:00 local, two days either side of the change; one day is 23 or 25 hours long.
    const runs = dailyRuns(zone, [...first], 5);
    const lengths = runs.slice(1).map((t, i) => (t.getTime() - (runs[i]?.getTime() ?? 0)) / 3_600_000);
    expect(lengths.some((h) => h !== 24)).toBe(true);

    // Act
    const windows = await windowsOf(runs);

    // Assess
    expectTiled(windows, runs);
  });

  it('gives the run after a missed one the whole time since the last completed window', async () => {
    // Prepare: the third day's run never happened.
    const runs = dailyRuns('Europe/London', [2027, 3, 26], 5, [2]);

    // Act
    const windows = await windowsOf(runs);

    // Assess
    expectTiled(windows, runs);
    expect(Date.parse(windows[2]?.end ?? '') - Date.parse(windows[2]?.start ?? '')).toBe(47 * 3_600_000);
  });

  it('leaves a slot that a later window already covers alone: a late retry never sends twice', async () => {
    // Prepare: day 2's run is retried only after day 3's has covered it.
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const { digest } = scheduledDigest(r, d, { windowHours: 24 });
    const [day1, day2, day3] = dailyRuns('Europe/London', [2027, 10, 29], 3);
    await digest.run(day1 as Date);
    await digest.run(day3 as Date);

    // Act
    const late = await digest.run(day2 as Date);

    // Assess
    expect(late).toMatchObject({ outcome: 'already-done', state: 'empty' });
  });
});
