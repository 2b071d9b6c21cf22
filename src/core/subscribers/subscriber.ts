import { createHash, createHmac, randomUUID } from 'node:crypto';
import { domainToASCII, domainToUnicode } from 'node:url';
import { SubscriberRejectedError } from '../errors.ts';

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
export type ConsentSource = 'form' | 'import' | 'cli';

/** How and when the person agreed to receive the digest; kept as proof of consent. */
export interface Consent {
  source: ConsentSource;
  /** ISO 8601 instant. */
  at: string;
}

export interface Subscriber {
  /** Random, never derived from the email, so links and logs never reveal the address. */
  id: string;
  email: string;
  name?: string;
  status: SubscriberStatus;
  consent: Consent;
  createdAt: string;
  changedAt: string;
  /** Lower-cased topic keywords; matching themes come first (or alone, with topicsOnly). */
  topics: string[];
  topicsOnly: boolean;
  /** IANA time zone, e.g. Europe/Paris. */
  timeZone?: string;
  /** Transient bounces since the last delivery. */
  transientBounces: number;
}

export interface NewSubscriber {
  email: string;
  name?: string;
  topics?: readonly string[];
  timeZone?: string;
  consent: Consent;
  /** Whether the consent is already proven (import with a consent column, cli --consented). */
  confirmed: boolean;
}

// SES does not send to non-ASCII local parts (no SMTPUTF8), so only the domain may be international.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const MAX_EMAIL_LENGTH = 254;

/**
 * Validates an address and returns its canonical form: the domain lower-cased and in Unicode
 * (IDN), the local part kept as typed (it may be case-sensitive, RFC 5321 §2.4).
 * `where` names the record for the error message.
 */
export function normaliseEmail(raw: string, where = 'email'): string {
  const text = raw.trim().normalize('NFC');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) throw new SubscriberRejectedError(where, 'is not an email address');
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (
    !LOCAL_PART.test(local) ||
    local.length > 64 ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  ) {
    throw new SubscriberRejectedError(where, 'has an invalid part before @');
  }
  const ascii = domainToASCII(domain);
  if (
    ascii === '' ||
    !ascii.includes('.') ||
    ascii.split('.').some((label) => !/^[a-z0-9-]{1,63}$/.test(label))
  ) {
    throw new SubscriberRejectedError(where, `has an invalid domain "${domain}"`);
  }
  // One spelling per domain, whichever was typed: SES reports recipients with the punycode (A-label) domain.
  const email = `${local}@${domainToUnicode(ascii)}`;
  if (email.length > MAX_EMAIL_LENGTH)
    throw new SubscriberRejectedError(where, 'is longer than 254 characters');
  return email;
}

/**
 * The mailbox an address delivers to, for the per-address limit and kept complaints: the address without its
 * subaddress (`lin+news@x` is `lin@x`), which most providers deliver to the same inbox.
 */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  return plus > 0 && plus < at ? `${email.slice(0, plus)}${email.slice(at)}` : email;
}

/** The address in the ASCII form SES and DNS need (punycode domain). */
export function asciiEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${domainToASCII(email.slice(at + 1))}`;
}

/** A one-way hash keyed with a secret: what logs and rate-limit keys carry instead of an address or IP. */
export type KeyedHash = (value: string) => string;

/**
 * HMAC-SHA256 with a secret key (from Secrets Manager in AWS): unlike a plain hash, nobody without the key
 * can test a list of known addresses against it. Lower-cased first, so that a suppressed address cannot come
 * back with other capitals.
 */
export function keyedHasher(key: Buffer): KeyedHash {
  if (key.length < 32) throw new SubscriberRejectedError('hash key', 'must be at least 32 bytes');
  return (value) => createHmac('sha256', key).update(value.toLowerCase()).digest('hex');
}

/**
 * How the stored marks (suppression, complaint) and the send ledger name an address: its keyed hash, which is
 * what is written; and the unkeyed SHA-256 that records written before the keyed hash carry, which lookups
 * still match (docs/subscribers.md, "Address hashes") and nothing writes any more.
 */
export interface HashedAddress {
  hash: string;
  legacy: string;
}

export function hashedAddress(hash: KeyedHash, email: string): HashedAddress {
  return { hash: hash(email), legacy: legacyAddressHash(email) };
}

/** The unkeyed SHA-256 of the lower-cased address that older marks and ledger rows carry: read only. */
export function legacyAddressHash(email: string): string {
  return createHash('sha256').update(email.toLowerCase()).digest('hex');
}

export function normaliseTopics(topics: readonly string[]): string[] {
  const cleaned = topics.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0 && t.length <= 40);
  return [...new Set(cleaned)].slice(0, 20);
}

export function createSubscriber(input: NewSubscriber, now: Date): Subscriber {
  const at = now.toISOString();
  return {
    id: randomUUID(),
    email: normaliseEmail(input.email),
    ...(input.name?.trim() ? { name: input.name.trim().slice(0, 100) } : {}),
    status: input.confirmed ? 'active' : 'pending',
    consent: input.consent,
    createdAt: at,
    changedAt: at,
    topics: normaliseTopics(input.topics ?? []),
    topicsOnly: false,
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    transientBounces: 0,
  };
}

/** Whether the digest may be sent to this subscriber. */
export function receivesMail(subscriber: Subscriber): boolean {
  return subscriber.status === 'active';
}

/**
 * The allowed status changes. Bounced and complained addresses stay stopped: only a fresh
 * signup by the person (double opt-in) may make them pending again.
 */
const TRANSITIONS: Record<SubscriberStatus, readonly SubscriberStatus[]> = {
  pending: ['active', 'unsubscribed', 'bounced', 'complained'],
  active: ['unsubscribed', 'bounced', 'complained'],
  unsubscribed: ['pending', 'bounced', 'complained'],
  bounced: ['pending', 'complained'],
  complained: ['pending'],
};

function canTransition(from: SubscriberStatus, to: SubscriberStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** Returns the subscriber with the new status; the same status is a no-op so replays are idempotent. */
export function transition(subscriber: Subscriber, to: SubscriberStatus, now: Date): Subscriber {
  if (subscriber.status === to) return subscriber;
  if (!canTransition(subscriber.status, to)) {
    throw new SubscriberRejectedError(subscriber.id, `cannot go from ${subscriber.status} to ${to}`);
  }
  return { ...subscriber, status: to, changedAt: now.toISOString(), transientBounces: 0 };
}
