import { ConfigError } from '../core/errors.ts';
import * as z from '../core/zod.ts';

// Every Lambda's environment, validated once at cold start by its functions/ file. LAMBDA_ENVIRONMENTS below
// also types the `environment` each construct sets (infra/constructs/bundled-function.ts), so a variable a
// handler needs and its construct forgets fails to compile.

// Each schema is built when its Lambda starts: a bundle holds all seven, a cold start needs one.
const text = (min = 1) => z.string().check(z.minLength(min));
/** A whole number in the environment's text, within bounds. */
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max));
const httpsUrl = () => z.url({ protocol: /^https$/ });

/** Environment of the ingest Lambda (infra/constructs/article-ingest.ts). */
const ingestEnvironment = () =>
  z.object({
    ARTICLES_BUCKET: text(3),
    ARTICLE_INDEX_TABLE: text(3),
    MAX_ARTICLE_BYTES: whole(1),
  });

/** Environment of the digest Lambda (infra/constructs/scheduled-digest.ts). */
const digestEnvironment = () =>
  z.object({
    ARTICLES_BUCKET: text(3),
    ARTICLE_INDEX_TABLE: text(3),
    DIGESTS_TABLE: text(3),
    APPROVED_QUEUE_URL: z.url(),
    WINDOW_HOURS: whole(1),
    SEND_MODE: z.enum(['auto', 'review']),
    REVIEW_HOURS: whole(1),
    ON_REVIEW_DEADLINE: z.enum(['send', 'drop']),
    LEASE_SECONDS: whole(1),
    /** Seconds after a window's end before its run reads the article index (see ScheduledDigestRunner). */
    INDEX_SETTLE_SECONDS: whole(0),
    DIGEST_TITLE: z.optional(text()),
    DIGEST_INTRO: z.optional(text()),
    /** Where the templates/ folder is; beside the bundled handler by default (tests point it at the sources). */
    TEMPLATES_DIR: z.optional(text()),
    /** Email settings JSON (docs/email.md), the same the send worker renders with. */
    EMAIL_SETTINGS: z._default(z.string(), '{}'),
  });

const queueSettings = () => ({
  SUBSCRIBER_TABLE: text(),
  SEND_QUEUE_URL: z.url(),
});

/** Environment of the fan-out Lambda (infra/constructs/sending.ts). */
const fanoutEnvironment = () =>
  z.object({
    ...queueSettings(),
    /** Recipients per SQS message. */
    BATCH_SIZE: z._default(whole(1, 500), 50),
  });

/** Environment of the send worker (infra/constructs/sending.ts). */
const workerEnvironment = () =>
  z.object({
    ...queueSettings(),
    LEDGER_TABLE: text(),
    ARCHIVE_BUCKET: text(3),
    /** ARN of the secret with the token keys (never the keys themselves). */
    TOKEN_KEY_SECRET: text(),
    TOKEN_ROTATION_GRACE_DAYS: z._default(whole(0, 1000), 400),
    /** ARN of the secret with the key of the address hash (suppression marks, ledger rows). */
    HASH_KEY_SECRET: text(),
    SENDER_ADDRESS: z.email(),
    SENDER_NAME: text(),
    REPLY_TO: z.optional(z.email()),
    LIST_ID: text(3),
    LIST_NAME: z.optional(text()),
    /** https:// base of the subscription endpoint. */
    LINK_BASE: httpsUrl(),
    SES_CONFIGURATION_SET: text(),
    /** The event source's maximum concurrency: MaxSendRate is shared by this many workers. */
    MAX_WORKERS: whole(1, 1000),
    /** Optional cap per worker below its share of MaxSendRate. */
    RATE_PER_WORKER: z.optional(z.coerce.number().check(z.positive())),
    /** How long a claimed row may stay `sending` before it is reported unknown (the function timeout). */
    LEASE_SECONDS: whole(1, 900),
    QUOTA_DELAY_SECONDS: z._default(whole(1, 900), 900),
    /** https:// base of the public archive site (docs/operations.md); each message links its digest's page. */
    ARCHIVE_BASE_URL: z.optional(httpsUrl()),
    /** Email settings JSON (docs/email.md). */
    EMAIL_SETTINGS: z._default(z.string(), '{}'),
    /** Where the bundled templates/ folder is; beside the handler by default. */
    TEMPLATES_DIR: z.optional(text()),
  });

