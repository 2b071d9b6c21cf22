import { closest } from 'fastest-levenshtein';
import { ConfigError } from '../src/core/errors.ts';
import { LIST_ID } from '../src/core/render/mime.ts';
import {
  type EmailSettingsInput,
  emailLanguage,
  PLACEHOLDER_POSTAL_ADDRESS,
} from '../src/core/render/settings.ts';
import { longestTokenLifetimeDays } from '../src/core/signed-links.ts';
import * as z from '../src/core/zod.ts';
import { DIGESTS_PREFIX, NORMALISED_PREFIX } from './bucket-prefixes.ts';

/** A whole number within bounds. */
const whole = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().check(z.minimum(min), z.maximum(max));
/** A bare lower-case domain name such as news.example.org (no scheme, no path). */
const domainName = () =>
  z
    .string()
    .check(
      z.regex(
        /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        'must be a lower-case domain',
      ),
    );
/** Text without surrounding space, 1 to `max` characters. */
const trimmed = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

/**
 * Deployment settings, read from cdk.json's `digest:config` context (or `-c digest:config='{...}'`)
 * and validated once, before any construct is made.
 */
const stackConfigObject = z.strictObject({
  /** Prefix under which editors upload articles. */
  incomingPrefix: z._default(
    z.string().check(
      z.regex(/^[A-Za-z0-9!_.*'()/-]*\/$/, 'must end with "/"'),
      z.refine(
        (prefix) => ![NORMALISED_PREFIX, DIGESTS_PREFIX].some((written) => prefix.startsWith(written)),
        `must not be under ${NORMALISED_PREFIX} or ${DIGESTS_PREFIX}, where the stack writes: ingest would read its own output back`,
      ),
    ),
    'incoming/',
  ),
  /** Largest accepted article in bytes. */
  maxArticleBytes: z._default(whole(1, 50 * 1024 * 1024), 1024 * 1024),
  /** Whether stateful resources survive `cdk destroy`. */
  retainData: z._default(z.boolean(), true),
  /** Address that receives operational alarms, if any. */
  alarmEmail: z.optional(z.email()),
  /** Upload notifications per ingest Lambda invocation. */
  ingestBatchSize: z._default(whole(1, 100), 10),
  /** Rejected uploads per hour that raise an alarm. */
  rejectionAlarmThreshold: z._default(whole(0), 5),
  /** Days a replaced or deleted article version is kept. */
  noncurrentVersionDays: z._default(whole(1), 30),
  /** Subscribers, signup endpoint and SES feedback (docs/subscribers.md); every field is optional. */
  subscribers: z.prefault(
    z.strictObject({
      senderAddress: z.optional(z.email()),
      mailDomain: z.optional(domainName()),
      mailFromLabel: z.optional(z.string().check(z.regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/))),
      publicBaseUrl: z.optional(z.url({ protocol: /^https$/ })),
      transientBounceLimit: z.optional(whole(1, 50)),
      /** Days a retired token key keeps verifying; at least the longest token lifetime (400 days). */
      tokenRotationGraceDays: z.optional(whole(0, 1000)),
      /** Abuse limits of the public signup (docs/subscribers.md, "Abuse limits"). */
      signup: z.prefault(
        z.strictObject({
          /** Confirmation mails to one address per day. */
          perAddressPerDay: z._default(whole(1, 20), 3),
          /** Signups one client (source IP) may make per hour. */
          perClientPerHour: z._default(whole(1, 10_000), 10),
          /** Confirmation mails the whole stack sends per hour. */
          confirmationsPerHour: z._default(whole(1, 100_000), 200),
          /** Hours an unconfirmed signup is kept (DynamoDB TTL) and its link stays valid. */
          pendingHours: z._default(whole(1, 24 * 7), 48),
          /** Reserved concurrency of the endpoint Lambda. */
          endpointConcurrency: z._default(whole(1, 1000), 10),
          /** A CloudFront distribution with a WAF rate-based rule in front of the endpoint (us-east-1 stacks). */
          edgeRateLimit: z.optional(z.strictObject({ requestsPerFiveMinutes: whole(10, 2_000_000_000) })),
        }),
        {},
      ),
    }),
    {},
  ),
  /** What every email says about its sender (docs/deploy.md, "Email settings"); required once sending is wired. */
  email: z.prefault(
    z.strictObject({
      /** The organisation that sends the newsletter: the footer's first line. */
      organisation: z.optional(trimmed(200)),
      /** The sender's real postal address, one line per entry (bulk-mail law). */
      postalAddress: z.optional(z.array(trimmed(200)).check(z.minLength(1), z.maxLength(8))),
      /** Name of the newsletter: the From name, List name, pages and confirmation mails. */
      newsletterName: z._default(trimmed(100), 'the digest'),
      replyTo: z.optional(z.email()),
      /** Why the reader gets this email (footer). */
      reason: z.optional(trimmed(500)),
      /** BCP 47 language of the emails. */
      lang: z.optional(emailLanguage),
    }),
    {},
  ),
  /** The scheduled digest (docs/operations.md); every field is optional. */
  digest: z._default(
    z.strictObject({
      schedule: z.optional(
        z.string().check(
          z.regex(/^cron\(.+\)$/, 'must be an EventBridge Scheduler cron(...) expression'),
          z.superRefine((schedule, context) => {
            const problem = cronProblem(schedule);
            if (problem) context.addIssue({ code: 'custom', message: problem, input: schedule });
          }),
        ),
      ),
      timeZone: z.optional(
        z
          .string()
          .check(
            z.refine(
              isTimeZone,
              'not an IANA time zone (such as UTC or Europe/London), which the schedule needs',
            ),
          ),
      ),
      windowHours: z.optional(whole(1, 24 * 31)),
      sendMode: z.optional(z.enum(['auto', 'review'])),
      reviewHours: z.optional(whole(1, 24 * 14)),
      onReviewDeadline: z.optional(z.enum(['send', 'drop'])),
      title: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      /** Editor's note at the top of every digest (an edit of one digest can change it). */
      intro: z.optional(trimmed(1500)),
    }),
    {},
  ),
  /** Sending (docs/sending.md); wired only when subscribers.senderAddress or mailDomain gives a sender. */
  sending: z._default(
    z.strictObject({
      /** false: no sending is wired (the stack only ingests and builds digests). Required without a sender. */
      enabled: z.optional(z.boolean()),
      maxWorkers: z.optional(whole(2, 1000)),
      ratePerWorker: z.optional(z.number().check(z.positive())),
      batchSize: z.optional(whole(1, 500)),
      /** List-Id of every digest (RFC 2919), checked as the send worker's messages check it. */
      listId: z.optional(z.string().check(z.regex(LIST_ID, 'must look like list.example.com'))),
      sandboxRecipients: z.optional(z.array(z.email())),
    }),
    {},
  ),
  /** The public "view in browser" archive site (docs/operations.md, "Public archive"); every field is optional. */
  archive: z.prefault(
    z
      .strictObject({
        enabled: z._default(z.boolean(), true),
        domainName: z.optional(domainName()),
        certificateArn: z.optional(
          z
            .string()
            .check(
              z.regex(
                /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+$/,
                'must be an ACM certificate ARN in us-east-1',
              ),
            ),
        ),
      })
      .check(
        z.refine(
          (a) => Boolean(a.domainName) === Boolean(a.certificateArn),
          'domainName and certificateArn go together',
        ),
      ),
    {},
  ),
});

/**
 * What EventBridge Scheduler would refuse at deploy in a cron(...) expression, if anything: it takes six fields
 * (minutes hours day-of-month month day-of-week year), and exactly one of the two day fields is "?".
 */
function cronProblem(schedule: string): string | undefined {
  if (!schedule.startsWith('cron(') || !schedule.endsWith(')')) return undefined;
  const fields = schedule.slice(5, -1).split(' ').filter(Boolean);
  if (fields.length !== 6)
    return `must have 6 fields (minutes hours day-of-month month day-of-week year), has ${fields.length}: e.g. cron(0 7 ? * MON *)`;
  if ((fields[2] === '?') === (fields[4] === '?'))
    return 'must have "?" in day-of-month or day-of-week (one of them, not both): e.g. cron(0 7 ? * MON *)';
  return undefined;
}

/** Whether the runtime's time-zone database knows the name (the IANA database Scheduler uses too). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The sender address the config gives, if any. */
export function senderOf(config: Pick<z.infer<typeof stackConfigObject>, 'subscribers'>): string | undefined {
  const { senderAddress, mailDomain } = config.subscribers;
  return senderAddress ?? (mailDomain ? `digest@${mailDomain}` : undefined);
}

/** Rules across blocks; each message is one line that says what to add. */
export const stackConfigSchema = stackConfigObject.check(
  z.superRefine((config, context) => {
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
  }),
);

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
    throw new ConfigError(`invalid digest:config (cdk.json or -c): ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Adds the nearest valid key to every unknown-key message ("did you mean ..."). */
function withNearestKeys(error: z.core.$ZodError): void {
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
  let schema: z.ZodMiniType = stackConfigObject;
  for (const segment of path) {
    schema = unwrap(schema);
    if (!(schema instanceof z.ZodMiniObject)) return [];
    const next = (schema.shape as Record<string, z.ZodMiniType>)[String(segment)];
    if (!next) return [];
    schema = next;
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodMiniObject ? Object.keys(schema.shape) : [];
}

/** The schema a default, prefault, optional or pipe wraps. */
function unwrap(schema: z.ZodMiniType): z.ZodMiniType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: z.ZodMiniType; in?: z.ZodMiniType };
    const wrapped =
      current instanceof z.ZodMiniPipe
        ? def.in
        : current instanceof z.ZodMiniDefault ||
            current instanceof z.ZodMiniPrefault ||
            current instanceof z.ZodMiniOptional
          ? def.innerType
          : undefined;
    if (!wrapped) return current;
    current = wrapped;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // The cdk CLI keeps a -c value up to its first line break (it splits `key=value` with /=(.*)/).
    const hint = endsEarly(text)
      ? '; it ends before its last "}": the cdk CLI keeps only the first line of a -c value, so write digest:config on one line'
      : '';
    throw new ConfigError(`digest:config is not JSON: ${(error as Error).message}${hint}`, { cause: error });
  }
}

/** Whether a JSON text stops inside a string or with an object or array still open. */
function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const char of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return inString || depth > 0;
}
