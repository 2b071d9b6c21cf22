import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SignupJob, SignupQueue } from '../core/ports/subscribers.ts';

/** Puts each public signup on the signup queue as JSON; the signup worker Lambda consumes it. */
export class SqsSignupQueue implements SignupQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: SignupJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
