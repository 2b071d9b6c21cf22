import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { ConfigError } from '../src/core/errors.ts';
import {
  type EmailSettingsInput,
  LANGUAGE_TAG,
  PLACEHOLDER_POSTAL_ADDRESS,
} from '../src/core/render/settings.ts';
import { longestTokenLifetimeDays } from '../src/core/signed-links.ts';

/**
 * Deployment settings, read from cdk.json's `digest:config` context (or `-c digest:config='{...}'`)
 * and validated once, before any construct is made.
 */
const stackConfigObject = z.strictObject({
  /** Prefix under which editors upload articles. */
  incomingPrefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*\/$/, 'must end with "/"')
    .default('incoming/'),
  /** Largest accepted article in bytes. */
  maxArticleBytes: z
    .number()
    .int()
    .positive()
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  /** Whether stateful resources survive `cdk destroy`. */
  retainData: z.boolean().default(true),
  /** Address that receives operational alarms, if any. */
  alarmEmail: z.email().optional(),
  /** Upload notifications per ingest Lambda invocation. */
  ingestBatchSize: z.number().int().min(1).max(100).default(10),
  /** Rejected uploads per hour that raise an alarm. */
  rejectionAlarmThreshold: z.number().int().min(0).default(5),
  /** Days a replaced or deleted article version is kept. */
  noncurrentVersionDays: z.number().int().min(1).default(30),
  /** Subscribers, signup endpoint and SES feedback (docs/subscribers.md); every field is optional. */
  subscribers: z
    .strictObject({
      senderAddress: z.email().optional(),
      mailDomain: z
        .string()
        .regex(
          /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
          'must be a lower-case domain',
        )
        .optional(),
      mailFromLabel: z
        .string()
        .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
        .optional(),
      publicBaseUrl: z.url({ protocol: /^https$/ }).optional(),
      transientBounceLimit: z.number().int().min(1).max(50).optional(),
      /** Days a retired token key keeps verifying; at least the longest token lifetime (400 days). */
      tokenRotationGraceDays: z.number().int().min(0).max(1000).optional(),
      /** Abuse limits of the public signup (docs/subscribers.md, "Abuse limits"). */
      signup: z
        .strictObject({
          /** Confirmation mails to one address per day. */
          perAddressPerDay: z.number().int().min(1).max(20).default(3),
          /** Signups one client (source IP) may make per hour. */
          perClientPerHour: z.number().int().min(1).max(10_000).default(10),
          /** Confirmation mails the whole stack sends per hour. */
          confirmationsPerHour: z.number().int().min(1).max(100_000).default(200),
          /** Hours an unconfirmed signup is kept (DynamoDB TTL) and its link stays valid. */
          pendingHours: z
            .number()
            .int()
            .min(1)
            .max(24 * 7)
            .default(48),
          /** Reserved concurrency of the endpoint Lambda. */
          endpointConcurrency: z.number().int().min(1).max(1000).default(10),
          /** A CloudFront distribution with a WAF rate-based rule in front of the endpoint (us-east-1 stacks). */
          edgeRateLimit: z
            .strictObject({ requestsPerFiveMinutes: z.number().int().min(10).max(2_000_000_000) })
            .optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  /** What every email says about its sender (docs/deploy.md, "Email settings"); required once sending is wired. */
  email: z
    .strictObject({
      /** The organisation that sends the newsletter: the footer's first line. */
      organisation: z.string().trim().min(1).max(200).optional(),
      /** The sender's real postal address, one line per entry (bulk-mail law). */
      postalAddress: z.array(z.string().trim().min(1).max(200)).min(1).max(8).optional(),
      /** Name of the newsletter: the From name, List name, pages and confirmation mails. */
      newsletterName: z.string().trim().min(1).max(100).default('the digest'),
      replyTo: z.email().optional(),
      /** Why the reader gets this email (footer). */
      reason: z.string().trim().min(1).max(500).optional(),
      /** BCP 47 language of the emails. */
      lang: z.string().regex(LANGUAGE_TAG, 'must be a BCP 47 language tag such as en or en-GB').optional(),
    })
    .prefault({}),
  /** The scheduled digest (docs/operations.md); every field is optional. */
  digest: z
    .strictObject({
      schedule: z
        .string()
        .regex(/^cron\(.+\)$/, 'must be an EventBridge Scheduler cron(...) expression')
        .optional(),
      timeZone: z.string().min(1).optional(),
      windowHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 31)
        .optional(),
      sendMode: z.enum(['auto', 'review']).optional(),
      reviewHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 14)
        .optional(),
      onReviewDeadline: z.enum(['send', 'drop']).optional(),
      title: z.string().min(1).max(200).optional(),
      /** Editor's note at the top of every digest (an edit of one digest can change it). */
      intro: z.string().trim().min(1).max(1500).optional(),
    })
    .default({}),
  /** Sending (docs/sending.md); wired only when subscribers.senderAddress or mailDomain gives a sender. */
  sending: z
    .strictObject({
      /** false: no sending is wired (the stack only ingests and builds digests). Required without a sender. */
      enabled: z.boolean().optional(),
      maxWorkers: z.number().int().min(2).max(1000).optional(),
      ratePerWorker: z.number().positive().optional(),
      batchSize: z.number().int().min(1).max(500).optional(),
      listId: z.string().optional(),
      sandboxRecipients: z.array(z.email()).optional(),
    })
    .default({}),
  /** The public "view in browser" archive site (docs/operations.md, "Public archive"); every field is optional. */
  archive: z
    .strictObject({
      enabled: z.boolean().default(true),
      domainName: z.string().min(4).optional(),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/,
          'must be an ACM certificate ARN in us-east-1',
        )
        .optional(),
    })
    .refine(
      (a) => Boolean(a.domainName) === Boolean(a.certificateArn),
      'domainName and certificateArn go together',
    )
    .prefault({}),
});

