import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbSendLedger } from '../src/adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { powertoolsLogger } from '../src/adapters/powertools-observability.ts';
import { hasherFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';
import { createFeedbackHandler, type SnsHandler } from '../src/handlers/ses-feedback.ts';

async function configure(): Promise<SnsHandler> {
  const env = parseEnvironment('ses-feedback');
  const dynamo = new DynamoDBClient({});
  return createFeedbackHandler({
    repository: new DynamoDbSubscriberRepository(dynamo, env.SUBSCRIBER_TABLE),
    ...(env.LEDGER_TABLE ? { ledger: new DynamoDbSendLedger(dynamo, env.LEDGER_TABLE) } : {}),
    transientBounceLimit: env.TRANSIENT_BOUNCE_LIMIT,
    addressHash: await hasherFromSecret(new SecretsManagerClient({}), env.HASH_KEY_SECRET),
    log: powertoolsLogger('ses-feedback'),
  });
}

export const handler: SnsHandler = configuredOnFirstCall(configure);
