import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { powertoolsLogger } from '../src/adapters/powertools-observability.ts';
import { hasherFromSecret, keyFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { SqsSignupQueue } from '../src/adapters/sqs-signup-queue.ts';
import { errorType } from '../src/core/ports/logger.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';
import { createSubscriptionHandler, type FunctionUrlHandler } from '../src/handlers/subscription-endpoint.ts';
import { confirmationParts } from './subscribers-config.ts';

async function fromEnvironment(): Promise<FunctionUrlHandler> {
  const env = parseEnvironment('subscription-endpoint');
  const log = powertoolsLogger('subscription-endpoint');
  const secrets = new SecretsManagerClient({});
  const hash = await hasherFromSecret(secrets, env.HASH_KEY_SECRET);
  const service = new SubscriptionService({
    ...confirmationParts(env),
    clientHash: hash,
    addressHash: hash,
    ...(env.SIGNUP_QUEUE_URL ? { queue: new SqsSignupQueue(new SQSClient({}), env.SIGNUP_QUEUE_URL) } : {}),
  });
  return createSubscriptionHandler({
    service,
    newsletter: env.NEWSLETTER_NAME,
    signupEnabled: env.SENDER_ADDRESS !== undefined && env.SIGNUP_QUEUE_URL !== undefined,
    ...(env.EDGE_KEY_SECRET ? { edgeKey: await keyFromSecret(secrets, env.EDGE_KEY_SECRET) } : {}),
    ...(env.PUBLIC_BASE_URL ? { publicBaseUrl: env.PUBLIC_BASE_URL } : {}),
    // By error type only: SDK messages can quote addresses.
    onError: (error) => log.error('request failed', { errorType: errorType(error) }),
  });
}

export const handler: FunctionUrlHandler = configuredOnFirstCall(fromEnvironment);
