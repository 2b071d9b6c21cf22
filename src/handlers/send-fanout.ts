import type { Logger } from '../core/ports/logger.ts';
import type { BatchQueue, RecipientBatch } from '../core/ports/sending.ts';
import type { SubscriberRepository } from '../core/ports/subscribers.ts';
import { planBatches } from '../core/sending/plan.ts';
import { parseBody, type SqsHandler, sendRequestSchema, sqsBatchHandler } from './sqs-batch.ts';

export interface FanoutOptions {
  subscribers: SubscriberRepository;
  queue: BatchQueue;
  batchSize: number;
  log: Logger;
}

/**
 * An approved digest ({digestId, digestKey} on the hand-off queue) becomes recipient batches on the send
 * queue. Running twice only queues duplicates, which the ledger turns into no-ops.
 */
export function createFanoutHandler(options: FanoutOptions): SqsHandler {
  return sqsBatchHandler({ log: options.log, failureMessage: 'fan-out failed' }, async (record) => {
    const request = parseBody(sendRequestSchema, record.body, record.messageId);
    let batches = 0;
    let recipients = 0;
    async function* counted(planned: AsyncIterable<RecipientBatch>) {
      for await (const batch of planned) {
        batches++;
        recipients += batch.subscriberIds.length;
        yield batch;
      }
    }
    const planned = planBatches(
      request.digestId,
      request.digestKey,
      options.subscribers.list(),
      options.batchSize,
    );
    await options.queue.enqueue(counted(planned));
    options.log.info('digest fanned out', { digestId: request.digestId, batches, recipients });
  });
}
