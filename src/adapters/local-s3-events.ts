import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** The bucket name local uploads are reported under; the local ingest handler accepts only it. */
export const LOCAL_BUCKET = 'local-articles';

/** A file created, changed or deleted in the watched folder, as S3 would report the object. */
export interface LocalObjectChange {
  kind: 'created' | 'removed';
  key: string;
  size?: number;
  etag?: string;
}

/**
 * An SQS batch of S3 event notifications, one message per change, shaped as the recorded fixtures
 * (tests/fixtures/sqs-s3-object-created.json) and AWS document them. Like S3 without versioning, and like
 * emulators, it carries no versionId or sequencer: changes are ordered by time.
 */
export function localS3QueueEvent(changes: readonly LocalObjectChange[], at: Date = new Date()): SQSEvent {
  return { Records: changes.map((change) => queueRecord(change, at)) };
}

function queueRecord(change: LocalObjectChange, at: Date): SQSRecord {
  const notification = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: at.toISOString(),
        eventName: change.kind === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:Delete',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {},
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'digest-dev',
          bucket: {
            name: LOCAL_BUCKET,
            ownerIdentity: { principalId: 'local' },
            arn: `arn:aws:s3:::${LOCAL_BUCKET}`,
          },
          object: {
            key: encodeObjectKey(change.key),
            ...(change.size !== undefined && { size: change.size }),
            ...(change.etag && { eTag: change.etag.replaceAll('"', '') }),
          },
        },
      },
    ],
  };
  const sent = String(at.getTime());
  const body = JSON.stringify(notification);
  return {
    messageId: randomUUID(),
    receiptHandle: 'local',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sent,
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:article-uploads',
    awsRegion: 'local',
  };
}

/** S3 writes keys URL-encoded with `+` for spaces and `/` kept (the inverse of decodeObjectKey). */
export function encodeObjectKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replaceAll('%20', '+'))
    .join('/');
}
