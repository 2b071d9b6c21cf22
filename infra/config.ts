import { z } from 'zod';
import { ConfigError } from '../src/core/errors.ts';

/**
 * Deployment settings, read from cdk.json's `digest:config` context (or `-c digest:config='{...}'`)
 * and validated once, before any construct is made.
 */
export const stackConfigSchema = z.object({
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
    .object({
      newsletterName: z.string().min(1).max(100).optional(),
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
      tokenRotationGraceDays: z.number().int().min(0).max(365).optional(),
    })
    .default({}),
  /** The scheduled digest (docs/operations.md); every field is optional. */
  digest: z
    .object({
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
    .object({
      maxWorkers: z.number().int().min(2).max(1000).optional(),
      ratePerWorker: z.number().positive().optional(),
      batchSize: z.number().int().min(1).max(500).optional(),
      replyTo: z.email().optional(),
      listId: z.string().optional(),
      sandboxRecipients: z.array(z.email()).optional(),
    })
    .default({}),
  /** The public "view in browser" archive site (docs/operations.md, "Public archive"); every field is optional. */
  archive: z
    .object({
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

export type StackConfig = z.infer<typeof stackConfigSchema>;

export function parseStackConfig(raw: unknown): StackConfig {
  // `cdk -c digest:config='{...}'` hands the context over as a string.
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  const result = stackConfigSchema.safeParse(value ?? {});
  if (!result.success) {
    throw new ConfigError(`invalid digest:config in cdk.json: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`digest:config is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
