import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { S3NormalisedArticles } from '../../src/adapters/s3-normalised-articles.ts';
import { parseArticle } from '../../src/core/ingest/parse.ts';
import {
  createIngestResources,
  deleteEveryVersion,
  indexItems,
  ingestHandler,
  MAX_BYTES,
  s3WithKeyLimit,
  s3WithReadFaults,
  seeds,
  upload,
} from '../support/ingest-resources.ts';
import { s3NotificationEvent } from '../support/s3-notifications.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';

describe('ingest handler against moto S3, SQS and DynamoDB', () => {
  it("acknowledges S3's test event", async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(event);

    // Assess
    expect(event.Records.map((m) => JSON.parse(m.body).Event)).toContain('s3:TestEvent');
    expect(response.batchItemFailures).toEqual([]);
    expect(logLines.some((l) => JSON.parse(l).message === 'S3 test event')).toBe(true);
  });

  it('turns every seed into one normalised article and every broken file into a named rejection', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, articles, logLines } = ingestHandler(r);
    const seedFiles = await seeds();
    for (const seed of seedFiles) await upload(r, `incoming/${seed.name}`, seed.bytes);
    await upload(r, 'incoming/too big.txt', `Title\n\n${'a'.repeat(MAX_BYTES)}`);
    await upload(r, 'incoming/binary.txt', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    await upload(r, 'incoming/empty.md', '\n\n   \n');
    const utf16 = Buffer.from('Rates held\n\nThe central bank held interest rates on Thursday.', 'utf16le');
    await upload(r, 'incoming/notepad.txt', new Uint8Array([0xff, 0xfe, ...utf16]));
    await upload(r, 'incoming/scan.json', '{"title":"x"}', 'application/pdf');
    await upload(r, 'incoming/typed.txt', 'Rates held\n\nRates held.', 'jane.doe@example.com');
    await upload(r, 'incoming/Budget talks+day 2.txt', 'Budget talks resume\n\nTalks resumed on Monday.');
    await upload(r, 'elsewhere/not-an-upload.txt', 'Outside the prefix\n\nIgnored.');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(event);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(Object.keys(items).sort()).toEqual(
      [
        ...seedFiles.map((s) => `incoming/${s.name}`),
        'incoming/too big.txt',
        'incoming/binary.txt',
        'incoming/empty.md',
        'incoming/notepad.txt',
        'incoming/scan.json',
        'incoming/typed.txt',
        'incoming/Budget talks+day 2.txt',
      ].sort(),
    );
    for (const seed of seedFiles) {
      const key = `incoming/${seed.name}`;
      const expected = await parseArticle({ id: key, bytes: seed.bytes }, { maxBytes: MAX_BYTES });
      if (expected.kind !== 'article') throw new Error(`seed ${seed.name} does not parse`);
      expect(items[key]).toMatchObject({
        objectId: `s3://${r.bucket}/${key}`,
        status: 'ingested',
        contentHash: expected.article.contentHash,
      });
      expect(items[key]?.versionId).toMatch(/.+/);
      expect(await articles.get(items[key]?.articlePath)).toEqual(expected.article);
    }
    expect(items['incoming/Budget talks+day 2.txt']?.status).toBe('ingested');
    expect(items['incoming/too big.txt']).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/larger than 1048576 bytes/),
    });
    expect(items['incoming/binary.txt']).toMatchObject({ status: 'rejected', reason: 'binary content' });
    expect(items['incoming/notepad.txt']).toMatchObject({
      status: 'rejected',
      reason: 'UTF-16 text (little-endian); expected UTF-8: save the file as UTF-8',
    });
    expect(items['incoming/empty.md']).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^empty file/),
    });
    expect(items['incoming/scan.json']).toMatchObject({
      status: 'rejected',
      reason: 'unsupported content type application/pdf',
    });
    // A content type is the uploader's text: named when it is a media type, never quoted otherwise.
    expect(items['incoming/typed.txt']).toMatchObject({
      status: 'rejected',
      reason: 'unsupported content type (not a media type)',
    });
    expect(logLines.join('\n')).not.toContain('jane.doe@example.com');
    const firstSentence = new TextDecoder()
      .decode(seedFiles[0]?.bytes)
      .split('\n')
      .find((l) => l.length > 40);
    expect(logLines.join('\n')).not.toContain(firstSentence?.slice(0, 40));
  });

  it('hears of every upload under incoming/ whatever its name: documented types in any case ingest, others are rejected', async () => {
    // Prepare: each documented extension in lower, upper and mixed case, and types the handler does not read.
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    const bodies: Record<string, string> = {
      txt: 'Rates held\n\nThe central bank held interest rates on Thursday, its governor said.',
      md: '# Rates held\n\nThe central bank held interest rates on Thursday, its governor said.',
      markdown: '# Rates held\n\nThe central bank held interest rates on Thursday, its governor said.',
      html: '<html><body><h1>Rates held</h1><p>The central bank held interest rates on Thursday.</p></body></html>',
      htm: '<html><body><h1>Rates held</h1><p>The central bank held interest rates on Thursday.</p></body></html>',
      json: '{"title":"Rates held","body":"The central bank held interest rates on Thursday."}',
    };
    const accepted = Object.keys(bodies).flatMap((ext) =>
      [ext, ext.toUpperCase(), ext[0]?.toUpperCase() + ext.slice(1)].map((e) => `incoming/story-${e}.${e}`),
    );
    const unsupported = ['incoming/notes.docx', 'incoming/README', 'incoming/photo.JPG'];
    for (const key of accepted) await upload(r, key, bodies[key.split('.').pop()?.toLowerCase() ?? ''] ?? '');
    for (const key of unsupported) await upload(r, key, 'Some words');

    // Act: the real S3 notifications moto sends to the queue.
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);
    const response = await handler(event);

    // Assess: every object has an index item; nothing was dropped without a trace.
    expect(response.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(Object.keys(items).sort()).toEqual([...accepted, ...unsupported].sort());
    for (const key of accepted) expect(items[key], key).toMatchObject({ status: 'ingested' });
    for (const key of unsupported) {
      expect(items[key], key).toMatchObject({
        status: 'rejected',
        reason: expect.stringMatching(/^unsupported file type "/),
      });
      expect(logLines.some((l) => JSON.parse(l).message === 'object rejected' && l.includes(key))).toBe(true);
    }
  });

  it('rejects a crafted front matter whose parser message would quote it: the message is acknowledged, nothing is quoted', async () => {
    // Prepare: js-yaml names an unknown tag in full; here 600 KB of it, with an address, under the 1 MiB limit.
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    const tag = `mailto:jane.doe@example.com/${'x'.repeat(600_000)}`;
    await upload(
      r,
      'incoming/crafted.md',
      `---\ntitle: !<${tag}> Rates\n---\n\nThe bank held rates on Thursday.`,
    );
    await upload(r, 'incoming/fine.txt', 'Rates held\n\nThe central bank held interest rates on Thursday.');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(event);

    // Assess: recorded as rejected with a reason (not failed and retried into the DLQ), the other one ingested.
    expect(response.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(items['incoming/crafted.md']).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/^invalid YAML front matter: unknown tag !<…> \(1:\d+\)$/),
    });
    expect(items['incoming/fine.txt']?.status).toBe('ingested');
    expect(logLines.join('\n')).not.toContain('jane.doe@example.com');
  });

  it("ingests a key of S3's longest, 1,024 bytes: its normalised article is stored under a key S3 accepts", async () => {
    // Prepare: 1,024 bytes of key, in letters of two bytes; S3 refuses longer keys, so the article needs its own.
    const r = await createIngestResources();
    const s3 = s3WithKeyLimit();
    const { handler } = ingestHandler(r, s3);
    const key = `incoming/${'é'.repeat((1024 - 'incoming/'.length - '.txt'.length - 1) / 2)}e.txt`;
    expect(Buffer.byteLength(key)).toBe(1024);
    await upload(r, key, 'Rates held\n\nThe central bank held interest rates on Thursday.');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(event);

    // Assess: ingested at once, not failed and retried into the DLQ; the digest finds the article.
    expect(response.batchItemFailures).toEqual([]);
    const item = (await indexItems(r))[key];
    expect(item?.status).toBe('ingested');
    expect(Buffer.byteLength(item?.articlePath)).toBeLessThanOrEqual(1024);
    const article = await new S3NormalisedArticles(s3, r.bucket).get(item?.articlePath);
    expect(article).toMatchObject({ id: key, title: 'Rates held' });
  });

  it('passes over the folders an editor makes in the console: no rejection, no index item', async () => {
    // Prepare: the S3 console's "Create folder" puts an empty object whose key ends in "/", and S3 notifies it.
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    await upload(r, 'incoming/2026-11/', '');
    await upload(
      r,
      'incoming/2026-11/rates.txt',
      'Rates held\n\nThe central bank held interest rates on Thursday.',
    );
    await upload(r, 'incoming/2026-11/zero.txt', '');
    await deleteEveryVersion(r, 'incoming/2026-11/');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(event);

    // Assess: the file in the folder is ingested, an empty file is rejected, the folder counts as nothing.
    expect(response.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(Object.keys(items).sort()).toEqual(['incoming/2026-11/rates.txt', 'incoming/2026-11/zero.txt']);
    expect(items['incoming/2026-11/zero.txt']).toMatchObject({ status: 'rejected', reason: 'empty file' });
    const folderLines = logLines.map((l) => JSON.parse(l)).filter((l) => l.objectId?.endsWith('/2026-11/'));
    expect(folderLines.map((l) => [l.level, l.message, l.outcome])).toEqual([
      ['INFO', 'object handled', 'ignored'],
      ['INFO', 'object handled', 'ignored'],
    ]);
    expect(JSON.parse(logLines.at(-2) ?? '{}').metrics).toMatchObject({
      ArticlesIngested: 1,
      ArticlesRejected: 1,
    });
  });

  it('treats a redelivered notification as a no-op', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    await upload(r, 'incoming/story.md', '# Rates held\n\nThe bank held rates on Thursday.');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);
    await handler(event);
    const before = await indexItems(r);

    // Act
    const response = await handler(event);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await indexItems(r)).toEqual(before);
    const last = JSON.parse(logLines.at(-1) ?? '{}');
    expect(last).toMatchObject({ message: 'batch done', unchanged: 1, ingested: 0 });
  });

  it('replaces the article with a new version and removes the old document', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, articles } = ingestHandler(r);
    await upload(r, 'incoming/story.txt', 'Rates held\n\nThe bank held rates on Thursday.');
    const first = await receiveAsLambdaEvent(r.sqs, r.queueUrl);
    await handler(first);
    const v1 = (await indexItems(r))['incoming/story.txt'];
    const v2Id = await upload(r, 'incoming/story.txt', 'Rates cut\n\nThe bank cut rates by a quarter point.');
    const second = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    await handler(second);
    const replay = await handler(first);

    // Assess
    expect(replay.batchItemFailures).toEqual([]);
    const v2 = (await indexItems(r))['incoming/story.txt'];
    expect(v2).toMatchObject({ status: 'ingested', versionId: v2Id });
    expect(v2?.contentHash).not.toBe(v1?.contentHash);
    expect((await articles.get(v2?.articlePath))?.title).toBe('Rates cut');
    expect(await articles.get(v1?.articlePath)).toBeUndefined();
  });

  it('applies events that carry S3 sequencers in key order, whatever order they arrive in', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler } = ingestHandler(r);
    const key = 'incoming/ordered story.md';
    const v1 = await upload(r, key, '# First\n\nThe first version of the story.');
    const v2 = await upload(r, key, '# Second\n\nThe second version of the story.');
    await receiveAsLambdaEvent(r.sqs, r.queueUrl); // moto's own events carry no sequencer: replaced below
    const template: SQSEvent = JSON.parse(
      await readFile('tests/fixtures/sqs-s3-object-created.json', 'utf-8'),
    );
    const eventFor = (versionId: string, sequencer: string): SQSEvent => {
      const record = structuredClone(template.Records[0]);
      if (!record) throw new Error('fixture has no record');
      const body = JSON.parse(record.body);
      body.Records[0].s3.bucket.name = r.bucket;
      body.Records[0].s3.object = { key: 'incoming/ordered+story.md', versionId, sequencer };
      return { Records: [{ ...record, messageId: sequencer, body: JSON.stringify(body) }] };
    };

    // Act
    await handler(eventFor(v2, '0055AED6DCD90281F0'));
    await handler(eventFor(v1, '0055AED6DCD90281E5'));

    // Assess
    expect((await indexItems(r))[key]).toMatchObject({ status: 'ingested', versionId: v2 });
  });

  it('keeps a deleted key retracted when an older create event arrives after the delete marker', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    const key = 'incoming/late.md';
    const v1 = await upload(r, key, '# Late\n\nThis create event arrives after the delete.');
    await receiveAsLambdaEvent(r.sqs, r.queueUrl); // moto's own events carry no sequencer: replaced below
    const { VersionId: marker = '' } = await r.s3.send(
      new DeleteObjectCommand({ Bucket: r.bucket, Key: key }),
    );
    const template: SQSEvent = JSON.parse(
      await readFile('tests/fixtures/sqs-s3-object-created.json', 'utf-8'),
    );
    const eventFrom = (index: number, versionId: string, sequencer: string): SQSEvent => {
      const record = structuredClone(template.Records[index]);
      if (!record) throw new Error('fixture has no such record');
      const body = JSON.parse(record.body);
      body.Records[0].s3.bucket.name = r.bucket;
      body.Records[0].s3.object = { key: 'incoming/late.md', versionId, sequencer };
      return { Records: [{ ...record, body: JSON.stringify(body) }] };
    };

    // Act
    await handler(eventFrom(1, marker, '0055AED6DCD90281F1')); // ObjectRemoved:DeleteMarkerCreated
    const late = await handler(eventFrom(0, v1, '0055AED6DCD90281E5')); // ObjectCreated:Put of v1

    // Assess
    expect(late.batchItemFailures).toEqual([]);
    expect((await indexItems(r))[key]).toMatchObject({ status: 'retracted', versionId: marker });
    const handled = logLines.map((l) => JSON.parse(l)).filter((l) => l.message === 'object handled');
    expect(handled.map((l) => l.outcome)).toEqual(['retracted', 'unchanged']);
  });

  it('keeps a key live when one of its versions is deleted for good, and restores it when its delete marker is', async () => {
    // Prepare: "kept story.md" has two versions; "restored.md" was deleted (a delete marker) and is retracted.
    const r = await createIngestResources();
    const { handler } = ingestHandler(r);
    const kept = 'incoming/kept story.md';
    const restored = 'incoming/restored.md';
    const v1 = await upload(r, kept, '# First\n\nThe first version of the story.');
    const v2 = await upload(r, kept, '# Second\n\nThe second version of the story.');
    const r1 = await upload(r, restored, '# Restored\n\nThe story that was deleted by mistake.');
    const { VersionId: marker = '' } = await r.s3.send(
      new DeleteObjectCommand({ Bucket: r.bucket, Key: restored }),
    );
    await receiveAsLambdaEvent(r.sqs, r.queueUrl); // moto's own events carry no sequencer: replaced below
    await handler(
      s3NotificationEvent(r.bucket, [
        { eventName: 'ObjectCreated:Put', key: kept, versionId: v1, sequencer: '0055AED6DCD90281E1' },
        { eventName: 'ObjectCreated:Put', key: kept, versionId: v2, sequencer: '0055AED6DCD90281E2' },
        { eventName: 'ObjectCreated:Put', key: restored, versionId: r1, sequencer: '0055AED6DCD90281E3' },
        {
          eventName: 'ObjectRemoved:DeleteMarkerCreated',
          key: restored,
          versionId: marker,
          sequencer: '0055AED6DCD90281E4',
        },
      ]),
    );
    await r.s3.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: kept, VersionId: v1 }));
    await r.s3.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: restored, VersionId: marker }));

    // Act: S3 reports each version deleted for good as ObjectRemoved:Delete with that version's id.
    const response = await handler(
      s3NotificationEvent(r.bucket, [
        { eventName: 'ObjectRemoved:Delete', key: kept, versionId: v1, sequencer: '0055AED6DCD90281E5' },
        {
          eventName: 'ObjectRemoved:Delete',
          key: restored,
          versionId: marker,
          sequencer: '0055AED6DCD90281E6',
        },
      ]),
    );

    // Assess: each key holds the article of its current object.
    expect(response.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(items[kept]).toMatchObject({ status: 'ingested', versionId: v2 });
    expect(items[restored]).toMatchObject({ status: 'ingested', versionId: r1 });
  });

  it('indexes a re-upload once when the delete before it is handled after it', async () => {
    // Prepare: v1, a delete marker, then v2 of one key; the delete's event is handled first and finds v2 current.
    const r = await createIngestResources();
    const { handler, logLines } = ingestHandler(r);
    const key = 'incoming/reissued.md';
    const v1 = await upload(r, key, '# Withdrawn\n\nThe first version of the story.');
    const { VersionId: marker = '' } = await r.s3.send(
      new DeleteObjectCommand({ Bucket: r.bucket, Key: key }),
    );
    const v2 = await upload(r, key, '# Reissued\n\nThe corrected version of the story.');
    await receiveAsLambdaEvent(r.sqs, r.queueUrl); // moto's own events carry no sequencer: replaced below
    await handler(
      s3NotificationEvent(r.bucket, [
        {
          eventName: 'ObjectRemoved:DeleteMarkerCreated',
          key,
          versionId: marker,
          sequencer: '0055AED6DCD90281E2',
        },
      ]),
    );
    const first = (await indexItems(r))[key];

    // Act: the creates of v2 and of v1 arrive late.
    await handler(
      s3NotificationEvent(r.bucket, [
        { eventName: 'ObjectCreated:Put', key, versionId: v2, sequencer: '0055AED6DCD90281E3' },
        { eventName: 'ObjectCreated:Put', key, versionId: v1, sequencer: '0055AED6DCD90281E1' },
      ]),
    );

    // Assess: v2 was indexed once, when the delete's event found it; its own event only moved the key's order on.
    const handled = logLines.map((l) => JSON.parse(l)).filter((l) => l.message === 'object handled');
    expect(handled.map((l) => l.outcome)).toEqual(['ingested', 'unchanged', 'unchanged']);
    expect((await indexItems(r))[key]).toEqual({
      ...first,
      versionId: v2,
      sequencer: '0055AED6DCD90281E3',
      order: expect.stringMatching(/0055AED6DCD90281E3$/),
    });
  });

  it('retracts the article when its object is deleted', async () => {
    // Prepare
    const r = await createIngestResources();
    const { handler, articles } = ingestHandler(r);
    const key = 'incoming/withdrawn.html';
    const page =
      '<html><body><h1>Withdrawn story</h1><p>This story was published in error.</p></body></html>';
    await upload(r, key, page, 'text/html');
    await handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    const ingested = (await indexItems(r))[key];
    expect(ingested).toMatchObject({ status: 'ingested', articlePath: expect.any(String) });
    // moto notifies a versioned bucket's delete only when the last version goes (AWS: DeleteMarkerCreated).
    await deleteEveryVersion(r, key);
    const removal = await receiveAsLambdaEvent(r.sqs, r.queueUrl);

    // Act
    const response = await handler(removal);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect((await indexItems(r))[key]).toMatchObject({
      status: 'retracted',
      reason: 'deleted from the bucket',
    });
    expect(await articles.get(ingested?.articlePath)).toBeUndefined();
  });

  it('fails only the message whose read was throttled, and ingests it on redelivery', async () => {
    // Prepare
    const r = await createIngestResources();
    await upload(r, 'incoming/a.txt', 'Story A\n\nA happened today.');
    await upload(r, 'incoming/b.txt', 'Story B\n\nB happened today.');
    const event = await receiveAsLambdaEvent(r.sqs, r.queueUrl);
    const throttledS3 = s3WithReadFaults({ throttled: new Set(['incoming/b.txt']) });
    const bMessage = event.Records.find((m) => m.body.includes('b.txt'));

    const { handler, logLines } = ingestHandler(r, throttledS3);

    // Act
    const response = await handler(event);
    const redelivery = await ingestHandler(r).handler({ Records: bMessage ? [bMessage] : [] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bMessage?.messageId }]);
    expect(redelivery.batchItemFailures).toEqual([]);
    const items = await indexItems(r);
    expect(items['incoming/a.txt']?.status).toBe('ingested');
    expect(items['incoming/b.txt']?.status).toBe('ingested');
    // The error line names the object and the reason, so an operator need not dig the key out of the DLQ.
    const failures = logLines.map((l) => JSON.parse(l)).filter((l) => l.level === 'ERROR');
    expect(failures).toEqual([
      {
        level: 'ERROR',
        message: 'message failed; it will be retried',
        sqsMessageId: bMessage?.messageId,
        objectId: `s3://${r.bucket}/incoming/b.txt`,
        change: 'created',
        errorType: 'SlowDown',
        detail: 'Please reduce your request rate.',
      },
    ]);
  });
});
