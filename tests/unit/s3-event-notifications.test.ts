import { readFile } from 'node:fs/promises';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeObjectKey, parseS3Notification } from '../../src/adapters/s3-event-notifications.ts';
import { QueueMessageRejectedError } from '../../src/core/errors.ts';
import { changeOrder } from '../../src/core/upload-ingest.ts';

const fixture = async (name: string) =>
  JSON.parse(await readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf-8')) as SQSEvent;

describe('parseS3Notification', () => {
  it('reads created and removed changes with decoded keys, version ids and sequencers', async () => {
    // Prepare
    const event = await fixture('sqs-s3-object-created.json');

    // Act
    const [created, removed] = event.Records.map((r) => parseS3Notification(r.body));

    // Assess
    expect(created).toEqual({
      kind: 'changes',
      changes: [
        {
          kind: 'created',
          bucket: 'amzn-s3-demo-bucket',
          key: 'incoming/Budget talks: day two.md',
          versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
          sequencer: '0055AED6DCD90281E5',
          eventTime: new Date('2026-11-23T09:15:00.000Z'),
        },
      ],
    });
    expect(removed).toMatchObject({ changes: [{ kind: 'removed', sequencer: '0055AED6DCD90281F1' }] });
  });

  it("recognises S3's test event", async () => {
    // Prepare
    const event = await fixture('sqs-s3-test-event.json');

    // Act
    const notification = parseS3Notification(event.Records[0]?.body ?? '');

    // Assess
    expect(notification).toEqual({ kind: 's3:TestEvent', bucket: 'amzn-s3-demo-bucket' });
  });

  it('refuses a body that is no S3 notification, or no JSON, as a message that can never succeed', () => {
    expect(() => parseS3Notification('{"hello":"world"}')).toThrow(QueueMessageRejectedError);
    expect(() => parseS3Notification('not json')).toThrow(QueueMessageRejectedError);
  });

  it('decodes + and %xx in keys', () => {
    expect(decodeObjectKey('incoming/a+b%2Bc%C3%A9.txt')).toBe('incoming/a b+cé.txt');
  });
});

describe('changeOrder', () => {
  it('orders S3 sequencers of different lengths by their value', () => {
    expect(changeOrder('FF', new Date(0)) < changeOrder('0100', new Date(0))).toBe(true);
    expect(
      changeOrder('0055AED6DCD90281E5', new Date(0)) < changeOrder('0055AED6DCD90281F1', new Date(0)),
    ).toBe(true);
  });

  it('falls back to the time when there is no sequencer', () => {
    const earlier = changeOrder(undefined, new Date('2026-11-23T09:00:00Z'));
    const later = changeOrder(undefined, new Date('2026-11-23T09:00:00.001Z'));
    expect(earlier < later).toBe(true);
  });
});
