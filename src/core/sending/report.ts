import type { LedgerEntry } from '../ports/sending.ts';
import type { SubscriberStatus } from '../subscribers/subscriber.ts';

/** A digest's send report, counted from its ledger rows. */
export interface SendReport {
  digestId: string;
  /** Accepted by SES (MessageId recorded, or settled by an SES event). */
  sent: number;
  /** Permanently rejected by SES. */
  failed: number;
  /** Left `sending` past its lease after the send started: SES may or may not have it. Never resent. */
  unknown: number;
  /**
   * Left `sending` past its lease before the send started (the worker died after its claim): SES never had it, and
   * the next delivery of its batch takes the claim over and sends.
   */
  abandoned: number;
  /** Claimed by a worker whose lease is still running. */
  inProgress: number;
  /** Not mailed: not active or suppressed when their turn came, or no theme matched their topics. */
  skipped: number;
  delivered: number;
  bounced: number;
  complained: number;
  /** Recipients of this digest who are unsubscribed now (or were when their turn came). */
  unsubscribed: number;
}

/**
 * Counts the rows. `currentStatus` looks up a recipient's subscriber status now (undefined when
 * erased), so unsubscribes after the send are counted too.
 */
export async function sendReport(
  digestId: string,
  entries: AsyncIterable<LedgerEntry>,
  now: Date,
  currentStatus: (subscriberId: string) => Promise<SubscriberStatus | undefined>,
): Promise<SendReport> {
  const report: SendReport = {
    digestId,
    sent: 0,
    failed: 0,
    unknown: 0,
    abandoned: 0,
    inProgress: 0,
    skipped: 0,
    delivered: 0,
    bounced: 0,
    complained: 0,
    unsubscribed: 0,
  };
  for await (const entry of entries) {
    if (entry.state === 'sending') {
      if (entry.leaseUntil && Date.parse(entry.leaseUntil) > now.getTime()) report.inProgress++;
      else if (entry.sendStartedAt) report.unknown++;
      else report.abandoned++;
    } else report[entry.state]++;
    if (entry.deliveredAt) report.delivered++;
    if (entry.bouncedAt) report.bounced++;
    if (entry.complainedAt) report.complained++;
    if (entry.state === 'skipped') {
      if (entry.reason === 'unsubscribed') report.unsubscribed++;
    } else if ((await currentStatus(entry.subscriberId)) === 'unsubscribed') report.unsubscribed++;
  }
  return report;
}
