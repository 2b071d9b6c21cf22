import type { Digest } from '../digest.ts';
import type { SendLedger } from './subscribers.ts';

/** The account's SES limits, as GetSendQuota reports them. */
export interface SendQuota {
  /** Messages allowed per rolling 24 hours; -1 means unlimited. */
  max24HourSend: number;
  /** Messages per second the account may send. */
  maxSendRate: number;
  sentLast24Hours: number;
}

/** SES message tags: name to value, values already restricted to letters, digits, _ and -. */
export type MessageTags = Readonly<Record<string, string>>;

/**
 * Sends one complete MIME message. Throws SendRejectedError (permanent), SendThrottledError
 * (throttling or 5xx: not accepted), SendRefusedError (another error answer: not accepted, not the
 * message's fault) or DailyQuotaReachedError; anything else may or may not have been accepted.
 */
export interface MailSender {
  sendRaw(raw: Buffer, tags: MessageTags): Promise<{ messageId: string }>;
  quota(): Promise<SendQuota>;
}

/** One SQS message of the fan-out: which digest, where its digest.json is, and up to a batch of recipients. */
export interface RecipientBatch {
  digestId: string;
  /** Object key of the archived digest.json. */
  digestKey: string;
  subscriberIds: string[];
}

/** The queue the send workers consume. */
export interface BatchQueue {
  /** Queues the batches as they come (an async source is read as it is sent, never held whole). */
  enqueue(
    batches: Iterable<RecipientBatch> | AsyncIterable<RecipientBatch>,
    delaySeconds?: number,
  ): Promise<void>;
}

/** Where the send worker reads an archived digest. */
export interface DigestSource {
  load(digestKey: string): Promise<Digest>;
}

export type LedgerState = 'sending' | 'sent' | 'failed' | 'skipped';

/** One digestId#subscriberId row of the send ledger. */
export interface LedgerEntry {
  digestId: string;
  subscriberId: string;
  state: LedgerState;
  /**
   * Keyed hash of the recipient's address (never the address), to match SES events; rows claimed before the keyed
   * hash carry the unkeyed SHA-256 (docs/subscribers.md, "Address hashes").
   */
  recipientHash?: string;
  /** While `sending`: until when the claiming worker may still finish; after it, the row is unknown. */
  leaseUntil?: string;
  /** Which claim holds a `sending` row (a fresh id per claim). */
  claimId?: string;
  /** Set, under the claim, just before the SES call: from then on SES may have the message. */
  sendStartedAt?: string;
  messageId?: string;
  /** Why it failed or was skipped. */
  reason?: string;
  updatedAt: string;
  deliveredAt?: string;
  bouncedAt?: string;
  complainedAt?: string;
}

export interface LedgerKey {
  digestId: string;
  subscriberId: string;
}

/** The send ledger: the sending side's storage, and the port the SES feedback handler settles through. */
export interface SendLedgerStore extends SendLedger {
  /**
   * Conditionally writes the row as `sending` and returns the claim's id; undefined when the row is taken
   * (sent, failed, skipped, or in flight). A claim abandoned before its send started, past its lease, is
   * taken over: the worker that made it is gone and SES never saw the message.
   */
  claim(key: LedgerKey, recipientHash: string, leaseUntil: Date, now: Date): Promise<string | undefined>;
  /** Marks the send as started, if the claim is still ours; false when another worker took it over. */
  startSend(key: LedgerKey, claimId: string, now: Date): Promise<boolean>;
  markSent(key: LedgerKey, messageId: string, now: Date): Promise<void>;
  markFailed(key: LedgerKey, reason: string, now: Date): Promise<void>;
  /** Deletes our `sending` row whose message SES certainly did not accept, so a redelivery may send it. */
  release(key: LedgerKey, claimId: string): Promise<void>;
  /** Records a recipient the worker did not mail; overwrites no row but an abandoned claim (as `claim`). */
  skip(key: LedgerKey, reason: string, now: Date): Promise<void>;
  entries(digestId: string): AsyncIterable<LedgerEntry>;
}
