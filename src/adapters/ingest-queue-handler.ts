import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../core/ports/logger.ts';
import type { IngestOutcome, UploadIngest } from '../core/upload-ingest.ts';
import { parseS3Notification } from './s3-event-notifications.ts';

export interface IngestQueueHandlerDeps {
  ingest: UploadIngest;
  /** The only bucket whose events are handled; others are logged and dropped. */
  bucket: string;
  log: Logger;
}

type Counts = Record<IngestOutcome | 'failed' | 'unreadable', number>;

/**
 * The SQS batch handler: S3 notifications in, one UploadIngest call per object change out. A message that can
 * never succeed (unreadable, another bucket) is logged and acknowledged; any other error fails only its own
 * message (ReportBatchItemFailures), so SQS redelivers it and, after its receive limit, moves it to the DLQ.
 */
export function createIngestQueueHandler({ ingest, bucket, log }: IngestQueueHandlerDeps) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const counts: Counts = {
      ingested: 0,
      rejected: 0,
      retracted: 0,
      unchanged: 0,
      gone: 0,
      failed: 0,
      unreadable: 0,
    };
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    // In order, one at a time: changes to one key in one batch must apply in delivery order.
    for (const record of event.Records) {
      try {
        await handleMessage(record);
      } catch (error) {
        counts.failed++;
        failures.push({ itemIdentifier: record.messageId });
        log.error('message failed; it will be retried', {
          messageId: record.messageId,
          error: (error as Error).name,
          detail: (error as Error).message,
        });
      }
    }
    log.metrics({
      ArticlesIngested: counts.ingested,
      ArticlesRejected: counts.rejected,
      ArticlesRetracted: counts.retracted,
      IngestMessagesFailed: counts.failed,
      IngestMessagesUnreadable: counts.unreadable,
    });
    log.info('batch done', { messages: event.Records.length, ...counts });
    return { batchItemFailures: failures };

    async function handleMessage(record: SQSRecord): Promise<void> {
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
        const result = await ingest.apply(change);
        counts[result.outcome]++;
        const fields = { messageId: record.messageId, change: change.kind, ...result };
        if (result.outcome === 'rejected') log.warn('object rejected', fields);
        else log.info('object handled', fields);
      }
    }
  };
}
