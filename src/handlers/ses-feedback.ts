import type { SNSEvent } from 'aws-lambda';
import { DigestError } from '../core/errors.ts';
import { errorType, type Logger } from '../core/ports/logger.ts';
import { applyFeedback, type FeedbackOptions, parseSesEvent } from '../core/subscribers/feedback.ts';

export type SnsHandler = (event: SNSEvent) => Promise<void>;

/**
 * SES configuration-set events, delivered by SNS. A record that is not an SES event is logged and
 * skipped (it would fail every retry); storage errors are thrown so Lambda retries the event and
 * finally keeps it in the dead-letter queue.
 */
export function createFeedbackHandler(options: FeedbackOptions & { log: Logger }): SnsHandler {
  return async (event) => {
    for (const record of event.Records) {
      const where = `SNS message ${record.Sns.MessageId}`;
      let feedback: ReturnType<typeof parseSesEvent>;
      try {
        feedback = parseSesEvent(record.Sns.Message, where);
      } catch (error) {
        if (!(error instanceof DigestError)) throw error;
        options.log.error('skipped a record that is not an SES event', {
          snsMessageId: record.Sns.MessageId,
          errorType: errorType(error),
        });
        continue;
      }
      if (!feedback) continue;
      const results = await applyFeedback(feedback, options);
      options.log.info('SES feedback applied', { kind: feedback.kind, results });
    }
  };
}
