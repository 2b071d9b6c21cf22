import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { SqsBatchQueue } from '../src/adapters/sqs-batch-queue.ts';
import type { BatchQueue, RecipientBatch } from '../src/core/ports/sending.ts';
import type { SubscriberRepository } from '../src/core/ports/subscribers.ts';
import { planBatches } from '../src/core/sending/plan.ts';
import { parseBody, readFanoutEnvironment, sendRequestSchema } from './sending-config.ts';
import { logFailure } from './subscribers-config.ts';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface FanoutOptions {
  subscribers: SubscriberRepository;
  queue: BatchQueue;
  batchSize: number;
}

/**
 * An approved digest ({digestId, digestKey} on the hand-off queue) becomes recipient batches on the send
 * queue. Running twice only queues duplicates, which the ledger turns into no-ops.
 */
export function createFanoutHandler(options: FanoutOptions): SqsHandler {
  return async (event) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const request = parseBody(sendRequestSchema, record.body, record.messageId);
        let pending: RecipientBatch[] = [];
        let batches = 0;
        let recipients = 0;
        for await (const batch of planBatches(
          request.digestId,
          request.digestKey,
          options.subscribers.list(),
          options.batchSize,
        )) {
          pending.push(batch);
          batches++;
          recipients += batch.subscriberIds.length;
          if (pending.length === 10) {
            await options.queue.enqueue(pending);
            pending = [];
          }
        }
        await options.queue.enqueue(pending);
        console.log(
          JSON.stringify({
            level: 'INFO',
            message: 'digest fanned out',
            digestId: request.digestId,
            batches,
            recipients,
          }),
        );
      } catch (error) {
        logFailure('fan-out failed', error, { sqsMessageId: record.messageId });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let configured: SqsHandler | undefined;

export const handler: SqsHandler = (event) => {
  if (!configured) {
    const env = readFanoutEnvironment();
    configured = createFanoutHandler({
      subscribers: new DynamoDbSubscriberRepository(new DynamoDBClient({}), env.SUBSCRIBER_TABLE),
      queue: new SqsBatchQueue(new SQSClient({}), env.SEND_QUEUE_URL),
      batchSize: env.BATCH_SIZE,
    });
  }
  return configured(event);
};
