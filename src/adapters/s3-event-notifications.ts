import { QueueMessageRejectedError } from '../core/errors.ts';
import type { ObjectChange } from '../core/upload-ingest.ts';
import * as z from '../core/zod.ts';

/** What one SQS message from an S3 event notification holds. */
export type S3Notification =
  | { kind: 's3:TestEvent'; bucket: string }
  | { kind: 'changes'; changes: ObjectChange[] };

const testEventSchema = z.object({ Event: z.literal('s3:TestEvent'), Bucket: z.string() });

const recordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      versionId: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});
const eventSchema = z.object({ Records: z.array(recordSchema) });

/**
 * Reads an S3 event notification message body
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * Throws when the body is neither an S3 event nor S3's test event: such a message can never succeed.
 */
export function parseS3Notification(body: string): S3Notification {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new QueueMessageRejectedError('message body is not JSON', { cause });
  }
  const test = testEventSchema.safeParse(json);
  if (test.success) return { kind: 's3:TestEvent', bucket: test.data.Bucket };
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success)
    throw new QueueMessageRejectedError('not an S3 event notification', { cause: parsed.error });
  const event = parsed.data;
  const changes: ObjectChange[] = [];
  for (const record of event.Records) {
    const kind = record.eventName.startsWith('ObjectCreated:')
      ? 'created'
      : record.eventName.startsWith('ObjectRemoved:')
        ? 'removed'
        : undefined;
    if (!kind) continue;
    const { versionId, sequencer } = record.s3.object;
    changes.push({
      kind,
      bucket: record.s3.bucket.name,
      key: decodeObjectKey(record.s3.object.key),
      ...(versionId && { versionId }),
      ...(sequencer && { sequencer }),
      eventTime: parseEventTime(record.eventTime),
    });
  }
  return { kind: 'changes', changes };
}

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeObjectKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

function parseEventTime(text: string): Date {
  // AWS writes a zone ("...Z"); a zone-less time (as some emulators write) is UTC.
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) throw new QueueMessageRejectedError(`eventTime ${text} is not a date`);
  return date;
}
