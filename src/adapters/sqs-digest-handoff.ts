import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ApprovedDigest, DigestHandoff } from '../core/ports/digest-handoff.ts';

/**
 * Puts one JSON message per approved digest on the "digest approved" queue, which the sending side consumes.
 * Delivery is at least once: the consumer dedupes by `digestId`.
 */
export class SqsDigestHandoff implements DigestHandoff {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async approved(digest: ApprovedDigest): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(digest),
        MessageAttributes: { digestId: { DataType: 'String', StringValue: digest.digestId } },
      }),
    );
  }
}
