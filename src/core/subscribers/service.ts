import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { ConfigError, SubscriberRejectedError } from '../errors.ts';
import type {
  ConfirmationMailer,
  PendingSignup,
  RateLimit,
  RateLimiter,
  SignupQueue,
  SubscriberRepository,
} from '../ports/subscribers.ts';
import type { TokenSigner } from '../signed-links.ts';
import {
  createSubscriber,
  type HashedAddress,
  hashedAddress,
  type KeyedHash,
  mailboxOf,
  type NewSubscriber,
  normaliseEmail,
  normaliseTopics,
  transition,
} from './subscriber.ts';

const HOUR = 60 * 60 * 1000;

/** Abuse limits of the public signup; every limit is atomic (docs/subscribers.md, "Abuse limits"). */
export interface SignupLimits {
  /** Confirmation mails to one address. @default 3 a day */
  perAddress: RateLimit;
  /** Signups from one client (source IP). @default 10 an hour */
  perClient: RateLimit;
  /** Confirmation mails of the whole stack. @default 200 an hour */
  global: RateLimit;
  /** How long an unconfirmed signup and its link live. @default 48 hours */
  pendingMs: number;
}

export const DEFAULT_SIGNUP_LIMITS: SignupLimits = {
  perAddress: { max: 3, windowMs: 24 * HOUR },
  perClient: { max: 10, windowMs: HOUR },
  global: { max: 200, windowMs: HOUR },
  pendingMs: 48 * HOUR,
};

export interface SubscriptionServiceOptions {
  repository: SubscriberRepository;
  tokens: TokenSigner;
  limiter: RateLimiter;
  /** Needed only by the operations that send a confirmation mail. */
  mailer?: ConfirmationMailer;
  /** Where the endpoint hands public signups (the signup worker processes them). */
  queue?: SignupQueue;
  /** Keys the per-client limit; the client address is never stored in clear. */
  clientHash?: KeyedHash;
  /**
   * The keyed hash that names an address in the suppression and complaint marks and in the per-address limit
   * (docs/subscribers.md, "Address hashes"); the stack's hash key.
   */
  addressHash: KeyedHash;
  limits?: Partial<SignupLimits>;
  clock?: () => Date;
}

export interface SignupRequest {
  email: string;
  name?: string;
  topics?: readonly string[];
}

export interface Preferences {
  topics: string[];
  topicsOnly: boolean;
}

/** What happened to one subscriber record; for operator output, never shown to the public. */
export type AddOutcome = 'active' | 'pending-confirmation-sent' | 'pending-limit-reached';

/** What became of a confirmation mail; for logs and metrics, never shown to the public. */
export type ConfirmationOutcome = 'sent' | 'not-needed' | 'address-limit' | 'global-limit';

/**
 * The subscription rules, independent of HTTP and AWS. Public operations answer the same way
 * whether or not the address or subscriber exists, so nobody can learn who is subscribed.
 */
export class SubscriptionService {
  private readonly repository: SubscriberRepository;
  private readonly tokens: TokenSigner;
  private readonly limiter: RateLimiter;
  private readonly mailer: ConfirmationMailer | undefined;
  private readonly queue: SignupQueue | undefined;
  private readonly clientHash: KeyedHash | undefined;
  private readonly addressHash: KeyedHash;
  private readonly limits: SignupLimits;
  private readonly clock: () => Date;

