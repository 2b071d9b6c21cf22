import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { parseS3Notification } from '../adapters/s3-event-notifications.ts';
import type { LogFields, Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import { redactAddresses } from '../core/redact-addresses.ts';
import { type IngestOutcome, objectIdOf, type UploadIngest } from '../core/upload-ingest.ts';
import { type SqsHandler, sqsBatchHandler } from './sqs-batch.ts';

export interface IngestQueueHandlerDeps {
  ingest: UploadIngest;
  /** The only bucket whose events are handled; others are logged and dropped. */
  bucket: string;
  log: Logger;
  metrics: Metrics;
}

type Counts = Record<IngestOutcome | 'failed' | 'unreadable', number>;

/**
 * The SQS batch handler: S3 notifications in, one UploadIngest call per object change out. A message that can
 * never succeed (unreadable, another bucket) is logged and acknowledged; any other error fails only its own
 * message (ReportBatchItemFailures), so SQS redelivers it and, after its receive limit, moves it to the DLQ.
 */
export function createIngestQueueHandler({
  ingest,
  bucket,
  log,
  metrics,
}: IngestQueueHandlerDeps): SqsHandler {
  return async (event: SQSEvent) => {
    const counts: Counts = {
      ingested: 0,
      rejected: 0,
      retracted: 0,
      unchanged: 0,
      gone: 0,
      ignored: 0,
      failed: 0,
      unreadable: 0,
    };
    // In order, one at a time: changes to one key in one batch must apply in delivery order.
    const response = await sqsBatchHandler(
      { log, failureMessage: 'message failed; it will be retried', logErrorMessage: true },
      handleMessage,
    )(event);
    counts.failed = response.batchItemFailures.length;
    metrics.record({
      ArticlesIngested: counts.ingested,
      ArticlesRejected: counts.rejected,
      ArticlesRetracted: counts.retracted,
      IngestMessagesFailed: counts.failed,
      IngestMessagesUnreadable: counts.unreadable,
    });
    log.info('batch done', { messages: event.Records.length, ...counts });
    return response;

    async function handleMessage(record: SQSRecord, failure: LogFields): Promise<void> {
      let notification: ReturnType<typeof parseS3Notification>;
      try {
        notification = parseS3Notification(record.body);
      } catch (error) {
        counts.unreadable++;
        log.error('not an S3 event notification; dropped', {
          messageId: record.messageId,
          error: (error as Error).name,
        });
        return;
      }
      if (notification.kind === 's3:TestEvent') {
        log.info('S3 test event', { messageId: record.messageId, bucket: notification.bucket });
        return;
      }
      for (const change of notification.changes) {
        if (change.bucket !== bucket) {
          counts.unreadable++;
          log.error('event for another bucket; dropped', {
            messageId: record.messageId,
            bucket: change.bucket,
          });
          continue;
        }
        // Named in the error line if this change fails: the operator sees which object, not only which message.
        // Keys and reasons are logged with the local part of any address in them hashed (redactAddresses).
        failure.objectId = redactAddresses(objectIdOf(change));
        failure.change = change.kind;
        const result = await ingest.apply(change);
        counts[result.outcome]++;
        const fields = {
          messageId: record.messageId,
          change: change.kind,
          ...result,
          objectId: redactAddresses(result.objectId),
          ...(result.reason !== undefined && { reason: redactAddresses(result.reason) }),
        };
        if (result.outcome === 'rejected') log.warn('object rejected', fields);
        else log.info('object handled', fields);
      }
    }
  };
}
