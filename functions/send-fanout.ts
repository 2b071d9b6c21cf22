import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { powertoolsLogger } from '../src/adapters/powertools-observability.ts';
import { SqsBatchQueue } from '../src/adapters/sqs-batch-queue.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';
import { createFanoutHandler } from '../src/handlers/send-fanout.ts';
import type { SqsHandler } from '../src/handlers/sqs-batch.ts';

export const handler: SqsHandler = configuredOnFirstCall(() => {
  const env = parseEnvironment('send-fanout');
  return createFanoutHandler({
    subscribers: new DynamoDbSubscriberRepository(new DynamoDBClient({}), env.SUBSCRIBER_TABLE),
    queue: new SqsBatchQueue(new SQSClient({}), env.SEND_QUEUE_URL),
    batchSize: env.BATCH_SIZE,
    log: powertoolsLogger('send-fanout'),
  });
});
