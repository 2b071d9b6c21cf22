import { powertoolsLogger } from '../src/adapters/powertools-observability.ts';
import { SubscriptionService } from '../src/core/subscribers/service.ts';
import { parseEnvironment } from '../src/handlers/environment.ts';
import { createSignupWorker } from '../src/handlers/signup-worker.ts';
import type { SqsHandler } from '../src/handlers/sqs-batch.ts';
import { confirmationParts } from './subscribers-config.ts';

let configured: SqsHandler | undefined;

export const handler: SqsHandler = (event) => {
  if (!configured) {
    const env = parseEnvironment('signup-worker');
    configured = createSignupWorker(
      new SubscriptionService(confirmationParts(env)),
      env.LINK_BASE,
      powertoolsLogger('signup-worker'),
    );
  }
  return configured(event);
};
