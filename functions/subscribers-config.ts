import { z } from 'zod';
import { parseEnvironment } from '../src/adapters/lambda-environment.ts';

const tableSettings = z.object({ SUBSCRIBER_TABLE: z.string().min(1) });

/** Settings of the subscription endpoint, read from the environment once. */
const endpointEnvironmentSchema = tableSettings.extend({
  /** ARN of the secret that holds the token keys (the keys themselves never sit in the environment). */
  TOKEN_KEY_SECRET: z.string().min(1),
  TOKEN_ROTATION_GRACE_DAYS: z.coerce.number().int().min(0).max(1000).default(400),
  NEWSLETTER_NAME: z.string().min(1).default('the digest'),
  /** Verified SES sender of confirmation mails; signup answers 503 without one. */
  SENDER_ADDRESS: z.email().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Public https:// base of the links, when a custom domain fronts the Function URL. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https$/ }).optional(),
  CONFIRMATIONS_PER_DAY: z.coerce.number().int().min(1).max(20).default(3),
});

/** Settings of the SES feedback handler. */
const feedbackEnvironmentSchema = tableSettings.extend({
  TRANSIENT_BOUNCE_LIMIT: z.coerce.number().int().min(1).max(50).default(3),
  /** The send ledger to settle from delivery, bounce and complaint events (docs/sending.md). */
  LEDGER_TABLE: z.string().min(1).optional(),
});

export function readEndpointEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(endpointEnvironmentSchema, env);
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
