import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectTaggingCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { DynamoDbDigestRecords } from '../../src/adapters/dynamodb-digest-records.ts';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import { SqsDigestHandoff } from '../../src/adapters/sqs-digest-handoff.ts';
import { registerOperations } from '../../src/cli/commands/operations.ts';
import type { Digest } from '../../src/core/digest.ts';
import { DigestEditor } from '../../src/core/digest-editing.ts';
import { applyEdits } from '../../src/core/edits.ts';
import { DigestError, EditConflictError, UsageError } from '../../src/core/errors.ts';
import type { DigestArchive } from '../../src/core/ports/digest-archive.ts';
import type { ApprovedDigest } from '../../src/core/ports/digest-handoff.ts';
import { DigestReview } from '../../src/core/scheduled-digest.ts';
import { motoClientConfig } from '../support/aws.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';
import { approvedMessages, archiveRenderer, scheduledDigest } from '../support/digest-resources.ts';
import { CallFaults } from '../support/faults.ts';
import type { IngestResources } from '../support/ingest-resources.ts';
import { pendingDigest, reviewArticles, reviewModeSetup } from '../support/review-digest.ts';

/** `digest approve ID` in this process, on the test's table, bucket and queue. */
function approveCommand(
  digestId: string,
  names: { digestsTable: string; bucket: string; approvedQueueUrl: string },
) {
  return runDigestInProcess(
    [registerOperations],
    [
      'approve',
      digestId,
      '--digests-table',
      names.digestsTable,
      '--bucket',
      names.bucket,
      '--approved-queue-url',
      names.approvedQueueUrl,
      '--endpoint',
      motoClientConfig().endpoint as string,
      '--region',
      'us-east-1',
    ],
  );
}

async function pageTags(r: IngestResources, key: string): Promise<Record<string, string>> {
  const { TagSet = [] } = await r.s3.send(new GetObjectTaggingCommand({ Bucket: r.bucket, Key: key }));
  return Object.fromEntries(TagSet.map((t) => [t.Key, t.Value]));
}

async function versionsOf(r: IngestResources, key: string): Promise<number> {
  const { Versions = [] } = await r.s3.send(new ListObjectVersionsCommand({ Bucket: r.bucket, Prefix: key }));
  return Versions.filter((v) => v.Key === key).length;
}

/** Resolves when the digest's record reaches the edit version. */
async function untilVersion(records: DynamoDbDigestRecords, digestId: string, version: number) {
  for (let i = 0; i < 200; i++) {
    if ((await records.get(digestId))?.editVersion === version) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`digest ${digestId} never reached version ${version}`);
}

