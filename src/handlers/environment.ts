import * as z from 'zod';
import { ConfigError } from '../core/errors.ts';

// Every Lambda's environment, validated once at cold start by its functions/ file. LAMBDA_ENVIRONMENTS below
// also types the `environment` each construct sets (infra/constructs/bundled-function.ts), so a variable a
// handler needs and its construct forgets fails to compile.

/** Environment of the ingest Lambda (infra/constructs/article-ingest.ts). */
export const ingestEnvironmentSchema = z.object({
  ARTICLES_BUCKET: z.string().min(3),
  ARTICLE_INDEX_TABLE: z.string().min(3),
  MAX_ARTICLE_BYTES: z.coerce.number().int().positive(),
});

/** Environment of the digest Lambda (infra/constructs/scheduled-digest.ts). */
export const digestEnvironmentSchema = z.object({
  ARTICLES_BUCKET: z.string().min(3),
  ARTICLE_INDEX_TABLE: z.string().min(3),
  DIGESTS_TABLE: z.string().min(3),
  APPROVED_QUEUE_URL: z.url(),
  WINDOW_HOURS: z.coerce.number().int().positive(),
  SEND_MODE: z.enum(['auto', 'review']),
  REVIEW_HOURS: z.coerce.number().int().positive(),
  ON_REVIEW_DEADLINE: z.enum(['send', 'drop']),
  LEASE_SECONDS: z.coerce.number().int().positive(),
  DIGEST_TITLE: z.string().min(1).optional(),
  DIGEST_INTRO: z.string().min(1).optional(),
  /** Where the templates/ folder is; beside the bundled handler by default (tests point it at the sources). */
  TEMPLATES_DIR: z.string().min(1).optional(),
  /** Email settings JSON (docs/email.md), the same the send worker renders with. */
  EMAIL_SETTINGS: z.string().default('{}'),
});

const queueSettings = z.object({
  SUBSCRIBER_TABLE: z.string().min(1),
  SEND_QUEUE_URL: z.url(),
});

/** Environment of the fan-out Lambda (infra/constructs/sending.ts). */
export const fanoutEnvironmentSchema = queueSettings.extend({
  /** Recipients per SQS message. */
  BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
});

/** Environment of the send worker (infra/constructs/sending.ts). */
export const workerEnvironmentSchema = queueSettings.extend({
  LEDGER_TABLE: z.string().min(1),
  ARCHIVE_BUCKET: z.string().min(3),
  /** ARN of the secret with the token keys (never the keys themselves). */
  TOKEN_KEY_SECRET: z.string().min(1),
  TOKEN_ROTATION_GRACE_DAYS: z.coerce.number().int().min(0).max(1000).default(400),
  SENDER_ADDRESS: z.email(),
  SENDER_NAME: z.string().min(1),
  REPLY_TO: z.email().optional(),
  LIST_ID: z.string().min(3),
  LIST_NAME: z.string().min(1).optional(),
  /** https:// base of the subscription endpoint. */
  LINK_BASE: z.url({ protocol: /^https$/ }),
  SES_CONFIGURATION_SET: z.string().min(1),
  /** The event source's maximum concurrency: MaxSendRate is shared by this many workers. */
  MAX_WORKERS: z.coerce.number().int().min(1).max(1000),
  /** Optional cap per worker below its share of MaxSendRate. */
  RATE_PER_WORKER: z.coerce.number().positive().optional(),
  /** How long a claimed row may stay `sending` before it is reported unknown (the function timeout). */
  LEASE_SECONDS: z.coerce.number().int().min(1).max(900),
  QUOTA_DELAY_SECONDS: z.coerce.number().int().min(1).max(900).default(900),
  /** https:// base of the public archive site (docs/operations.md); each message links its digest's page. */
  ARCHIVE_BASE_URL: z.url({ protocol: /^https$/ }).optional(),
  /** Email settings JSON (docs/email.md). */
  EMAIL_SETTINGS: z.string().default('{}'),
  /** Where the bundled templates/ folder is; beside the handler by default. */
  TEMPLATES_DIR: z.string().min(1).optional(),
});

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

/** What the endpoint and the signup worker both read. */
export type ConfirmationEnvironment = z.infer<typeof confirmationSettings>;

/** Settings of the subscription endpoint, read from the environment once. */
export const endpointEnvironmentSchema = confirmationSettings.extend({
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
export const signupWorkerEnvironmentSchema = confirmationSettings.extend({
  SENDER_ADDRESS: z.email(),
  /** https:// base of the confirmation links (the endpoint's public URL). */
  LINK_BASE: z.url({ protocol: /^https$/ }),
});

/** Settings of the SES feedback handler. */
export const feedbackEnvironmentSchema = tableSettings.extend({
  /** ARN of the secret with the key that hashes addresses in logs. */
  HASH_KEY_SECRET: z.string().min(1),
  TRANSIENT_BOUNCE_LIMIT: z.coerce.number().int().min(1).max(50).default(3),
  /** The send ledger to settle from delivery, bounce and complaint events (docs/sending.md). */
  LEDGER_TABLE: z.string().min(1).optional(),
});

/** Each Lambda's environment schema by its handler file in functions/ (`functions/<name>.ts`). */
export const LAMBDA_ENVIRONMENTS = {
  ingest: ingestEnvironmentSchema,
  digest: digestEnvironmentSchema,
  'send-fanout': fanoutEnvironmentSchema,
  'send-worker': workerEnvironmentSchema,
  'ses-feedback': feedbackEnvironmentSchema,
  'signup-worker': signupWorkerEnvironmentSchema,
  'subscription-endpoint': endpointEnvironmentSchema,
} satisfies Record<string, z.ZodObject>;

/** A Lambda of this project, named by its handler file in functions/. */
export type LambdaName = keyof typeof LAMBDA_ENVIRONMENTS;

type Shape<N extends LambdaName> = (typeof LAMBDA_ENVIRONMENTS)[N]['shape'];
type IsOptional<T> = T extends z.ZodOptional | z.ZodDefault ? true : false;

/**
 * The environment a construct sets for Lambda N, as strings: every variable the schema requires, optional
 * ones where it has a default or accepts none, nothing it does not know.
 */
export type LambdaEnvironment<N extends LambdaName> = {
  [K in keyof Shape<N> as IsOptional<Shape<N>[K]> extends true ? never : K]: string;
} & {
  [K in keyof Shape<N> as IsOptional<Shape<N>[K]> extends true ? K : never]?: string;
};

/** Variables the construct may add after creating the function (another construct's table, say). */
export type OptionalVariable<N extends LambdaName> = {
  [K in keyof Shape<N>]: IsOptional<Shape<N>[K]> extends true ? K : never;
}[keyof Shape<N>] &
  string;

/** Validates Lambda N's environment once, at cold start; the error names every bad variable. */
export function parseEnvironment<N extends LambdaName>(
  name: N,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<(typeof LAMBDA_ENVIRONMENTS)[N]> {
  const result = LAMBDA_ENVIRONMENTS[name].safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid Lambda environment (${name}): ${z.prettifyError(result.error)}`);
  }
  return result.data as z.infer<(typeof LAMBDA_ENVIRONMENTS)[N]>;
}
