import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StorageError } from '../core/errors.ts';
import type { BatchQueue, RecipientBatch } from '../core/ports/sending.ts';

/** Puts recipient batches on the send queue, ten SQS messages per call; a partial failure throws. */
export class SqsBatchQueue implements BatchQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(batches: readonly RecipientBatch[], delaySeconds?: number): Promise<void> {
    for (let start = 0; start < batches.length; start += 10) {
      const entries = batches.slice(start, start + 10).map((batch, i) => ({
        Id: String(start + i),
        MessageBody: JSON.stringify(batch),
        ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}),
      }));
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      if (Failed && Failed.length > 0) {
        throw new StorageError(
          `SQS refused ${Failed.length} recipient batches: ${Failed.map((f) => f.Code).join(', ')}`,
        );
      }
    }
  }
}