/** The sender address the config gives, if any. */
export function senderOf(config: Pick<z.infer<typeof stackConfigObject>, 'subscribers'>): string | undefined {
  const { senderAddress, mailDomain } = config.subscribers;
  return senderAddress ?? (mailDomain ? `digest@${mailDomain}` : undefined);
}

/** Rules across blocks; each message is one line that says what to add. */
export const stackConfigSchema = stackConfigObject.superRefine((config, context) => {
  const sender = senderOf(config);
  if (!sender && config.sending.enabled !== false) {
    context.addIssue({
      code: 'custom',
      path: ['sending'],
      message:
        'no sender: set subscribers.senderAddress (or subscribers.mailDomain), or say "sending": {"enabled": false}',
    });
  }
  if (sender && config.sending.enabled !== false && !config.email.postalAddress) {
    context.addIssue({
      code: 'custom',
      path: ['email', 'postalAddress'],
      message:
        'sending is wired but email.postalAddress is missing: every email must carry your real postal address',
    });
  }
  const graceDays = config.subscribers.tokenRotationGraceDays ?? longestTokenLifetimeDays();
  if (graceDays < longestTokenLifetimeDays()) {
    context.addIssue({
      code: 'custom',
      path: ['subscribers', 'tokenRotationGraceDays'],
      message: `must be at least the longest token lifetime (${longestTokenLifetimeDays()} days), so a key rotation never breaks a link already sent`,
    });
  }
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Whether the stack wires sending: a sender is given and sending is not switched off. */
export function sendingEnabled(config: StackConfig): boolean {
  return senderOf(config) !== undefined && config.sending.enabled !== false;
}

/** The email settings every rendering Lambda gets (validated again by parseEmailSettings there). */
export function emailSettingsOf(config: StackConfig): EmailSettingsInput {
  const { organisation, postalAddress, newsletterName, reason, lang } = config.email;
  const lines = postalAddress
    ? [organisation ?? newsletterName, ...postalAddress]
    : [...PLACEHOLDER_POSTAL_ADDRESS];
  return {
    ...(lang ? { lang } : {}),
    footer: { postalAddress: lines, ...(reason ? { reason } : {}) },
  };
}

export function parseStackConfig(raw: unknown): StackConfig {
  // `cdk -c digest:config='{...}'` hands the context over as a string.
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  const result = stackConfigSchema.safeParse(value ?? {});
  if (!result.success) {
    withNearestKeys(result.error);
    throw new ConfigError(`invalid digest:config in cdk.json: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Adds the nearest valid key to every unknown-key message ("did you mean ..."). */
function withNearestKeys(error: z.ZodError): void {
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const valid = validKeysAt(issue.path);
    (issue as { message: string }).message = issue.keys
      .map((key) => {
        const nearest = valid.length > 0 ? closest(key, valid) : undefined;
        return `unknown key "${key}"${nearest ? ` (did you mean "${nearest}"?)` : ''}`;
      })
      .join('; ');
  }
}

/** The keys of the config object at `path` (the top level, or one of its blocks). */
function validKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = stackConfigObject;
  for (const segment of path) {
    schema = unwrap(schema);
    if (!(schema instanceof z.ZodObject)) return [];
    const next = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    if (!next) return [];
    schema = next;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodPrefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodPipe
  ) {
    current = current instanceof z.ZodPipe ? (current.in as z.ZodType) : (current.unwrap() as z.ZodType);
  }
  return current;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`digest:config is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
