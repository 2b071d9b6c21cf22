import type { Subscriber } from '../subscribers/subscriber.ts';

/** Storage of subscribers and of the suppression list (hashes of erased addresses). */
export interface SubscriberRepository {
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Creates the subscriber; false when the id or the address already exists. */
  create(subscriber: Subscriber): Promise<boolean>;
  /** Replaces the stored record; it must exist. */
  put(subscriber: Subscriber): Promise<void>;
  /** Erases the record for good. */
  remove(id: string): Promise<void>;
  list(): AsyncIterable<Subscriber>;
  suppress(addressHash: string, at: Date): Promise<void>;
  isSuppressed(addressHash: string): Promise<boolean>;
  unsuppress(addressHash: string): Promise<void>;
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
  settle(
    messageId: string,
    recipientHash: string,
    outcome: SendOutcome,
    at: Date,
    tags?: Readonly<Record<string, readonly string[]>>,
  ): Promise<void>;
}
