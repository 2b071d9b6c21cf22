import { GetSendQuotaCommand, type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  DailyQuotaReachedError,
  SendRefusedError,
  SendRejectedError,
  SendThrottledError,
} from '../core/errors.ts';
import type { MailSender, MessageTags, SendQuota } from '../core/ports/sending.ts';

/** Errors that say this one message will never be accepted (unless SES names the sender's side: classify). */
const PERMANENT = new Set(['MessageRejected', 'InvalidParameterValue']);
/**
 * SES's MessageRejected when sending is stopped for the whole account ("Sending paused for this account. For more
 * information, please check the inbox of the email address associated with your AWS account."; "suspended" in older
 * answers): no recipient's fault.
 */
const ACCOUNT_STOPPED = /\bsending (?:paused|suspended) for this account\b/i;
/**
 * SES's MessageRejected for an identity that failed verification: "Email address is not verified. The following
 * identities failed the check in region US-EAST-1: identity1, identity2" (ending in "..." when SES cannot show them
 * all). The identity is the sender's (From, Source, Return-Path) or, in the sandbox, a recipient's.
 */
const NOT_VERIFIED = /\bemail address is not verified\b/i;
const IDENTITIES_AFTER = 'failed the check in region';

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
      throw classify(error, raw);
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
 * limit as `Throttling`; only the message tells them apart. A MessageRejected is this message's own (failed
 * for good) unless it is the sender's side: sending paused for the account, or an unverified identity that is
 * not this recipient alone (below). That, and any other error answer (4xx: sending paused, configuration set
 * missing, access denied), means SES accepted nothing, for a reason not this message's.
 * Errors without an HTTP error answer (network, timeout) pass through unchanged: SES may have accepted
 * the message.
 */
function classify(error: unknown, raw: Buffer): unknown {
  if (!(error instanceof Error)) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // Messages from SES can quote the address; keep only the error name (and our own words) in what we record.
  if (error.name === 'MessageRejected' && ACCOUNT_STOPPED.test(error.message))
    return new SendRefusedError('SES MessageRejected: sending paused for the account', { cause: error });
  if (
    error.name === 'MessageRejected' &&
    NOT_VERIFIED.test(error.message) &&
    !namesRecipientOnly(error.message, raw)
  )
    return new SendRefusedError('SES MessageRejected: the sender identity is not verified', { cause: error });
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

/**
 * True when an "Email address is not verified" answer names this message's recipient (its To address) and neither
 * the From address nor its domain: a sandbox recipient that is not verified, theirs alone. Whenever the sender may
 * be meant (named, a list cut short with "...", identities we cannot read), it is the sender's side: failing the
 * batch back to SQS loses nothing, failing every recipient for good would.
 */
function namesRecipientOnly(message: string, raw: Buffer): boolean {
  const at = message.indexOf(IDENTITIES_AFTER);
  if (at < 0) return false;
  const list = message.slice(message.indexOf(':', at + IDENTITIES_AFTER.length) + 1).trim();
  if (list.endsWith('...') || list.endsWith('\u2026')) return false;
  const named = new Set(
    list
      .split(/[\s,<>]+/)
      .filter(Boolean)
      // A sentence's full stop is no part of an address or domain.
      .map((identity) => identity.toLowerCase().replace(/\.$/, '')),
  );
  const { from, to } = envelope(raw);
  if (!to || !named.has(to)) return false;
  if (!from) return false;
  return !named.has(from) && !named.has(from.slice(from.lastIndexOf('@') + 1));
}

/** The From and To addresses of a raw message (lower case), read from its header block. */
function envelope(raw: Buffer): { from?: string; to?: string } {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65_536) : end).toString('latin1');
  const found: { from?: string; to?: string } = {};
  // Unfolded: a long From (an encoded display name) may go on over several lines.
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon < 0 || (name !== 'from' && name !== 'to') || found[name]) continue;
    const value = line.slice(colon + 1);
    const open = value.lastIndexOf('<');
    const close = value.indexOf('>', open);
    const address = (open < 0 ? value : value.slice(open + 1, close < 0 ? undefined : close)).trim();
    if (address) found[name] = address.toLowerCase();
  }
  return found;
}
