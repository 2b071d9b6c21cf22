import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StorageError } from '../core/errors.ts';
import type {
  PendingSignup,
  RateLimit,
  RateLimiter,
  SubscriberRepository,
} from '../core/ports/subscribers.ts';
import type { HashedAddress, Subscriber } from '../core/subscribers/subscriber.ts';
import type { TableSchema } from './dynamodb-table-schema.ts';

/** Name of the global secondary index on `emailKey`. */
export const EMAIL_INDEX = 'byEmail';

/** The table's TTL attribute (epoch seconds): pending signups and rate-limit counters expire by it. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The subscriber table: every item under `pk`, subscribers found by address through EMAIL_INDEX. */
export const SUBSCRIBERS_SCHEMA: TableSchema = {
  partitionKey: 'pk',
  indexes: [{ name: EMAIL_INDEX, partitionKey: 'emailKey', projection: 'KEYS_ONLY' }],
  timeToLive: TTL_ATTRIBUTE,
};

/**
 * One table, partition key `pk`: `subscriber#<id>` items (with `emailKey`, the lower-cased address,
 * indexed by EMAIL_INDEX), one `email#<emailKey>` item per subscriber that makes addresses unique
 * (the index alone is eventually consistent), `suppressed#hmac#<keyed address hash>` items for erased addresses
 * (and the `suppressed#<sha256>` ones older stacks wrote, still read), `complained#hmac#…` marks, and
 * `signup#<id>` items for pending signups (expiring by TTL_ATTRIBUTE, and indexed by `emailKey` too so
 * that an erasure finds them).
 */
export class DynamoDbSubscriberRepository implements SubscriberRepository {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async get(id: string): Promise<Subscriber | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: subscriberKey(id) }, ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  async savePendingSignup(signup: PendingSignup): Promise<void> {
    const { expiresAt, ...rest } = signup;
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: signupKey(signup.id),
          kind: 'signup',
          emailKey: signup.email.toLowerCase(),
          ...rest,
          [TTL_ATTRIBUTE]: epochSeconds(expiresAt),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async takePendingSignup(id: string, now: Date): Promise<PendingSignup | undefined> {
    // Delete-and-return is atomic: of two confirmations of one signup, only one gets the record.
    const { Attributes } = await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: signupKey(id) }, ReturnValues: 'ALL_OLD' }),
    );
    // TTL deletes within days, not at once: an expired item is as good as gone.
    if (!Attributes || Number(Attributes[TTL_ATTRIBUTE]) <= epochSeconds(now)) return undefined;
    const { pk: _pk, kind: _kind, emailKey: _emailKey, [TTL_ATTRIBUTE]: expiry, ...signup } = Attributes;
    return { ...(signup as Omit<PendingSignup, 'expiresAt'>), expiresAt: new Date(Number(expiry) * 1000) };
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    for await (const key of this.keysOfAddress(email)) {
      // The index holds keys only and is eventually consistent: read the item itself.
      if (key.startsWith(subscriberKey(''))) return this.get(key.slice(subscriberKey('').length));
    }
    return undefined;
  }

  async removePendingSignups(email: string): Promise<void> {
    for await (const key of this.keysOfAddress(email)) {
      if (key.startsWith(signupKey(''))) {
        await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key } }));
      }
    }
  }

  /** The keys of the subscriber and the pending signups of an address (EMAIL_INDEX, case-insensitive). */
  private async *keysOfAddress(email: string): AsyncIterable<string> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: EMAIL_INDEX,
        KeyConditionExpression: 'emailKey = :e',
        ExpressionAttributeValues: { ':e': email.toLowerCase() },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) if (typeof item.pk === 'string') yield item.pk;
    }
  }

  async create(subscriber: Subscriber): Promise<boolean> {
    const emailKey = subscriber.email.toLowerCase();
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem(subscriber),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: addressKey(emailKey), kind: 'address', subscriberId: subscriber.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async put(subscriber: Subscriber): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(subscriber),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async update(
    id: string,
    change: (current: Subscriber) => Subscriber | undefined,
  ): Promise<Subscriber | undefined> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (!current) return undefined;
      const changed = change(current);
      if (!changed || changed === current) return current;
      // Written only over the record as read: the fields every change of status or count moves.
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const conditions = (['status', 'changedAt', 'transientBounces'] as const).map((field, i) => {
        names[`#f${i}`] = field;
        if (current[field] === undefined) return `attribute_not_exists(#f${i})`;
        values[`:f${i}`] = current[field];
        return `#f${i} = :f${i}`;
      });
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem({ ...changed, id }),
            ConditionExpression: conditions.join(' AND '),
            ExpressionAttributeNames: names,
            ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          }),
        );
        return changed;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new StorageError(`subscriber ${id} changed on each of ${UPDATE_ATTEMPTS} attempts to update it`);
  }

  async remove(id: string): Promise<void> {
    const subscriber = await this.get(id);
    if (!subscriber) return;
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { pk: subscriberKey(id) } } },
          { Delete: { TableName: this.tableName, Key: { pk: addressKey(subscriber.email.toLowerCase()) } } },
        ],
      }),
    );
  }

  async *list(): AsyncIterable<Subscriber> {
    const pages = paginateScan(
      { client: this.documents },
      {
        TableName: this.tableName,
        FilterExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'subscriber' },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) yield fromItem(item);
  }

  suppress(address: HashedAddress, at: Date): Promise<void> {
    return this.putMark(suppressionKey(address.hash), 'suppression', at);
  }

  isSuppressed(address: HashedAddress): Promise<boolean> {
    return this.hasMark(suppressionKey(address.hash), legacySuppressionKey(address.legacy));
  }

  unsuppress(address: HashedAddress): Promise<void> {
    return this.removeMark(suppressionKey(address.hash), legacySuppressionKey(address.legacy));
  }

  recordComplaint(address: HashedAddress, at: Date): Promise<void> {
    return this.putMark(complaintKey(address.hash), 'complaint', at);
  }

  hasComplained(address: HashedAddress): Promise<boolean> {
    return this.hasMark(complaintKey(address.hash), legacyComplaintKey(address.legacy));
  }

  forgetComplaint(address: HashedAddress): Promise<void> {
    return this.removeMark(complaintKey(address.hash), legacyComplaintKey(address.legacy));
  }

  /** An item that marks an address hash (suppressed, complained), holding nothing but when. */
  private async putMark(pk: string, kind: string, at: Date): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { pk, kind, at: at.toISOString() } }),
    );
  }

  /** Whether the keyed mark exists, or else the legacy one (an unkeyed hash, written before the keyed one). */
  private async hasMark(pk: string, legacyPk: string): Promise<boolean> {
    for (const key of [pk, legacyPk]) {
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true }),
      );
      if (Item !== undefined) return true;
    }
    return false;
  }

  private async removeMark(pk: string, legacyPk: string): Promise<void> {
    for (const key of [pk, legacyPk])
      await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: key } }));
  }
}

