import { ConfigError } from '../errors.ts';
import type { RecipientBatch } from '../ports/sending.ts';
import { receivesMail, type Subscriber } from '../subscribers/subscriber.ts';

/**
 * The fan-out plan: the ids of active subscribers only (unsubscribed, bounced, complained and pending
 * never; deleted ones are no longer listed), cut into batches. Addresses never go on the queue.
 */
export async function* planBatches(
  digestId: string,
  digestKey: string,
  subscribers: AsyncIterable<Subscriber> | Iterable<Subscriber>,
  batchSize: number,
): AsyncGenerator<RecipientBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError('batchSize must be a positive integer');
  let ids: string[] = [];
  for await (const subscriber of subscribers) {
    if (!receivesMail(subscriber)) continue;
    ids.push(subscriber.id);
    if (ids.length === batchSize) {
      yield { digestId, digestKey, subscriberIds: ids };
      ids = [];
    }
  }
  if (ids.length > 0) yield { digestId, digestKey, subscriberIds: ids };
}