/** What both functions that send confirmation mails need: tokens, sender and the abuse limits. */
const confirmationSettings = () => ({
  SUBSCRIBER_TABLE: text(),
  /** ARN of the secret that holds the token keys (the keys themselves never sit in the environment). */
  TOKEN_KEY_SECRET: text(),
  TOKEN_ROTATION_GRACE_DAYS: z._default(whole(0, 1000), 400),
  NEWSLETTER_NAME: z._default(text(), 'the digest'),
  /** Verified SES sender of confirmation mails; signup answers 503 without one. */
  SENDER_ADDRESS: z.optional(z.email()),
  SES_CONFIGURATION_SET: z.optional(text()),
  CONFIRMATIONS_PER_ADDRESS_PER_DAY: z._default(whole(1, 20), 3),
  CONFIRMATIONS_PER_HOUR: z._default(whole(1), 200),
  SIGNUPS_PER_CLIENT_PER_HOUR: z._default(whole(1), 10),
  PENDING_HOURS: z._default(whole(1, 24 * 7), 48),
});

const confirmationObject = () => z.object(confirmationSettings());
/** What the endpoint and the signup worker both read. */
export type ConfirmationEnvironment = z.infer<ReturnType<typeof confirmationObject>>;

/** Settings of the subscription endpoint, read from the environment once. */
const endpointEnvironment = () =>
  z.object({
    ...confirmationSettings(),
    /** Public https:// base of the links, when a custom domain fronts the Function URL. */
    PUBLIC_BASE_URL: z.optional(httpsUrl()),
    /** The signup queue the signup worker reads; signup answers 503 without one. */
    SIGNUP_QUEUE_URL: z.optional(z.url()),
    /** ARN of the secret with the key of the client-address and address hashes. */
    HASH_KEY_SECRET: text(),
    /**
     * ARN of the secret with the key CloudFront adds to what it forwards, when it fronts the endpoint: the client
     * of a request with that key is CloudFront-Viewer-Address, not the source IP.
     */
    EDGE_KEY_SECRET: z.optional(text()),
  });

/** Settings of the signup worker. */
const signupWorkerEnvironment = () =>
  z.object({
    ...confirmationSettings(),
    SENDER_ADDRESS: z.email(),
    /** https:// base of the confirmation links (the endpoint's public URL). */
    LINK_BASE: httpsUrl(),
    /** ARN of the secret with the key of the address hash (complaint marks, the per-address limit). */
    HASH_KEY_SECRET: text(),
  });

/** Settings of the SES feedback handler. */
const feedbackEnvironment = () =>
  z.object({
    SUBSCRIBER_TABLE: text(),
    /** ARN of the secret with the key that hashes addresses (logs, complaint marks, ledger rows). */
    HASH_KEY_SECRET: text(),
    TRANSIENT_BOUNCE_LIMIT: z._default(whole(1, 50), 3),
    /** The send ledger to settle from delivery, bounce and complaint events (docs/sending.md). */
    LEDGER_TABLE: z.optional(text()),
  });

/** Each Lambda's environment schema, built on demand, by its handler file in functions/ (`functions/<name>.ts`). */
export const LAMBDA_ENVIRONMENTS = {
  ingest: ingestEnvironment,
  digest: digestEnvironment,
  'send-fanout': fanoutEnvironment,
  'send-worker': workerEnvironment,
  'ses-feedback': feedbackEnvironment,
  'signup-worker': signupWorkerEnvironment,
  'subscription-endpoint': endpointEnvironment,
} satisfies Record<string, () => z.ZodMiniObject>;

/** A Lambda of this project, named by its handler file in functions/. */
export type LambdaName = keyof typeof LAMBDA_ENVIRONMENTS;

type Schema<N extends LambdaName> = ReturnType<(typeof LAMBDA_ENVIRONMENTS)[N]>;
type Shape<N extends LambdaName> = Schema<N>['shape'];
type IsOptional<T> = T extends z.ZodMiniOptional | z.ZodMiniDefault ? true : false;

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
): z.infer<Schema<N>> {
  const result = LAMBDA_ENVIRONMENTS[name]().safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid Lambda environment (${name}): ${z.prettifyError(result.error)}`);
  }
  return result.data as z.infer<Schema<N>>;
}
