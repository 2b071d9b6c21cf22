import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { StorageError } from '../core/errors.ts';
import type { BatchQueue, RecipientBatch } from '../core/ports/sending.ts';

/** SendMessageBatch takes at most ten messages. */
const SQS_BATCH_LIMIT = 10;

/**
 * Puts recipient batches on the send queue, ten SQS messages per call (the one place they are grouped);
 * a partial failure throws.
 */
export class SqsBatchQueue implements BatchQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(
    batches: Iterable<RecipientBatch> | AsyncIterable<RecipientBatch>,
    delaySeconds?: number,
  ): Promise<void> {
    let group: RecipientBatch[] = [];
    for await (const batch of batches) {
      group.push(batch);
      if (group.length === SQS_BATCH_LIMIT) {
        await this.send(group, delaySeconds);
        group = [];
      }
    }
    if (group.length > 0) await this.send(group, delaySeconds);
  }

  private async send(group: RecipientBatch[], delaySeconds: number | undefined): Promise<void> {
    const entries = group.map((batch, i) => ({
      Id: String(i),
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
