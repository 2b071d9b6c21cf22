import { QueueMessageRejectedError, SubscriberRejectedError } from '../core/errors.ts';
import { errorType, type Logger } from '../core/ports/logger.ts';
import type { SubscriptionService } from '../core/subscribers/service.ts';
import * as z from '../core/zod.ts';
import { parseBody, type SqsHandler, sqsBatchHandler } from './sqs-batch.ts';

const signupJobSchema = z.object({
  email: z.string().check(z.maxLength(320)),
  name: z.optional(z.string().check(z.maxLength(100))),
  topics: z.array(z.string().check(z.maxLength(40))).check(z.maxLength(20)),
  at: z.iso.datetime(),
});

/**
 * Processes the signups the endpoint queued: lookup, limits, pending record and confirmation mail, away
 * from the public request so its timing says nothing about the address. A failed job is reported and
 * redelivered by SQS, then kept on the dead-letter queue; a job with a bad body is dropped with a log line.
 */
export function createSignupWorker(service: SubscriptionService, linkBase: string, log: Logger): SqsHandler {
  return async (event) => {
    const outcomes: Record<string, number> = {};
    const response = await sqsBatchHandler(
      { log, failureMessage: 'signup failed; SQS will redeliver it' },
      async (record) => {
        try {
          const job = parseBody(signupJobSchema, record.body, record.messageId);
          const outcome = await service.processSignup(job, linkBase);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        } catch (error) {
          if (!(error instanceof SubscriberRejectedError || error instanceof QueueMessageRejectedError)) {
            throw error;
          }
          log.error('signup dropped', { sqsMessageId: record.messageId, errorType: errorType(error) });
        }
      },
    )(event);
    // Counts only: an address never reaches the logs.
    log.info('signups processed', outcomes);
    return response;
  };
}
