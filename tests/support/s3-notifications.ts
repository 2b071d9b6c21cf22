import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** One object change as S3 reports it for a versioned bucket (moto's own events lack versionId and sequencer). */
export interface S3Change {
  eventName:
    | 'ObjectCreated:Put'
    | 'ObjectCreated:Copy'
    | 'ObjectRemoved:DeleteMarkerCreated'
    | 'ObjectRemoved:Delete';
  key: string;
  /** The version created, the delete marker created, or the version deleted for good. */
  versionId: string;
  /** Hex; grows with each change to the key. */
  sequencer: string;
  eventTime?: Date;
}

/** S3 URL-encodes a key in an event as a form does: `+` for a space, `%2B` for a plus. */
export function eventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

/** The SQS record (as Lambda's event source mapping delivers it) of the S3 notification of one change. */
export function s3NotificationRecord(bucket: string, change: S3Change, messageId: string): SQSRecord {
  const notification = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: (change.eventTime ?? new Date()).toISOString(),
        eventName: change.eventName,
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'incoming',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: eventKey(change.key), versionId: change.versionId, sequencer: change.sequencer },
        },
      },
    ],
  };
  return sqsRecord(messageId, JSON.stringify(notification));
}

/** An SQS event of one notification per change, message ids `<sequencer>`. */
export function s3NotificationEvent(bucket: string, changes: S3Change[]): SQSEvent {
  return { Records: changes.map((change) => s3NotificationRecord(bucket, change, change.sequencer)) };
}

/** An SQS record with this body, as Lambda delivers it on its first receive. */
export function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:article-uploads',
    awsRegion: 'us-east-1',
  };
}
