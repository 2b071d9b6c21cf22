import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QueueMessageRejectedError } from '../core/errors.ts';
import { errorType, type LogFields, type Logger } from '../core/ports/logger.ts';
import { redactAddresses } from '../core/redact-addresses.ts';
import * as z from '../core/zod.ts';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface SqsBatchOptions {
  log: Logger;
  /** Logged with the SQS message id and the error type when a record fails. */
  failureMessage: string;
  /**
   * Log the error's message too, with the local part of any address in it hashed (redactAddresses): only where
   * no error quotes an address other than in an object's key (ingest errors name objects).
   * @default false
   */
  logErrorMessage?: boolean;
}

/**
 * An SQS batch handler on Powertools batch processing (ReportBatchItemFailures): records one at a time, in
 * delivery order (changes to one object, a subscriber's signups, must apply in the order they came), and a
 * record that throws fails alone: SQS redelivers it and, past its receive limit, moves it to the DLQ. The
 * failure is logged by error type only unless `logErrorMessage`, as SDK messages can quote addresses.
 */
export function sqsBatchHandler(
  options: SqsBatchOptions,
  /** `failure` holds what the record was about when it failed (an object id), for the failure's log line. */
  handleRecord: (record: SQSRecord, failure: LogFields) => Promise<void>,
): SqsHandler {
  const handle = async (record: SQSRecord) => {
    const failure: LogFields = {};
    try {
      await handleRecord(record, failure);
    } catch (error) {
      options.log.error(options.failureMessage, {
        sqsMessageId: record.messageId,
        ...failure,
        errorType: errorType(error),
        ...(options.logErrorMessage && error instanceof Error
          ? { detail: redactAddresses(error.message) }
          : {}),
      });
      throw error;
    }
  };
  return (event) =>
    processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
      processInParallel: false,
      // A batch that fails whole is reported like any other: every record retried, none lost.
      throwOnFullBatchFailure: false,
    });
}

const digestIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits, . _ : - (at most 128)'));
const digestKeySchema = z
  .string()
  .check(z.regex(/^digests\/.+\/digest\.json$/, 'must be digests/.../digest.json'));

/**
 * The hand-off from the scheduled digest (or `digest approve`): one SQS message per approved digest,
 * `{digestId, archivePrefix, ...}` as the digest Lambda sends it, or `{digestId, digestKey}`. Other fields
 * (the window) are ignored.
 */
export const sendRequestSchema = z.pipe(
  z
    .object({
      digestId: digestIdSchema,
      /** Key of the archived digest.json, under digests/. */
      digestKey: z.optional(digestKeySchema),
      /** The digest's archive folder, `digests/.../`, which holds digest.json. */
      archivePrefix: z.optional(z.string().check(z.regex(/^digests\/.+\/$/, 'must be digests/.../'))),
    })
    .check(
      z.refine(
        (request) => Boolean(request.digestKey || request.archivePrefix),
        'needs digestKey or archivePrefix',
      ),
    ),
  z.transform((request) => ({
    digestId: request.digestId,
    digestKey: request.digestKey || `${request.archivePrefix}digest.json`,
  })),
);

export const recipientBatchSchema = z.object({
  digestId: digestIdSchema,
  digestKey: digestKeySchema,
  subscriberIds: z.array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))).check(z.minLength(1)),
});

/** Parses one SQS body with a schema; the error names the SQS message and the reason. */
export function parseBody<T extends z.ZodMiniType>(schema: T, body: string, messageId: string): z.infer<T> {
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
