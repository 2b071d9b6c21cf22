import { GetSendQuotaCommand, type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  DailyQuotaReachedError,
  SendRefusedError,
  SendRejectedError,
  SendThrottledError,
} from '../core/errors.ts';
import type { MailSender, MessageTags, SendQuota } from '../core/ports/sending.ts';

/** Errors that say this one message will never be accepted. */
const PERMANENT = new Set(['MessageRejected', 'InvalidParameterValue']);

/**
 * SES v1 SendRawEmail with the configuration set (so delivery, bounce and complaint events reach the
 * feedback handler) and the message tags that identify the ledger row. The client should be built
 * with `maxAttempts: 1`: the send loop paces and retries itself.
 */
export class SesRawSender implements MailSender {
  constructor(
    private readonly client: SESClient,
    private readonly configurationSetName?: string,
  ) {}

  async sendRaw(raw: Buffer, tags: MessageTags): Promise<{ messageId: string }> {
    try {
      const { MessageId } = await this.client.send(
        new SendRawEmailCommand({
          RawMessage: { Data: raw },
          ...(this.configurationSetName ? { ConfigurationSetName: this.configurationSetName } : {}),
          Tags: Object.entries(tags).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      if (!MessageId) throw new SendThrottledError('SES answered without a MessageId');
      return { messageId: MessageId };
    } catch (error) {
      throw classify(error);
    }
  }

  async quota(): Promise<SendQuota> {
    const answer = await this.client.send(new GetSendQuotaCommand({}));
    return {
      max24HourSend: answer.Max24HourSend ?? 0,
      maxSendRate: answer.MaxSendRate ?? 1,
      sentLast24Hours: answer.SentLast24Hours ?? 0,
    };
  }
}

/**
 * Maps an SDK error to what the send loop does with it. SES reports both the per-second and the daily
 * limit as `Throttling`; only the message tells them apart. Any other error answer (4xx: sending paused,
 * configuration set missing, access denied) means SES accepted nothing, for a reason not this message's.
 * Errors without an HTTP error answer (network, timeout) pass through unchanged: SES may have accepted
 * the message.
 */
function classify(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // Messages from SES can quote the address; keep only the error name in what we record.
  if (PERMANENT.has(error.name)) return new SendRejectedError(`SES ${error.name}`, { cause: error });
  if (/daily message quota exceeded/i.test(error.message))
    return new DailyQuotaReachedError('SES daily sending quota exceeded', { cause: error });
  if (
    error.name === 'Throttling' ||
    error.name === 'ThrottlingException' ||
    (status !== undefined && status >= 500)
  )
    return new SendThrottledError(`SES ${error.name}`, { cause: error });
  if (status !== undefined && status >= 400)
    return new SendRefusedError(`SES ${error.name}`, { cause: error });
  return error;
}
