import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { QueueMessageRejectedError, SubscriberRejectedError } from '../src/core/errors.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { parseBody } from './sending-config.ts';
import { confirmationParts, logFailure, readSignupWorkerEnvironment } from './subscribers-config.ts';

export type SignupWorker = (event: SQSEvent) => Promise<SQSBatchResponse>;

const signupJobSchema = z.object({
  email: z.string().max(320),
  name: z.string().max(100).optional(),
  topics: z.array(z.string().max(40)).max(20),
  at: z.iso.datetime(),
});

/**
 * Processes the signups the endpoint queued: lookup, limits, pending record and confirmation mail, away
 * from the public request so its timing says nothing about the address. A failed job is reported and
 * redelivered by SQS, then kept on the dead-letter queue; a job with a bad body is dropped with a log line.
 */
export function createSignupWorker(service: SubscriptionService, linkBase: string): SignupWorker {
  return async (event) => {
    const batchItemFailures: { itemIdentifier: string }[] = [];
    const outcomes: Record<string, number> = {};
    for (const record of event.Records) {
      try {
        const job = parseBody(signupJobSchema, record.body, record.messageId);
        const outcome = await service.processSignup(job, linkBase);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      } catch (error) {
        if (error instanceof SubscriberRejectedError || error instanceof QueueMessageRejectedError) {
          logFailure('signup dropped', error, { sqsMessageId: record.messageId });
          continue;
        }
        logFailure('signup failed; SQS will redeliver it', error, { sqsMessageId: record.messageId });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    // Counts only: an address never reaches the logs.
    console.log(JSON.stringify({ level: 'INFO', message: 'signups processed', ...outcomes }));
    return { batchItemFailures };
  };
}

let configured: SignupWorker | undefined;

export const handler: SignupWorker = (event) => {
  if (!configured) {
    const env = readSignupWorkerEnvironment();
    configured = createSignupWorker(new SubscriptionService(confirmationParts(env)), env.LINK_BASE);
  }
  return configured(event);
};
