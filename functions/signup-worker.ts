import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { powertoolsLogger } from '../src/adapters/powertools-observability.ts';
import { hasherFromSecret } from '../src/adapters/secrets-manager-hash-key.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { configuredOnFirstCall } from '../src/handlers/first-call.ts';
import { createSignupWorker } from '../src/handlers/signup-worker.ts';
import type { SqsHandler } from '../src/handlers/sqs-batch.ts';
import { confirmationParts } from './subscribers-config.ts';

export const handler: SqsHandler = configuredOnFirstCall(async () => {
  const env = parseEnvironment('signup-worker');
  return createSignupWorker(
    new SubscriptionService({
      ...confirmationParts(env),
      addressHash: await hasherFromSecret(new SecretsManagerClient({}), env.HASH_KEY_SECRET),
    }),
    env.LINK_BASE,
    powertoolsLogger('signup-worker'),
  );
});