  constructor(options: SubscriptionServiceOptions) {
    this.repository = options.repository;
    this.tokens = options.tokens;
    this.limiter = options.limiter;
    this.mailer = options.mailer;
    this.queue = options.queue;
    this.clientHash = options.clientHash;
    this.addressHash = options.addressHash;
    this.limits = { ...DEFAULT_SIGNUP_LIMITS, ...options.limits };
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * The endpoint's half of a self-service signup: checks the address's syntax and the client's limit,
   * then queues the signup. It never reads the subscriber, so it costs the same for every address.
   * Throws only for an invalid address; false when the client is over its limit.
   */
  async requestSignup(request: SignupRequest, clientAddress: string): Promise<boolean> {
    if (!this.queue || !this.clientHash) throw new ConfigError('signup needs a queue and a client hash key');
    const email = normaliseEmail(request.email);
    const now = this.clock();
    const client = `client#${this.clientHash(rateLimitedClient(clientAddress))}`;
    if (!(await this.limiter.take(client, this.limits.perClient, now))) return false;
    await this.queue.enqueue({
      email,
      ...(request.name?.trim() ? { name: request.name.trim().slice(0, 100) } : {}),
      topics: normaliseTopics(request.topics ?? []),
      at: now.toISOString(),
    });
    return true;
  }

  /**
   * The worker's half (double opt-in): a confirmation mail, within the limits, for a pending signup
   * that keeps the name and topics until that very request is confirmed. Known subscribers are not
   * changed; active ones get no mail, and a complaint means no more mail, not even a confirmation.
   */
  async processSignup(
    request: SignupRequest & { at?: string },
    linkBase: string,
  ): Promise<ConfirmationOutcome> {
    const email = normaliseEmail(request.email);
    const existing = await this.repository.findByEmail(email);
    if (existing?.status === 'active' || existing?.status === 'complained') return 'not-needed';
    // Its owner marked an earlier confirmation mail as spam, before there was any record.
    if (!existing && (await this.repository.hasComplained(this.hashed(mailboxOf(email)))))
      return 'not-needed';
    const now = this.clock();
    return this.sendConfirmation(
      {
        email,
        ...(request.name ? { name: request.name } : {}),
        topics: normaliseTopics(request.topics ?? []),
        requestedAt: request.at ?? now.toISOString(),
      },
      linkBase,
      now,
    );
  }

  /** Operator add (CLI or CSV import). Suppressed (erased) and known addresses are refused. */
  async add(input: NewSubscriber, linkBase: string | undefined, where = input.email): Promise<AddOutcome> {
    const email = normaliseEmail(input.email, where);
    if (await this.repository.isSuppressed(this.hashed(email))) {
      throw new SubscriberRejectedError(
        where,
        'address was erased on request and is on the suppression list',
      );
    }
    if (await this.repository.findByEmail(email))
      throw new SubscriberRejectedError(where, 'already a subscriber');
    const now = this.clock();
    const subscriber = createSubscriber({ ...input, email }, now);
    if (subscriber.status === 'pending' && (!this.mailer || !linkBase)) {
      throw new SubscriberRejectedError(
        where,
        'has no recorded consent and no confirmation mail can be sent',
      );
    }
    if (!(await this.repository.create(subscriber)))
      throw new SubscriberRejectedError(where, 'already a subscriber');
    if (subscriber.status === 'active' || !linkBase) return 'active';
    const sent = await this.sendConfirmation(
      { email, topics: [], requestedAt: now.toISOString() },
      linkBase,
      now,
    );
    return sent === 'sent' ? 'pending-confirmation-sent' : 'pending-limit-reached';
  }

  /**
   * Confirms one pending signup: the subscriber becomes active with the name and topics of that request
   * (the person who confirms is the one who typed them). Expired, unknown and repeated confirmations
   * answer like a first one.
   */
  async confirm(token: string): Promise<void> {
    const now = this.clock();
    const { subscriberId: signupId } = await this.tokens.verify(token, 'confirm', now);
    const signup = await this.repository.takePendingSignup(signupId, now);
    if (!signup) return;
    const existing = await this.repository.findByEmail(signup.email);
    // The click is the consent, whoever started the signup (form, operator add or import).
    const consent = { source: 'form', at: now.toISOString() } as const;
    if (!existing) {
      await this.repository.create(
        createSubscriber(
          {
            email: signup.email,
            ...(signup.name ? { name: signup.name } : {}),
            topics: signup.topics,
            consent,
            confirmed: true,
          },
          now,
        ),
      );
    } else {
      await this.repository.update(existing.id, (current) => {
        // An active subscriber keeps what they have: another pending signup (maybe a stranger's) changes nothing.
        if (current.status === 'active' || current.status === 'complained') return undefined;
        const pending = transition(current, 'pending', now);
        return {
          ...transition(pending, 'active', now),
          ...(signup.name ? { name: signup.name } : {}),
          ...(signup.topics.length > 0 ? { topics: signup.topics } : {}),
          consent,
        };
      });
    }
    // A person who confirms again after an erasure has given fresh consent.
    await this.repository.unsuppress(this.hashed(signup.email));
  }

  /** Checks a token without acting on it, for the pages that only show a button. */
  async check(token: string, purpose: 'confirm' | 'unsubscribe' | 'preferences'): Promise<void> {
    await this.tokens.verify(token, purpose, this.clock());
  }

  /** One-click unsubscribe (RFC 8058): idempotent, and stopped addresses stay stopped. */
  async unsubscribe(token: string): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'unsubscribe', now);
    await this.repository.update(subscriberId, (current) =>
      current.status === 'active' || current.status === 'pending'
        ? transition(current, 'unsubscribed', now)
        : undefined,
    );
  }

  /** Re-subscribe from the unsubscribe done page: a new confirmation mail; unsubscribed until confirmed. */
  async resubscribe(token: string, linkBase: string): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'unsubscribe', now);
    const subscriber = await this.repository.get(subscriberId);
    if (subscriber?.status !== 'unsubscribed') return;
    await this.sendConfirmation(
      { email: subscriber.email, topics: [], requestedAt: now.toISOString() },
      linkBase,
      now,
    );
  }

  async preferences(token: string): Promise<Preferences> {
    const { subscriberId } = await this.tokens.verify(token, 'preferences', this.clock());
    const subscriber = await this.repository.get(subscriberId);
    return { topics: subscriber?.topics ?? [], topicsOnly: subscriber?.topicsOnly ?? false };
  }

  async updatePreferences(token: string, preferences: Preferences): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'preferences', now);
    const topics = normaliseTopics(preferences.topics);
    await this.repository.update(subscriberId, (current) => ({
      ...current,
      topics,
      topicsOnly: preferences.topicsOnly && topics.length > 0,
      changedAt: now.toISOString(),
    }));
  }

  /** Operator remove: the subscriber stops getting mail; the record and its consent history stay. */
  async remove(rawEmail: string): Promise<boolean> {
    const subscriber = await this.repository.findByEmail(normaliseEmail(rawEmail));
    if (!subscriber) return false;
    const now = this.clock();
    await this.repository.update(subscriber.id, (current) => transition(current, 'unsubscribed', now));
    return true;
  }

  /**
   * Privacy erasure: the record and the pending signups are deleted and only the address hash stays, to
   * block re-imports. A confirmation link mailed before the erasure then changes nothing.
   */
  async erase(rawEmail: string): Promise<boolean> {
    const email = normaliseEmail(rawEmail);
    const subscriber = await this.repository.findByEmail(email);
    await this.repository.suppress(this.hashed(email), this.clock());
    await this.repository.forgetComplaint(this.hashed(mailboxOf(email)));
    await this.repository.removePendingSignups(email);
    if (subscriber) await this.repository.remove(subscriber.id);
    return subscriber !== undefined;
  }

  private hashed(email: string): HashedAddress {
    return hashedAddress(this.addressHash, email);
  }

  /**
   * Sends a confirmation mail for a new pending signup unless the address's or the stack's limit is
   * reached. Each limit is an atomic counter taken before any mail, so parallel requests cannot exceed it.
   */
  private async sendConfirmation(
    signup: Omit<PendingSignup, 'id' | 'expiresAt'>,
    linkBase: string,
    now: Date,
  ): Promise<ConfirmationOutcome> {
    if (!this.mailer) throw new SubscriberRejectedError('signup', 'no confirmation mailer is configured');
    // Per mailbox: subaddresses (lin+1@, lin+2@, ...) would otherwise each bring three more mails to one inbox.
    // Keyed only: the counters of the unkeyed hash expire within their window (a day), so none need reading.
    const address = `address#${this.addressHash(mailboxOf(signup.email))}`;
    if (!(await this.limiter.take(address, this.limits.perAddress, now))) return 'address-limit';
    if (!(await this.limiter.take('global', this.limits.global, now))) {
      // Nothing is sent: a flood that used up the stack's hour costs the person none of their mails of the day.
      await this.limiter.giveBack(address, this.limits.perAddress, now);
      return 'global-limit';
    }
    const pending: PendingSignup = {
      ...signup,
      id: randomBytes(16).toString('base64url'),
      expiresAt: new Date(now.getTime() + this.limits.pendingMs),
    };
    try {
      await this.repository.savePendingSignup(pending);
      const token = await this.tokens.sign(pending.id, 'confirm', now, this.limits.pendingMs);
      await this.mailer.sendConfirmation({
        to: signup.email,
        confirmUrl: `${linkBase.replace(/(^|[^/])\/+$/, '$1')}/confirm?token=${encodeURIComponent(token)}`,
      });
    } catch (error) {
      // No mail went out (SES throttled, say): the retry (SQS redelivers the job) must not cost another
      // of the address's few mails a day, nor the stack's.
      await this.limiter.giveBack(address, this.limits.perAddress, now);
      await this.limiter.giveBack('global', this.limits.global, now);
      throw error;
    }
    return 'sent';
  }
}

/**
 * Who the per-client limit counts: an IPv4 address, or the /64 of an IPv6 one. A single host or home line
 * gets a whole /64, so counting each IPv6 address apart would let one client take a fresh limit per request.
 * An IPv4 client seen through an IPv6 socket (`::ffff:a.b.c.d`) counts as its IPv4 address.
 */
export function rateLimitedClient(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return ip.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`).toString()}/64`;
}
