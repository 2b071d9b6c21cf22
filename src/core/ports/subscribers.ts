import type { HashedAddress, Subscriber } from '../subscribers/subscriber.ts';

/**
 * One signup waiting for its confirmation. What a person typed (name, topics) lives here, not on the
 * subscriber, until that same request is confirmed; it expires (DynamoDB TTL) with its link.
 */
export interface PendingSignup {
  /** Random; the subject of the confirmation token. */
  id: string;
  email: string;
  name?: string;
  topics: string[];
  /** ISO 8601 instant of the signup request (the consent is the confirmation, at its own time). */
  requestedAt: string;
  expiresAt: Date;
}

/** Storage of subscribers, pending signups and the suppression list (hashes of erased addresses). */
export interface SubscriberRepository {
  savePendingSignup(signup: PendingSignup): Promise<void>;
  /** Reads and deletes a pending signup in one step, so only one confirmation can use it. */
  takePendingSignup(id: string, now: Date): Promise<PendingSignup | undefined>;
  /** Deletes every pending signup of an address (case-insensitive): an erasure leaves no address behind. */
  removePendingSignups(email: string): Promise<void>;
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Creates the subscriber; false when the id or the address already exists. */
  create(subscriber: Subscriber): Promise<boolean>;
  /** Replaces the stored record; it must exist. */
  put(subscriber: Subscriber): Promise<void>;
  /**
   * Changes a subscriber: reads the record, applies `change` (undefined: leave it) and writes the result
   * only if nobody changed the record since the read; otherwise reads and applies again, so a change made
   * meanwhile (an unsubscribe, a complaint) is never overwritten. Returns the record as stored, undefined
   * when there is none.
   */
  update(
    id: string,
    change: (current: Subscriber) => Subscriber | undefined,
  ): Promise<Subscriber | undefined>;
  /** Erases the record for good. */
  remove(id: string): Promise<void>;
  list(): AsyncIterable<Subscriber>;
  /**
   * The marks below are stored under the address's keyed hash; a lookup also finds a mark stored under its legacy
   * unkeyed hash (written before the keyed one), and removing one removes both.
   */
  suppress(address: HashedAddress, at: Date): Promise<void>;
  isSuppressed(address: HashedAddress): Promise<boolean>;
  unsuppress(address: HashedAddress): Promise<void>;
  /**
   * Records that a mailbox with no subscriber record complained about our mail (a confirmation mail a
   * stranger's signup caused), by the hash of its address without subaddress (mailboxOf): no signup mails it
   * again until it is erased.
   */
  recordComplaint(address: HashedAddress, at: Date): Promise<void>;
  hasComplained(address: HashedAddress): Promise<boolean>;
  forgetComplaint(address: HashedAddress): Promise<void>;
}

/** A limit of `max` events per fixed window of `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}

/** Atomic counters: concurrent callers never get more than `max` grants per window between them. */
export interface RateLimiter {
  /** Counts one event for `key`; false when the window's limit is already reached. */
  take(key: string, limit: RateLimit, now: Date): Promise<boolean>;
  /** Uncounts one event taken at `takenAt` (in that window) whose mail was never sent; never below zero. */
  giveBack(key: string, limit: RateLimit, takenAt: Date): Promise<void>;
}

/** A public signup as the endpoint accepted it; processed later by the signup worker. */
export interface SignupJob {
  email: string;
  name?: string;
  topics: string[];
  /** ISO 8601 instant the endpoint received it. */
  at: string;
}

/** Hands signups from the endpoint to the worker (SQS in AWS). */
export interface SignupQueue {
  enqueue(job: SignupJob): Promise<void>;
}

/**
 * The double opt-in mail. It carries nothing a stranger typed into the form (such as a name), so the
 * form cannot be used to send chosen text to someone else's inbox.
 */
export interface ConfirmationMail {
  to: string;
  /** HTTPS link to the confirmation page. */
  confirmUrl: string;
}

/** Sends the double opt-in mail. */
export interface ConfirmationMailer {
  sendConfirmation(mail: ConfirmationMail): Promise<void>;
}

export type SendOutcome = 'delivered' | 'bounced' | 'complained';

/**
 * Settles one sent message (by SES message id, or by the message tags the event carries) in the send
 * ledger. The sending side implements it; the feedback handler calls it for every delivery, bounce and
 * complaint event.
 */
export interface SendLedger {
  /** The row must name `recipient`: by its keyed hash, or by its legacy hash (a row written before the keyed one). */
  settle(
    messageId: string,
    recipient: HashedAddress,
    outcome: SendOutcome,
    at: Date,
    tags?: Readonly<Record<string, readonly string[]>>,
  ): Promise<void>;
}
