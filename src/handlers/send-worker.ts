import { ConfigError } from '../core/errors.ts';
import type { DigestSource } from '../core/ports/sending.ts';
import { hasPlaceholderAddress } from '../core/render/settings.ts';
import { archivePageUrl, type DigestMessages } from '../core/sending/message.ts';
import { Pacer, sleepFor } from '../core/sending/pacing.ts';
import { digestCache, type SendBatchOptions, sendBatch } from '../core/sending/send-batch.ts';
import { parseBody, recipientBatchSchema, type SqsHandler, sqsBatchHandler } from './sqs-batch.ts';

export interface SendWorkerOptions extends Omit<SendBatchOptions, 'buildMessage'> {
  digests: DigestSource;
  messages: DigestMessages;
  /** https:// base of the public archive site; without it the messages carry no "View in browser" link. */
  archiveBase?: string;
}

/**
 * Consumes recipient batches (ReportBatchItemFailures). A batch that fails (throttled past its retries,
 * storage errors, a bad body) is reported and redelivered by SQS, then lands on the DLQ; the ledger makes
 * every redelivery send only what has not been sent.
 */
export function createSendWorker(options: SendWorkerOptions): SqsHandler {
  // Bulk-mail law: no subscriber gets a mail without the operator's real postal address.
  if (hasPlaceholderAddress(options.messages.settings)) {
    throw new ConfigError(
      'the send worker refuses to send: EMAIL_SETTINGS carries the placeholder postal address (set email.postalAddress in digest:config)',
    );
  }
  const digest = digestCache((key) => options.digests.load(key));
  const pacer =
    options.pacer ?? new Pacer(() => (options.clock?.() ?? new Date()).getTime(), options.sleep ?? sleepFor);
  return sqsBatchHandler(
    { log: options.log, failureMessage: 'send batch failed; SQS will redeliver it' },
    async (record) => {
      const batch = parseBody(recipientBatchSchema, record.body, record.messageId);
      const loaded = await digest(batch.digestKey);
      const archiveUrl = options.archiveBase
        ? archivePageUrl(options.archiveBase, batch.digestKey)
        : undefined;
      const outcome = await sendBatch(batch, {
        ...options,
        pacer,
        buildMessage: (subscriber, now) =>
          options.messages.build(batch.digestId, loaded, subscriber, now, archiveUrl),
      });
      options.log.info('batch done', { digestId: batch.digestId, ...outcome });
    },
  );
}
