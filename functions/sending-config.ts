import * as z from 'zod';
import { parseEnvironment } from '../src/adapters/lambda-environment.ts';
import { QueueMessageRejectedError } from '../src/core/errors.ts';

const queueSettings = z.object({
  SUBSCRIBER_TABLE: z.string().min(1),
  SEND_QUEUE_URL: z.url(),
});

/** Settings of the fan-out Lambda, read from the environment once. */
const fanoutEnvironmentSchema = queueSettings.extend({
  /** Recipients per SQS message. */
  BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
});

/** Settings of the send worker, read from the environment once. */
const workerEnvironmentSchema = queueSettings.extend({
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

export function readFanoutEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(fanoutEnvironmentSchema, env);
}

export function readWorkerEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return parseEnvironment(workerEnvironmentSchema, env);
}

const digestIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, . _ : - (at most 128)');
const digestKeySchema = z.string().regex(/^digests\/.+\/digest\.json$/, 'must be digests/.../digest.json');

/**
 * The hand-off from the scheduled digest (or `digest approve`): one SQS message per approved digest,
 * `{digestId, archivePrefix, ...}` as the digest Lambda sends it, or `{digestId, digestKey}`. Other fields
 * (the window) are ignored.
 */
export const sendRequestSchema = z
  .object({
    digestId: digestIdSchema,
    /** Key of the archived digest.json, under digests/. */
    digestKey: digestKeySchema.optional(),
    /** The digest's archive folder, `digests/.../`, which holds digest.json. */
    archivePrefix: z
      .string()
      .regex(/^digests\/.+\/$/, 'must be digests/.../')
      .optional(),
  })
  .transform((request, context) => {
    const digestKey = request.digestKey ?? (request.archivePrefix && `${request.archivePrefix}digest.json`);
    if (!digestKey) {
      context.addIssue({ code: 'custom', message: 'needs digestKey or archivePrefix' });
      return z.NEVER;
    }
    return { digestId: request.digestId, digestKey };
  });

export const recipientBatchSchema = z.object({
  digestId: digestIdSchema,
  digestKey: digestKeySchema,
  subscriberIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).min(1),
});

/** Parses one SQS body with a schema; the error names the SQS message and the reason. */
export function parseBody<T extends z.ZodType>(schema: T, body: string, messageId: string): z.infer<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new QueueMessageRejectedError(`SQS message ${messageId}: body is not JSON`, { cause });
  }
  const result = schema.safeParse(json);
  if (!result.success)
    throw new QueueMessageRejectedError(`SQS message ${messageId}: ${z.prettifyError(result.error)}`);
  return result.data;
}