describe('races in the review flow, against moto', () => {
  it('an edit whose render lands after a later edit and the approve leaves the approved digest in the archive', async () => {
    // Prepare: Ana's edit is recorded, but her command is slow to write the archive (its render, its upload).
    const { r, d, cloud, digestId, archived } = await pendingDigest();
    const archive = new S3DigestArchive(r.s3, r.bucket);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowArchive: DigestArchive = {
      get: (prefix, name) => archive.get(prefix, name),
      publish: (prefix) => archive.publish(prefix),
      put: async (prefix, files) => {
        await released;
        await archive.put(prefix, files);
      },
    };
    const ana = new DigestEditor({ records: cloud.records, archive: slowArchive });
    const ben = new DigestEditor({ records: cloud.records, archive });
    const original = (await ben.open(digestId)).original;
    const theme = original.themes[0]?.id ?? '';
    const names = { digestsTable: d.digestsTable, bucket: r.bucket, approvedQueueUrl: d.approvedQueueUrl };

    // Act: Ana renames the first theme; Ben renames it again after her; Ben approves; Ana's write lands last.
    const anaEdit = ana.edit(digestId, { kind: 'rename', theme, title: 'Ana’s stale title' }, 'ana', 0);
    await untilVersion(cloud.records, digestId, 1);
    await ben.edit(digestId, { kind: 'rename', theme, title: 'Ben’s title' }, 'ben', 1);
    const approved = await approveCommand(digestId, names);
    release();
    await anaEdit;

    // Assess: the archive is the approved record's digest, the page published, one hand-over.
    expect(approved.error).toBeUndefined();
    const record = await cloud.records.get(digestId);
    expect(record).toMatchObject({ state: 'approved', editVersion: 2 });
    const expected = applyEdits(
      original,
      (record?.edits ?? []).map((e) => e.edit),
    );
    expect(expected.themes[0]?.label).toBe('Ben’s title');
    const sent = JSON.parse(await archived('digest.json')) as Digest;
    expect(sent.themes[0]?.label).toBe('Ben’s title');
    expect(sent).toEqual(expected);
    const [page] = (await archiveRenderer.render(expected)).filter((f) => f.name === 'digest.html');
    expect(await archived('digest.html')).toBe(page?.body);
    expect(await pageTags(r, `${record?.archivePrefix}digest.html`)).toEqual({ archive: 'public' });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  }, 120_000);

  it('`digest approve` refuses, with the reload error, a digest edited while the approve read it', async () => {
    // Prepare: the approve reads the unedited record; Ben's edit lands right after that read.
    const { r, d, cloud, digestId } = await pendingDigest();
    const ben = new DigestEditor({ records: cloud.records, archive: new S3DigestArchive(r.s3, r.bucket) });
    const theme = (await ben.open(digestId)).digest.themes[0]?.id ?? '';
    const names = { digestsTable: d.digestsTable, bucket: r.bucket, approvedQueueUrl: d.approvedQueueUrl };
    const realGet = DynamoDbDigestRecords.prototype.get;
    let edited = false;
    vi.spyOn(DynamoDbDigestRecords.prototype, 'get').mockImplementation(async function (
      this: DynamoDbDigestRecords,
      id: string,
    ) {
      const read = await realGet.call(this, id);
      if (!edited) {
        edited = true;
        await ben.edit(digestId, { kind: 'rename', theme, title: 'Unseen by the approver' }, 'ben');
      }
      return read;
    });

    // Act
    const approved = await approveCommand(digestId, names);

    // Assess: nothing the approver did not see goes out; the digest waits, with Ben's edit.
    expect(approved.error).toBeInstanceOf(EditConflictError);
    expect((approved.error as Error).message).toMatch(/edited by someone else meanwhile: reload it/);
    expect(await cloud.records.get(digestId)).toMatchObject({ state: 'pending', editVersion: 1 });
    expect(await approvedMessages(r, d)).toEqual([]);
  }, 120_000);

  it('`digest approve` whose hand-over fails says the digest is approved and the next settle hands it over', async () => {
    // Prepare: the approved queue cannot be reached from the editor's machine.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    const names = {
      digestsTable: d.digestsTable,
      bucket: r.bucket,
      approvedQueueUrl: `${d.approvedQueueUrl}-missing`,
    };

    // Act
    const approved = await approveCommand(digestId, names);
    const afterApprove = await cloud.records.get(digestId);
    await new DigestReview(
      {
        records: cloud.records,
        archive: new S3DigestArchive(r.s3, r.bucket),
        handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
        renderer: archiveRenderer,
        log: cloud.log,
      },
      { now: () => new Date(Date.now() + 120_000) },
    ).settleExpiredReviews();

    // Assess: one clear outcome (approved), said as such, and handed over once by the settle.
    expect(approved.error).toBeInstanceOf(DigestError);
    expect((approved.error as Error).message).toMatch(
      new RegExp(`^digest ${digestId} is approved, but handing it to sending failed: .+; the next settle`),
    );
    expect(afterApprove).toMatchObject({ state: 'approved', awaitingHandoff: true });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  }, 120_000);

  it('two editors approving in the same millisecond: one approves and hands over, the other is refused', async () => {
    // Prepare: both read the pending digest before either writes its decision.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    let read = 0;
    let bothRead!: () => void;
    const together = new Promise<void>((resolve) => {
      bothRead = resolve;
    });
    const readTogether = Object.create(cloud.records) as DynamoDbDigestRecords;
    readTogether.get = async (id) => {
      const record = await cloud.records.get(id);
      if (++read === 2) bothRead();
      await together;
      return record;
    };
    const at = new Date();
    const editor = () =>
      new DigestReview(
        {
          records: readTogether,
          archive: new S3DigestArchive(r.s3, r.bucket),
          handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
          renderer: archiveRenderer,
          log: cloud.log,
        },
        { now: () => at },
      );

    // Act
    const outcomes = await Promise.allSettled([editor().approve(digestId, 0), editor().approve(digestId, 0)]);

    // Assess
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(UsageError);
    expect(refused[0]?.reason.message).toBe(
      `digest ${digestId} is approved; only a pending digest can be decided`,
    );
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('a review deadline settling as an edit lands sends the edited digest, without failing the invocation', async () => {
    // Prepare: the settle reads the pending digest past its deadline; Ben's edit lands before it decides.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const review = { sendMode: 'review', reviewHours: 1 } as const;
    const built = scheduledDigest(r, d, review);
    const { digestId } = await built.digest.run(slot);
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const ben = new DigestEditor({ records: cloud.records, archive });
    const { original } = await ben.open(digestId);
    const theme = original.themes[0]?.id ?? '';
    let edited = false;
    const editedAfterRead = Object.create(cloud.records) as DynamoDbDigestRecords;
    editedAfterRead.get = async (id) => {
      const record = await cloud.records.get(id);
      if (!edited && record?.state === 'pending') {
        edited = true;
        await ben.edit(digestId, { kind: 'rename', theme, title: 'Edited at the deadline' }, 'ben');
      }
      return record;
    };
    const settle = new DigestReview(
      {
        records: editedAfterRead,
        archive,
        handoff: new SqsDigestHandoff(r.sqs, d.approvedQueueUrl),
        renderer: archiveRenderer,
        log: cloud.log,
      },
      { now: () => new Date(slot.getTime() + 2 * 3_600_000) },
    );

    // Act
    const settled = await settle.settleExpiredReviews().catch((error: unknown) => error);

    // Assess: sent once, as the record has it (with Ben's edit, which he was told was saved).
    expect(settled).toEqual([expect.objectContaining({ digestId, state: 'approved', editVersion: 1 })]);
    const record = await cloud.records.get(digestId);
    expect(record).toMatchObject({ state: 'approved', editVersion: 1 });
    const sent = JSON.parse(
      (await archive.get(record?.archivePrefix ?? '', 'digest.json')) ?? '{}',
    ) as Digest;
    expect(sent.themes[0]?.label).toBe('Edited at the deadline');
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('an edit whose write went through but whose answer was lost is saved once, not refused as someone else’s', async () => {
    // Prepare: the edit's conditional update goes through, its answer is lost, and the SDK's retry fails its condition.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    const lostAnswer = new CallFaults(
      [{ command: 'UpdateItemCommand', nth: 0, when: 'after', effect: 'retried' }] as const,
      { stall: () => {} },
    );
    const dynamo = new DynamoDBClient(motoClientConfig());
    lostAnswer.addTo(dynamo);
    const records = new DynamoDbDigestRecords(DynamoDBDocumentClient.from(dynamo), d.digestsTable);
    const ana = new DigestEditor({ records, archive: new S3DigestArchive(r.s3, r.bucket) });
    const theme = (await ana.open(digestId)).original.themes[0]?.id ?? '';

    // Act
    const ended = await lostAnswer.invoke(() =>
      ana.edit(digestId, { kind: 'drop-point', theme, point: 1 }, 'ana', 0),
    );

    // Assess: Ana is told it is saved (not to reload and make it again, which would drop a second point).
    expect(ended).toMatchObject({ value: { version: 1 } });
    const record = await cloud.records.get(digestId);
    expect(record?.editVersion).toBe(1);
    expect(record?.edits?.map((e) => [e.by, e.edit.kind])).toEqual([['ana', 'drop-point']]);
  });

  it('an edit whose answer was lost while the digest was approved with it is saved, not refused as too late', async () => {
    // Prepare: Ana's edit goes through but its answer is lost; Ben approves the digest, her edit in it, before the
    // SDK's retry of her write fails its condition.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const approvedMeanwhile = Object.create(cloud.records) as DynamoDbDigestRecords;
    approvedMeanwhile.saveEdits = async (...args) => {
      if (!(await cloud.records.saveEdits(...args))) throw new Error('the first attempt should go through');
      await cloud.digest.review.approve(digestId, 1);
      return cloud.records.saveEdits(...args);
    };
    const ana = new DigestEditor(
      { records: approvedMeanwhile, archive },
      { now: () => new Date(slot.getTime() + 1000) },
    );
    const theme = (await ana.open(digestId)).original.themes[0]?.id ?? '';

    // Act
    const saved = await ana
      .edit(digestId, { kind: 'rename', theme, title: 'Approved with it' }, 'ana', 0)
      .catch((error: unknown) => error);

    // Assess: Ana is told her edit is saved, as it is: it is in the approved digest that goes out
    expect(saved).toMatchObject({ version: 1 });
    const record = await cloud.records.get(digestId);
    expect(record).toMatchObject({ state: 'approved', editVersion: 1 });
    expect(record?.edits?.map((e) => e.by)).toEqual(['ana']);
    const sent = JSON.parse(
      (await archive.get(record?.archivePrefix ?? '', 'digest.json')) ?? '{}',
    ) as Digest;
    expect(sent.themes[0]?.label).toBe('Approved with it');
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('an edit that lands as the digest is approved is refused as too late, and nothing of it is sent', async () => {
    // Prepare: Ana's edit checks the digest is pending; the approve is decided before her edit is written.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const approveFirst = Object.create(cloud.records) as DynamoDbDigestRecords;
    approveFirst.saveEdits = async (...args) => {
      await cloud.digest.review.approve(digestId, 0);
      return cloud.records.saveEdits(...args);
    };
    const ana = new DigestEditor({ records: approveFirst, archive });
    const { original } = await ana.open(digestId);
    const theme = original.themes[0]?.id ?? '';

    // Act
    const late = await ana
      .edit(digestId, { kind: 'rename', theme, title: 'Too late' }, 'ana', 0)
      .catch((error: unknown) => error);

    // Assess
    expect(late).toBeInstanceOf(UsageError);
    expect((late as Error).message).toBe(
      `digest ${digestId} is approved; only a pending digest can be edited`,
    );
    const record = await cloud.records.get(digestId);
    expect(record).toMatchObject({ state: 'approved' });
    expect(record?.edits).toBeUndefined();
    const sent = JSON.parse(
      (await archive.get(record?.archivePrefix ?? '', 'digest.json')) ?? '{}',
    ) as Digest;
    expect(sent).toEqual(original);
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId]);
  });

  it('a settle handing an edited digest over again (during its send) leaves the archive and its public page as they are', async () => {
    // Prepare: an edited digest approved and put on the queue, but the command died before it cleared the flag.
    const { r, d, slot, cloud } = await reviewModeSetup((await reviewArticles()).slice(0, 6));
    const { digestId } = await cloud.digest.run(slot);
    const archive = new S3DigestArchive(r.s3, r.bucket);
    const ana = new DigestEditor({ records: cloud.records, archive });
    const theme = (await ana.open(digestId)).original.themes[0]?.id ?? '';
    await ana.edit(digestId, { kind: 'rename', theme, title: 'Edited' }, 'ana');
    const queue = new SqsDigestHandoff(r.sqs, d.approvedQueueUrl);
    const diesAfterSending = {
      async approved(message: ApprovedDigest) {
        await queue.approved(message);
        throw new Error('the command died');
      },
    };
    const deps = { records: cloud.records, archive, renderer: archiveRenderer, log: cloud.log };
    await new DigestReview({ ...deps, handoff: diesAfterSending }, { now: () => slot })
      .approve(digestId, 1)
      .catch(() => undefined);
    const page = `${(await cloud.records.get(digestId))?.archivePrefix}digest.html`;
    const before = {
      page: await versionsOf(r, page),
      json: await versionsOf(r, page.replace('.html', '.json')),
    };

    // Act: the next settle, two minutes on, hands it over again.
    await new DigestReview(
      { ...deps, handoff: queue },
      { now: () => new Date(slot.getTime() + 120_000) },
    ).settleExpiredReviews();

    // Assess: handed over again (sending dedupes by digestId), nothing archived rewritten, the page still public.
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([digestId, digestId]);
    expect(await cloud.records.get(digestId)).not.toHaveProperty('awaitingHandoff');
    expect(await versionsOf(r, page)).toBe(before.page);
    expect(await versionsOf(r, page.replace('.html', '.json'))).toBe(before.json);
    expect(await pageTags(r, page)).toEqual({ archive: 'public' });
  });
});
