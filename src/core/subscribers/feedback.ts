import { SubscriberRejectedError } from '../errors.ts';
import type { SendLedger, SubscriberRepository } from '../ports/subscribers.ts';
import * as z from '../zod.ts';
import { hashedAddress, type KeyedHash, mailboxOf, normaliseEmail, transition } from './subscriber.ts';

/**
 * One SES event (event publishing: `eventType`; identity notifications: `notificationType`),
 * reduced to what the subscriber list needs.
 */
export interface FeedbackEvent {
  kind: 'bounce' | 'complaint' | 'delivery';
  /** Permanent, Transient or Undetermined, for bounces. */
  bounceType?: string;
  messageId: string;
  recipients: string[];
  at: Date;
  /** The message tags SES echoes back (`mail.tags`); the send ledger finds its row by them. */
  tags?: Record<string, string[]>;
}

const recipient = z.object({ emailAddress: z.string() });
const sesEventSchema = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
  mail: z.object({
    messageId: z.string(),
    timestamp: z.string(),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.object({ bounceType: z.string(), bouncedRecipients: z.array(recipient), timestamp: z.string() }),
  ),
  complaint: z.optional(z.object({ complainedRecipients: z.array(recipient), timestamp: z.string() })),
  delivery: z.optional(z.object({ recipients: z.array(z.string()), timestamp: z.string() })),
});

/** Parses one SES event JSON (the SNS message); undefined for event types the list ignores (Send, Open...). */
export function parseSesEvent(json: string, where: string): FeedbackEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new SubscriberRejectedError(where, 'SES event is not JSON', { cause });
  }
  const result = sesEventSchema.safeParse(raw);
  if (!result.success)
    throw new SubscriberRejectedError(where, `not an SES event: ${z.prettifyError(result.error)}`);
  const event = result.data;
  const type = event.eventType ?? event.notificationType;
  const messageId = event.mail.messageId;
  const tags = event.mail.tags ? { tags: event.mail.tags } : {};
  if (type === 'Bounce' && event.bounce) {
    return {
      kind: 'bounce',
      bounceType: event.bounce.bounceType,
      messageId,
      recipients: event.bounce.bouncedRecipients.map((r) => r.emailAddress),
      at: new Date(event.bounce.timestamp),
      ...tags,
    };
  }
  if (type === 'Complaint' && event.complaint) {
    return {
      kind: 'complaint',
      messageId,
      recipients: event.complaint.complainedRecipients.map((r) => r.emailAddress),
      at: new Date(event.complaint.timestamp),
      ...tags,
    };
  }
  if (type === 'Delivery' && event.delivery) {
    return {
      kind: 'delivery',
      messageId,
      recipients: event.delivery.recipients,
      at: new Date(event.delivery.timestamp),
      ...tags,
    };
  }
  return undefined;
}

export interface FeedbackOptions {
  repository: SubscriberRepository;
  /** Settles the send ledger; absent until the sending side provides one. */
  ledger?: SendLedger;
  /** Transient bounces in a row that count as a bounce. @default 3 */
  transientBounceLimit?: number;
  /**
   * Keyed hash (HMAC) of addresses: it names a recipient in the results, which go to logs, in the complaint marks,
   * and in the send ledger's rows.
   */
  addressHash: KeyedHash;
}

export type FeedbackAction =
  | 'bounced'
  | 'complained'
  | 'transient-counted'
  | 'delivered'
  | 'unknown-recipient';

/**
 * Applies one event to every recipient: a permanent bounce or a complaint stops all further mail;
 * transient bounces are counted and `transientBounceLimit` in a row count as a bounce; a delivery
 * resets the count. Returns one action per recipient, named by its keyed hash (never the address), for logs.
 */
export async function applyFeedback(
  event: FeedbackEvent,
  options: FeedbackOptions,
): Promise<{ recipient: string; action: FeedbackAction }[]> {
  const limit = options.transientBounceLimit ?? 3;
  const results: { recipient: string; action: FeedbackAction }[] = [];
  for (const address of event.recipients) {
    const bare = address.replace(/^[^<]*<([^<>]+)>.*$/, '$1');
    const email = canonicalOrUndefined(bare);
    const hashed = hashedAddress(options.addressHash, email ?? bare);
    const recipient = hashed.hash;
    const outcome =
      event.kind === 'delivery' ? 'delivered' : event.kind === 'bounce' ? 'bounced' : 'complained';
    await options.ledger?.settle(event.messageId, hashed, outcome, event.at, event.tags);
    const subscriber = email === undefined ? undefined : await options.repository.findByEmail(email);
    if (!subscriber) {
      // A confirmation mail a stranger's signup caused: the next one would be another complaint.
      if (event.kind === 'complaint' && email !== undefined) {
        await options.repository.recordComplaint(
          hashedAddress(options.addressHash, mailboxOf(email)),
          event.at,
        );
        results.push({ recipient, action: 'complained' });
      } else results.push({ recipient, action: 'unknown-recipient' });
      continue;
    }
    let action: FeedbackAction = 'unknown-recipient';
    // Applied to the record as stored when it is written: an unsubscribe or complaint meanwhile holds.
    await options.repository.update(subscriber.id, (current) => {
      if (event.kind === 'complaint') {
        action = 'complained';
        return transition(current, 'complained', event.at);
      }
      if (event.kind === 'delivery') {
        action = 'delivered';
        return current.transientBounces > 0 ? { ...current, transientBounces: 0 } : undefined;
      }
      if (event.bounceType === 'Permanent' || current.transientBounces + 1 >= limit) {
        action = 'bounced';
        return current.status === 'complained' ? undefined : transition(current, 'bounced', event.at);
      }
      action = 'transient-counted';
      return { ...current, transientBounces: current.transientBounces + 1 };
    });
    results.push({ recipient, action });
  }
  return results;
}

/** An address our list could not hold is simply not a subscriber. */
function canonicalOrUndefined(address: string): string | undefined {
  try {
    return normaliseEmail(address, 'SES recipient');
  } catch (error) {
    if (error instanceof SubscriberRejectedError) return undefined;
    throw error;
  }
}
