import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDbRateLimiter, DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { SecretsManagerKeyProvider } from '../src/adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../src/adapters/ses-confirmation-mailer.ts';
import { TokenSigner } from '../src/core/signed-links.ts';
import type { SubscriptionServiceOptions } from '../src/core/subscribers/service.ts';
import type { ConfirmationEnvironment } from '../src/handlers/environment.ts';

/** The limits, token signer and mailer both confirmation-sending functions build the same way. */
export function confirmationParts(env: ConfirmationEnvironment) {
  const dynamo = new DynamoDBClient({});
  const hour = 60 * 60 * 1000;
  return {
    repository: new DynamoDbSubscriberRepository(dynamo, env.SUBSCRIBER_TABLE),
    limiter: new DynamoDbRateLimiter(dynamo, env.SUBSCRIBER_TABLE),
    tokens: new TokenSigner(
      new SecretsManagerKeyProvider(new SecretsManagerClient({}), env.TOKEN_KEY_SECRET),
      {
        rotationGraceMs: env.TOKEN_ROTATION_GRACE_DAYS * 24 * hour,
      },
    ),
    ...(env.SENDER_ADDRESS
      ? {
          mailer: new SesConfirmationMailer(new SESClient({}), {
            from: env.SENDER_ADDRESS,
            newsletter: env.NEWSLETTER_NAME,
            ...(env.SES_CONFIGURATION_SET ? { configurationSet: env.SES_CONFIGURATION_SET } : {}),
          }),
        }
      : {}),
    limits: {
      perAddress: { max: env.CONFIRMATIONS_PER_ADDRESS_PER_DAY, windowMs: 24 * hour },
      perClient: { max: env.SIGNUPS_PER_CLIENT_PER_HOUR, windowMs: hour },
      global: { max: env.CONFIRMATIONS_PER_HOUR, windowMs: hour },
      pendingMs: env.PENDING_HOURS * hour,
    },
  } satisfies Partial<SubscriptionServiceOptions>;
}
