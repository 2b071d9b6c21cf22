import {
  type CreateTableCommandInput,
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
} from '@aws-sdk/lib-dynamodb';
import type { SubscriberRepository } from '../core/ports/subscribers.ts';
import type { Subscriber } from '../core/subscribers/subscriber.ts';

/** Name of the global secondary index on `emailKey`; the construct creates it with the same name. */
export const EMAIL_INDEX = 'byEmail';

/** The table this repository expects (the same keys and index as infra/constructs/subscribers.ts). */
export function subscriberTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'emailKey', AttributeType: 'S' },
    ],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      {
        IndexName: EMAIL_INDEX,
        KeySchema: [{ AttributeName: 'emailKey', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

/**
 * One table, partition key `pk`: `subscriber#<id>` items (with `emailKey`, the lower-cased address,
 * indexed by EMAIL_INDEX), one `email#<emailKey>` item per subscriber that makes addresses unique
 * (the index alone is eventually consistent), and `suppressed#<address hash>` items for erased addresses.
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

  async findByEmail(email: string): Promise<Subscriber | undefined> {
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
      const key = page.Items?.[0]?.pk;
      // The index holds keys only and is eventually consistent: read the item itself.
      if (typeof key === 'string') return this.get(key.slice(subscriberKey('').length));
    }
    return undefined;
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

  async suppress(addressHash: string, at: Date): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: suppressionKey(addressHash), kind: 'suppression', at: at.toISOString() },
      }),
    );
  }

  async isSuppressed(addressHash: string): Promise<boolean> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: suppressionKey(addressHash) },
        ConsistentRead: true,
      }),
    );
    return Item !== undefined;
  }

  async unsuppress(addressHash: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: suppressionKey(addressHash) } }),
    );
  }
}

const subscriberKey = (id: string) => `subscriber#${id}`;
const suppressionKey = (hash: string) => `suppressed#${hash}`;
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
