import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { DynamoDbSendLedger } from '../src/adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { hasherFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { DigestError } from '../src/core/errors.ts';
import { applyFeedback, type FeedbackOptions, parseSesEvent } from '../src/core/subscribers/feedback.ts';
import { logFailure, readFeedbackEnvironment } from './subscribers-config.ts';

export type SnsHandler = (event: SNSEvent) => Promise<void>;

/**
 * SES configuration-set events, delivered by SNS. A record that is not an SES event is logged and
 * skipped (it would fail every retry); storage errors are thrown so Lambda retries the event and
 * finally keeps it in the dead-letter queue.
 */
export function createFeedbackHandler(options: FeedbackOptions): SnsHandler {
  return async (event) => {
    for (const record of event.Records) {
      const where = `SNS message ${record.Sns.MessageId}`;
      let feedback: ReturnType<typeof parseSesEvent>;
      try {
        feedback = parseSesEvent(record.Sns.Message, where);
      } catch (error) {
        if (!(error instanceof DigestError)) throw error;
        logFailure('skipped a record that is not an SES event', error, {
          snsMessageId: record.Sns.MessageId,
        });
        continue;
      }
      if (!feedback) continue;
      const results = await applyFeedback(feedback, options);
      console.log(
        JSON.stringify({ level: 'INFO', message: 'SES feedback applied', kind: feedback.kind, results }),
      );
    }
  };
}

async function configure(): Promise<SnsHandler> {
  const env = readFeedbackEnvironment();
  const dynamo = new DynamoDBClient({});
  return createFeedbackHandler({
    repository: new DynamoDbSubscriberRepository(dynamo, env.SUBSCRIBER_TABLE),
    ...(env.LEDGER_TABLE ? { ledger: new DynamoDbSendLedger(dynamo, env.LEDGER_TABLE) } : {}),
    transientBounceLimit: env.TRANSIENT_BOUNCE_LIMIT,
    logHash: await hasherFromSecret(new SecretsManagerClient({}), env.HASH_KEY_SECRET),
  });
}

let configured: Promise<SnsHandler> | undefined;

export const handler: SnsHandler = async (event) => {
  configured ??= configure();
  return (await configured)(event);
};
