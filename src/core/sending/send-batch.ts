import type { Digest } from '../digest.ts';
import {
  DailyQuotaReachedError,
  RecipientAddressError,
  SendRefusedError,
  SendRejectedError,
  SendThrottledError,
} from '../errors.ts';
import { errorType, type Logger } from '../ports/logger.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { BatchQueue, MailSender, RecipientBatch, SendLedgerStore } from '../ports/sending.ts';
import type { SubscriberRepository } from '../ports/subscribers.ts';
import { hashedAddress, type KeyedHash, receivesMail, type Subscriber } from '../subscribers/subscriber.ts';
import {
  type BackoffPolicy,
  backoffDelay,
  DEFAULT_BACKOFF,
  Pacer,
  perWorkerRate,
  sleepFor,
} from './pacing.ts';
import { messageTags } from './tags.ts';

export interface SendBatchOptions {
  ledger: SendLedgerStore;
  subscribers: SubscriberRepository;
  sender: MailSender;
  queue: BatchQueue;
  log: Logger;
  /** QuotaDeferred: recipients put back because the daily quota is used up (the construct alarms on it). */
  metrics: Metrics;
  /** The raw message for one subscriber; undefined skips them (no theme matches their topics). */
  buildMessage(subscriber: Subscriber, now: Date): Promise<Buffer | undefined>;
  /** The keyed hash of addresses: the ledger rows' recipient and the suppression marks (docs/subscribers.md). */
  addressHash: KeyedHash;
  /** Most workers that run at once (the event source's maximum concurrency). */
  workers: number;
  /** Messages per second per worker, at most MaxSendRate / workers. @default MaxSendRate / workers */
  ratePerWorker?: number;
  /**
   * How long a claimed row may stay `sending` before it is reported unknown; the function timeout. A batch
   * starts no SES call after TIME_BUDGET_SHARE of it and hands the rest back to the queue.
   */
  leaseMs: number;
  /** How long deferred recipients wait on the queue when the daily quota is used up (SQS allows 900 s). */
  quotaDelaySeconds: number;
  backoff?: BackoffPolicy;
  /** The worker's pacer, kept between batches. @default a new one per batch */
  pacer?: Pacer;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface BatchOutcome {
  sent: number;
  failed: number;
  skipped: number;
  /** Rows that already existed: sent, failed or in flight elsewhere. Never sent again. */
  alreadyHandled: number;
  /** Calls whose outcome is unknown (the row stays `sending`, never resent). */
  unknown: number;
  /** Put back on the queue, delayed, because the daily quota is used up. */
  deferred: number;
  /** Put back on the queue at once, because the batch's share of the function timeout is used up. */
  handedBack: number;
}

/**
 * The share of the lease (the function timeout) a batch may spend before its last SES call starts; the
 * rest (30 s of 5 minutes) leaves room for that call, its ledger update and the hand-back.
 */
export const TIME_BUDGET_SHARE = 0.9;

/**
 * Sends one recipient batch. Per recipient: re-read the subscriber (they may have left since the
 * fan-out), claim the ledger row with a conditional write, wait for the pace, mark the send started, send,
 * record the MessageId. A subscriber whose address cannot go into a message (RecipientAddressError) is recorded as
 * failed, and the batch goes on.
 * Throttling and 5xx are retried with jittered backoff, then the claim is released and SendThrottledError
 * thrown so SQS redelivers the batch (rows already sent are skipped); a refusal for the whole account
 * (SendRefusedError: sending paused, say) releases the claim and is thrown at once. When the daily quota would be
 * exceeded, the unsent rest goes back on the queue, delayed; when the batch has used TIME_BUDGET_SHARE of the
 * lease (the function timeout), at once.
 */
export async function sendBatch(batch: RecipientBatch, options: SendBatchOptions): Promise<BatchOutcome> {
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? sleepFor;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const quota = await options.sender.quota();
  const rate = perWorkerRate(quota.maxSendRate, options.workers, options.ratePerWorker);
  const pacer = options.pacer ?? new Pacer(() => clock().getTime(), sleep);
  const deadline = clock().getTime() + options.leaseMs * TIME_BUDGET_SHARE;
  let attempted = false;
  let remaining =
    quota.max24HourSend < 0 ? Number.POSITIVE_INFINITY : quota.max24HourSend - quota.sentLast24Hours;
  const outcome: BatchOutcome = {
    sent: 0,
    failed: 0,
    skipped: 0,
    alreadyHandled: 0,
    unknown: 0,
    deferred: 0,
    handedBack: 0,
  };

  // A batch the pace cannot finish in time: the function timeout would kill it in the middle of a send and
  // leave that row in doubt (never resent). The rest goes back on the queue for the next invocation.
  const handBack = async (from: number) => {
    const rest = batch.subscriberIds.slice(from);
    await options.queue.enqueue([{ ...batch, subscriberIds: rest }]);
    outcome.handedBack = rest.length;
    options.log.info('time budget used; recipients handed back to the queue', {
      digestId: batch.digestId,
      handedBack: rest.length,
    });
    return outcome;
  };

  const defer = async (from: number) => {
    const rest = batch.subscriberIds.slice(from);
    await options.queue.enqueue([{ ...batch, subscriberIds: rest }], options.quotaDelaySeconds);
    outcome.deferred = rest.length;
    options.log.warn('daily sending quota reached; recipients deferred', {
      digestId: batch.digestId,
      deferred: rest.length,
    });
    options.metrics.record({ QuotaDeferred: rest.length });
    return outcome;
  };

  for (const [index, subscriberId] of batch.subscriberIds.entries()) {
    const key = { digestId: batch.digestId, subscriberId };
    const now = clock();
    const subscriber = await options.subscribers.get(subscriberId);
    const skipReason = await whyNotMailed(subscriber, options.subscribers, options.addressHash);
    if (skipReason || !subscriber) {
      await options.ledger.skip(key, skipReason ?? 'deleted', now);
      outcome.skipped++;
      continue;
    }
    // Stop before exceeding the quota: nothing is claimed for the deferred recipients.
    if (remaining < 1) return defer(index);
    const raw = await buildFor(subscriber, now, options.buildMessage);
    if (!raw) {
      await options.ledger.skip(key, 'no theme matches their topics', now);
      outcome.skipped++;
      continue;
    }
    const leaseUntil = new Date(now.getTime() + options.leaseMs);
    const claimId = await options.ledger.claim(key, options.addressHash(subscriber.email), leaseUntil, now);
    if (!claimId) {
      outcome.alreadyHandled++;
      continue;
    }
    if (raw instanceof RecipientAddressError) {
      // Theirs alone: recorded as failed (the send report counts it), and the batch goes on.
      await options.ledger.markFailed(key, raw.message, now);
      options.log.warn('message not composed: the address cannot go into To', key);
      outcome.failed++;
      continue;
    }
    for (let attempt = 0; ; attempt++) {
      await pacer.wait(rate);
      // Each batch makes progress: its first call goes whatever the time, later ones only within the budget.
      if (attempted && clock().getTime() > deadline) {
        await options.ledger.release(key, claimId);
        return handBack(index);
      }
      // From here on SES may get the message, so a crash leaves the row in doubt rather than abandoned.
      if (attempt === 0 && !(await options.ledger.startSend(key, claimId, clock()))) {
        outcome.alreadyHandled++; // our lease ran out and another worker took the claim over
        break;
      }
      attempted = true;
      let messageId: string;
      try {
        ({ messageId } = await options.sender.sendRaw(raw, messageTags(batch.digestId, subscriberId)));
      } catch (error) {
        if (error instanceof SendRejectedError) {
          await options.ledger.markFailed(key, error.message, clock());
          outcome.failed++;
          break;
        }
        if (error instanceof SendRefusedError) {
          // Refused for the whole account or configuration: no retry helps now; SQS redelivers the batch.
          await options.ledger.release(key, claimId);
          throw error;
        }
        if (error instanceof DailyQuotaReachedError) {
          await options.ledger.release(key, claimId);
          return defer(index);
        }
        if (error instanceof SendThrottledError) {
          if (attempt + 1 < backoff.attempts) {
            await sleep(backoffDelay(attempt, backoff, random));
            continue;
          }
          await options.ledger.release(key, claimId);
          throw error;
        }
        // The call may have reached SES: keep the row `sending` so it is never sent twice.
        logLeftSending(options.log, 'send outcome unknown', key, error);
        outcome.unknown++;
        break;
      }
      remaining--;
      try {
        await options.ledger.markSent(key, messageId, clock());
        outcome.sent++;
      } catch (error) {
        // Sent but not recorded: the row stays `sending` (never resent) until the SES event settles it.
        logLeftSending(options.log, 'sent, but the ledger update failed', { ...key, messageId }, error);
        outcome.unknown++;
      }
      break;
    }
  }
  return outcome;
}

/** The subscriber's message, or the error that is theirs alone (their address); any other error is thrown. */
async function buildFor(
  subscriber: Subscriber,
  now: Date,
  build: SendBatchOptions['buildMessage'],
): Promise<Buffer | RecipientAddressError | undefined> {
  try {
    return await build(subscriber, now);
  } catch (error) {
    if (error instanceof RecipientAddressError) return error;
    throw error;
  }
}

/** Logs a row left `sending` by error type only (SDK messages can quote addresses). */
function logLeftSending(log: Logger, message: string, fields: Record<string, string>, error: unknown): void {
  log.error(`${message}; row left sending`, { ...fields, errorType: errorType(error) });
}

/** Why this subscriber gets no mail now, or undefined when they do. */
async function whyNotMailed(
  subscriber: Subscriber | undefined,
  repository: SubscriberRepository,
  addressHash: KeyedHash,
): Promise<string | undefined> {
  if (!subscriber) return 'deleted';
  if (!receivesMail(subscriber)) return subscriber.status;
  if (await repository.isSuppressed(hashedAddress(addressHash, subscriber.email))) return 'suppressed';
  return undefined;
}

/** The digest a batch belongs to, loaded once per digest per process. */
export function digestCache(load: (digestKey: string) => Promise<Digest>) {
  const cache = new Map<string, Promise<Digest>>();
  return (digestKey: string) => {
    let digest = cache.get(digestKey);
    if (!digest) {
      digest = load(digestKey);
      digest.catch(() => cache.delete(digestKey));
      cache.set(digestKey, digest);
    }
    return digest;
  };
}
