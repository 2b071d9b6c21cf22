import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import { DynamoDbRateLimiter, DynamoDbSubscriberRepository } from '../src/adapters/dynamodb-subscribers.ts';
import { parseEnvironment } from '../src/adapters/lambda-environment.ts';
import { SecretsManagerKeyProvider } from '../src/adapters/secrets-manager-keys.ts';
import { SesConfirmationMailer } from '../src/adapters/ses-confirmation-mailer.ts';
import { TokenSigner } from '../src/core/signed-links.ts';
import type { SubscriptionServiceOptions } from '../src/core/subscribers/service.ts';

const tableSettings = z.object({ SUBSCRIBER_TABLE: z.string().min(1) });

/** What both functions that send confirmation mails need: tokens, sender and the abuse limits. */
const confirmationSettings = tableSettings.extend({
  /** ARN of the secret that holds the token keys (the keys themselves never sit in the environment). */
  TOKEN_KEY_SECRET: z.string().min(1),
  TOKEN_ROTATION_GRACE_DAYS: z.coerce.number().int().min(0).max(1000).default(400),
  NEWSLETTER_NAME: z.string().min(1).default('the digest'),
  /** Verified SES sender of confirmation mails; signup answers 503 without one. */
  SENDER_ADDRESS: z.email().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  CONFIRMATIONS_PER_ADDRESS_PER_DAY: z.coerce.number().int().min(1).max(20).default(3),
  CONFIRMATIONS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  SIGNUPS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).default(10),
  PENDING_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(48),
});

/** Settings of the subscription endpoint, read from the environment once. */
const endpointEnvironmentSchema = confirmationSettings.extend({
  /** Public https:// base of the links, when a custom domain fronts the Function URL. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https$/ }).optional(),
  /** The signup queue the signup worker reads; signup answers 503 without one. */
  SIGNUP_QUEUE_URL: z.url().optional(),
  /** ARN of the secret with the key of the client-address hash. */
  HASH_KEY_SECRET: z.string().min(1),
  /** "true" when CloudFront fronts the endpoint: the client is CloudFront-Viewer-Address, not the source IP. */
  TRUST_VIEWER_ADDRESS: z.enum(['true', 'false']).default('false'),
});

/** Settings of the signup worker. */
const signupWorkerEnvironmentSchema = confirmationSettings.extend({
  SENDER_ADDRESS: z.email(),
  /** https:// base of the confirmation links (the endpoint's public URL). */
  LINK_BASE: z.url({ protocol: /^https$/ }),
});

/** Settings of the SES feedback handler. */
const feedbackEnvironmentSchema = tableSettings.extend({
  /** ARN of the secret with the key that hashes addresses in logs. */
  HASH_KEY_SECRET: z.string().min(1),
  TRANSIENT_BOUNCE_LIMIT: z.coerce.number().int().min(1).max(50).default(3),
  /** The send ledger to settle from delivery, bounce and complaint events (docs/sending.md). */
  LEDGER_TABLE: z.string().min(1).optional(),
});

export function readEndpointEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(endpointEnvironmentSchema, env);
}

export function readSignupWorkerEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(signupWorkerEnvironmentSchema, env);
}

/** The limits, token signer and mailer both confirmation-sending functions build the same way. */
export function confirmationParts(env: z.infer<typeof confirmationSettings>) {
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

export function readFeedbackEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(feedbackEnvironmentSchema, env);
}

/**
 * Logs a failure by error type only: SDK messages can quote addresses (SES MessageRejected does),
 * and addresses never go to logs.
 */
export function logFailure(message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  const type = error instanceof Error ? error.name : typeof error;
  console.error(JSON.stringify({ level: 'ERROR', message, errorType: type, ...fields }));
}