/**
 * Fixed-window counters in the subscriber table, one item per key and window (`limit#<key>#<window>`),
 * expiring by TTL. One conditional UpdateItem per event: DynamoDB applies them one at a time, so parallel
 * callers never get more than `max` grants in a window.
 */
export class DynamoDbRateLimiter implements RateLimiter {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  async take(key: string, limit: RateLimit, now: Date): Promise<boolean> {
    const window = Math.floor(now.getTime() / limit.windowMs);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `limit#${key}#${window}` },
          UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': 1,
            ':max': limit.max,
            ':ttl': epochSeconds(new Date((window + 1) * limit.windowMs)),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async giveBack(key: string, limit: RateLimit, takenAt: Date): Promise<void> {
    const window = Math.floor(takenAt.getTime() / limit.windowMs);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `limit#${key}#${window}` },
          UpdateExpression: 'ADD #count :minusOne',
          ConditionExpression: '#count > :zero',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** Reads and writes of one update before it gives up (each failed write means another change landed). */
const UPDATE_ATTEMPTS = 5;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const signupKey = (id: string) => `signup#${id}`;
const subscriberKey = (id: string) => `subscriber#${id}`;
// Keyed (HMAC) hashes carry their own prefix, so the legacy marks (unkeyed SHA-256) left in a table can be told apart
// and counted (docs/subscribers.md, "Address hashes").
const suppressionKey = (hash: string) => `suppressed#hmac#${hash}`;
const complaintKey = (hash: string) => `complained#hmac#${hash}`;
const legacySuppressionKey = (hash: string) => `suppressed#${hash}`;
const legacyComplaintKey = (hash: string) => `complained#${hash}`;
const addressKey = (emailKey: string) => `email#${emailKey}`;

function toItem(subscriber: Subscriber): Record<string, unknown> {
  return {
    pk: subscriberKey(subscriber.id),
    kind: 'subscriber',
    emailKey: subscriber.email.toLowerCase(),
    ...subscriber,
  };
}

function fromItem(item: Record<string, unknown>): Subscriber {
  const { pk: _pk, kind: _kind, emailKey: _emailKey, ...subscriber } = item;
  return subscriber as unknown as Subscriber;
}
