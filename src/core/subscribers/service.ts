import { SubscriberRejectedError } from '../errors.ts';
import type { ConfirmationMailer, SubscriberRepository } from '../ports/subscribers.ts';
import type { TokenSigner } from '../tokens.ts';
import {
  addressHash,
  createSubscriber,
  type NewSubscriber,
  normaliseEmail,
  normaliseTopics,
  type Subscriber,
  transition,
} from './subscriber.ts';

export interface ConfirmationLimit {
  /** Confirmation mails per address per window. @default 3 */
  max: number;
  /** @default 24 hours */
  windowMs: number;
}

export interface SubscriptionServiceOptions {
  repository: SubscriberRepository;
  tokens: TokenSigner;
  /** Needed only by the operations that send a confirmation mail. */
  mailer?: ConfirmationMailer;
  confirmationLimit?: ConfirmationLimit;
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

/**
 * The subscription rules, independent of HTTP and AWS. Public operations answer the same way
 * whether or not the address or subscriber exists, so nobody can learn who is subscribed.
 */
export class SubscriptionService {
  private readonly repository: SubscriberRepository;
  private readonly tokens: TokenSigner;
  private readonly mailer: ConfirmationMailer | undefined;
  private readonly limit: ConfirmationLimit;
  private readonly clock: () => Date;

  constructor(options: SubscriptionServiceOptions) {
    this.repository = options.repository;
    this.tokens = options.tokens;
    this.mailer = options.mailer;
    this.limit = options.confirmationLimit ?? { max: 3, windowMs: 24 * 60 * 60 * 1000 };
    this.clock = options.clock ?? (() => new Date());
  }

  /** Self-service signup (double opt-in). Throws only for an invalid address. */
  async signup(request: SignupRequest, linkBase: string): Promise<void> {
    const email = normaliseEmail(request.email);
    const now = this.clock();
    const existing = await this.repository.findByEmail(email);
    // A complaint is the strongest signal against mailing an address: no more mail, not even a confirmation.
    if (existing?.status === 'active' || existing?.status === 'complained') return;
    if (existing) {
      const renewed: Subscriber = {
        ...transition(existing, 'pending', now),
        consent: { source: 'form', at: now.toISOString() },
        ...(request.topics?.length ? { topics: normaliseTopics(request.topics) } : {}),
      };
      await this.sendConfirmation(renewed, linkBase, now);
      return;
    }
    const created = createSubscriber(
      { ...request, email, consent: { source: 'form', at: now.toISOString() }, confirmed: false },
      now,
    );
    if (await this.repository.create(created)) await this.sendConfirmation(created, linkBase, now, true);
  }

  /** Operator add (CLI or CSV import). Suppressed (erased) and known addresses are refused. */
  async add(input: NewSubscriber, linkBase: string | undefined, where = input.email): Promise<AddOutcome> {
    const email = normaliseEmail(input.email, where);
    if (await this.repository.isSuppressed(addressHash(email))) {
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
    const sent = await this.sendConfirmation(subscriber, linkBase, now, true);
    return sent ? 'pending-confirmation-sent' : 'pending-limit-reached';
  }

  /** Confirms a signup. Unknown subscribers and repeated confirmations answer like a first one. */
  async confirm(token: string): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'confirm', now);
    const subscriber = await this.repository.get(subscriberId);
    if (subscriber?.status !== 'pending') return;
    await this.repository.put(transition(subscriber, 'active', now));
    // A person who confirms again after an erasure has given fresh consent.
    await this.repository.unsuppress(addressHash(subscriber.email));
  }

  /** Checks a token without acting on it, for the pages that only show a button. */
  async check(token: string, purpose: 'confirm' | 'unsubscribe' | 'preferences'): Promise<void> {
    await this.tokens.verify(token, purpose, this.clock());
  }

  /** One-click unsubscribe (RFC 8058): idempotent, and stopped addresses stay stopped. */
  async unsubscribe(token: string): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'unsubscribe', now);
    const subscriber = await this.repository.get(subscriberId);
    if (subscriber?.status === 'active' || subscriber?.status === 'pending') {
      await this.repository.put(transition(subscriber, 'unsubscribed', now));
    }
  }

  /** Re-subscribe from the unsubscribe done page: back to pending, with a new confirmation mail. */
  async resubscribe(token: string, linkBase: string): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'unsubscribe', now);
    const subscriber = await this.repository.get(subscriberId);
    if (subscriber?.status !== 'unsubscribed') return;
    const pending: Subscriber = {
      ...transition(subscriber, 'pending', now),
      consent: { source: 'form', at: now.toISOString() },
    };
    await this.sendConfirmation(pending, linkBase, now);
  }

  async preferences(token: string): Promise<Preferences> {
    const { subscriberId } = await this.tokens.verify(token, 'preferences', this.clock());
    const subscriber = await this.repository.get(subscriberId);
    return { topics: subscriber?.topics ?? [], topicsOnly: subscriber?.topicsOnly ?? false };
  }

  async updatePreferences(token: string, preferences: Preferences): Promise<void> {
    const now = this.clock();
    const { subscriberId } = await this.tokens.verify(token, 'preferences', now);
    const subscriber = await this.repository.get(subscriberId);
    if (!subscriber) return;
    const topics = normaliseTopics(preferences.topics);
    await this.repository.put({
      ...subscriber,
      topics,
      topicsOnly: preferences.topicsOnly && topics.length > 0,
      changedAt: now.toISOString(),
    });
  }

  /** Operator remove: the subscriber stops getting mail; the record and its consent history stay. */
  async remove(rawEmail: string): Promise<boolean> {
    const subscriber = await this.repository.findByEmail(normaliseEmail(rawEmail));
    if (!subscriber) return false;
    await this.repository.put(transition(subscriber, 'unsubscribed', this.clock()));
    return true;
  }

  /** Privacy erasure: the record is deleted and only the address hash stays, to block re-imports. */
  async erase(rawEmail: string): Promise<boolean> {
    const email = normaliseEmail(rawEmail);
    const subscriber = await this.repository.findByEmail(email);
    await this.repository.suppress(addressHash(email), this.clock());
    if (subscriber) await this.repository.remove(subscriber.id);
    return subscriber !== undefined;
  }

  /** Sends the confirmation mail unless the per-address limit is reached; stores the record either way. */
  private async sendConfirmation(subscriber: Subscriber, linkBase: string, now: Date, stored = false) {
    const windowStart = now.getTime() - this.limit.windowMs;
    const recent = subscriber.confirmationsSent.filter((at) => Date.parse(at) > windowStart);
    const allowed = recent.length < this.limit.max;
    const updated: Subscriber = {
      ...subscriber,
      confirmationsSent: allowed ? [...recent, now.toISOString()] : recent,
    };
    if (!stored || allowed) await this.repository.put(updated);
    if (!allowed) return false;
    if (!this.mailer)
      throw new SubscriberRejectedError(subscriber.id, 'no confirmation mailer is configured');
    const token = await this.tokens.sign(subscriber.id, 'confirm', now);
    await this.mailer.sendConfirmation({
      to: subscriber.email,
      confirmUrl: `${linkBase.replace(/(^|[^/])\/+$/, '$1')}/confirm?token=${encodeURIComponent(token)}`,
    });
    return true;
  }
}
