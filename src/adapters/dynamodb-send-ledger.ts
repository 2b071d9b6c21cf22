import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, LedgerKey, SendLedgerStore } from '../core/ports/sending.ts';
import type { SendOutcome } from '../core/ports/subscribers.ts';
import { ledgerKeyFromTags } from '../core/sending/tags.ts';
import type { HashedAddress } from '../core/subscribers/subscriber.ts';
import type { TableSchema } from './dynamodb-table-schema.ts';

/** Global secondary index on `messageId` (sparse: only rows SES accepted). */
export const MESSAGE_ID_INDEX = 'byMessageId';

/** The send ledger table: one row per recipient of a digest, found by SES MessageId through MESSAGE_ID_INDEX. */
export const SEND_LEDGER_SCHEMA: TableSchema = {
  partitionKey: 'digestId',
  sortKey: 'subscriberId',
  indexes: [{ name: MESSAGE_ID_INDEX, partitionKey: 'messageId', projection: 'KEYS_ONLY' }],
};

const OUTCOME_ATTRIBUTE: Record<SendOutcome, 'deliveredAt' | 'bouncedAt' | 'complainedAt'> = {
  delivered: 'deliveredAt',
  bounced: 'bouncedAt',
  complained: 'complainedAt',
};

/** The send ledger: partition key `digestId`, sort key `subscriberId`, one item per recipient of a digest. */
export class DynamoDbSendLedger implements SendLedgerStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  async claim(
    key: LedgerKey,
    recipientHash: string,
    leaseUntil: Date,
    now: Date,
  ): Promise<string | undefined> {
    const claimId = randomUUID();
    const entry: LedgerEntry = {
      ...key,
      state: 'sending',
      recipientHash,
      claimId,
      leaseUntil: leaseUntil.toISOString(),
      updatedAt: now.toISOString(),
    };
    return (await this.putIfClaimable(entry, now)) ? claimId : undefined;
  }

  async startSend(key: LedgerKey, claimId: string, now: Date): Promise<boolean> {
    return this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET sendStartedAt = :now',
        ConditionExpression: 'claimId = :claim',
        ExpressionAttributeValues: { ':claim': claimId, ':now': now.toISOString() },
      }),
    );
  }

  async markSent(key: LedgerKey, messageId: string, now: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #state = :sent, messageId = :id, updatedAt = :now REMOVE leaseUntil',
        ConditionExpression: 'attribute_exists(digestId)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':id': messageId, ':now': now.toISOString() },
      }),
    );
  }

  async markFailed(key: LedgerKey, reason: string, now: Date): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #state = :failed, reason = :reason, updatedAt = :now REMOVE leaseUntil',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':sending': 'sending',
          ':reason': reason,
          ':now': now.toISOString(),
        },
      }),
    );
  }

  async release(key: LedgerKey, claimId: string): Promise<void> {
    await this.ignoringConditionFailure(
      new DeleteCommand({
        TableName: this.tableName,
        Key: key,
        ConditionExpression: '#state = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':claim': claimId },
      }),
    );
  }

  async skip(key: LedgerKey, reason: string, now: Date): Promise<void> {
    await this.putIfClaimable({ ...key, state: 'skipped', reason, updatedAt: now.toISOString() }, now);
  }

  async *entries(digestId: string): AsyncIterable<LedgerEntry> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'digestId = :d',
        ExpressionAttributeValues: { ':d': digestId },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) yield* (page.Items ?? []) as LedgerEntry[];
  }

  /**
   * Settles a row from an SES event: by the message tags when the event carries them (this also settles a
   * row left `sending` by a crash before its MessageId was stored), else by MessageId. The recipient must
   * match the row. Events for mail that is not a digest (confirmations) match no row and are ignored.
   */
  async settle(
    messageId: string,
    recipient: HashedAddress,
    outcome: SendOutcome,
    at: Date,
    tags?: Readonly<Record<string, readonly string[]>>,
  ): Promise<void> {
    const key = ledgerKeyFromTags(tags) ?? (await this.keyOfMessage(messageId));
    if (!key) return;
    const settled = await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #outcome = :at, messageId = if_not_exists(messageId, :id)',
        // A row claimed before the keyed hash carries the legacy (unkeyed) one: its events settle it too.
        ConditionExpression: 'recipientHash IN (:hash, :legacy)',
        ExpressionAttributeNames: { '#outcome': OUTCOME_ATTRIBUTE[outcome] },
        ExpressionAttributeValues: {
          ':at': at.toISOString(),
          ':id': messageId,
          ':hash': recipient.hash,
          ':legacy': recipient.legacy,
        },
      }),
    );
    if (!settled) return;
    // An event proves SES accepted the message: a row still `sending` is now known to be sent.
    await this.ignoringConditionFailure(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #state = :sent, settledBy = :event REMOVE leaseUntil',
        ConditionExpression: '#state = :sending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':sending': 'sending', ':event': 'ses-event' },
      }),
    );
  }

  private async keyOfMessage(messageId: string): Promise<LedgerKey | undefined> {
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: MESSAGE_ID_INDEX,
        KeyConditionExpression: 'messageId = :id',
        ExpressionAttributeValues: { ':id': messageId },
      },
    );
    for await (const page of pages) {
      const item = page.Items?.[0];
      if (item) return { digestId: String(item.digestId), subscriberId: String(item.subscriberId) };
    }
    return undefined;
  }

  /**
   * Writes the row if there is none, or over a claim abandoned before its send started (no `sendStartedAt`)
   * whose lease, the function timeout, is over: the worker that made it is gone and SES never saw the
   * message. A claim that finds its own row (the SDK retried a write whose answer was lost) holds.
   */
  private async putIfClaimable(entry: LedgerEntry, now: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: entry,
          ConditionExpression:
            'attribute_not_exists(digestId) OR (#state = :sending AND attribute_not_exists(sendStartedAt) AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'sending', ':now': now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return entry.claimId !== undefined && error.Item?.claimId?.S === entry.claimId;
    }
  }

  /** Sends a conditional write; false when its condition did not hold. */
  private async ignoringConditionFailure(
    command: PutCommand | UpdateCommand | DeleteCommand,
  ): Promise<boolean> {
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the document client's send is overloaded per command type.
      await this.documents.send(command as any);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
