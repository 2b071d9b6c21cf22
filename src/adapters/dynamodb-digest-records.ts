import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { compareIds } from '../core/compare-ids.ts';
import type { RecordedEdit } from '../core/edits.ts';
import type { DigestRecord, DigestRecords, DigestState } from '../core/ports/digest-records.ts';
import { isConditionFailed } from './aws-errors.ts';
import type { TableSchema } from './dynamodb-table-schema.ts';

/** The digests table: one record per digest (and the pause flag), keyed by `digestId`. */
export const DIGEST_RECORDS_SCHEMA: TableSchema = { partitionKey: 'digestId' };

// The pause flag shares the table; digest ids all start with "digest-", so it cannot collide.
const CONTROL_ID = '#control';

/** Digest records in a DynamoDB table keyed by `digestId`; the lease is a conditional write of the record. */
export class DynamoDbDigestRecords implements DigestRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async acquire(record: DigestRecord, now: Date): Promise<boolean> {
    return this.conditionalPut(record, {
      ConditionExpression: 'attribute_not_exists(digestId) OR (#state = :building AND leaseExpiresAt < :now)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':building': 'building', ':now': now.toISOString() },
    });
  }

  async get(digestId: string): Promise<DigestRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { digestId }, ConsistentRead: true }),
    );
    return Item as DigestRecord | undefined;
  }

  transition(record: DigestRecord, from: DigestState): Promise<boolean> {
    const edited = record.editVersion !== undefined;
    return this.conditionalPut(record, {
      ConditionExpression: `#state = :from AND ${edited ? 'editVersion = :version' : 'attribute_not_exists(editVersion)'}`,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':from': from, ...(edited && { ':version': record.editVersion }) },
    });
  }

  async saveEdits(
    digestId: string,
    edits: readonly RecordedEdit[],
    version: number,
    updatedAt: string,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { digestId },
          UpdateExpression: 'SET edits = :edits, editVersion = :next, updatedAt = :at, editedAt = :at',
          ConditionExpression: `#state = :pending AND ${version === 0 ? 'attribute_not_exists(editVersion)' : 'editVersion = :version'}`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':edits': edits,
            ':next': version + 1,
            ':at': updatedAt,
            ':pending': 'pending',
            ...(version !== 0 && { ':version': version }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async recent(limit: number): Promise<DigestRecord[]> {
    // A scan: one item per window (52 a year for a weekly digest), so the table stays tiny.
    const records: DigestRecord[] = [];
    for await (const page of paginateScan({ client: this.db }, { TableName: this.tableName })) {
      for (const item of page.Items ?? [])
        if (item.digestId !== CONTROL_ID) records.push(item as DigestRecord);
    }
    return records.sort((a, b) => compareIds(b.windowEnd, a.windowEnd)).slice(0, limit);
  }

  async dueForSettle(now: Date): Promise<DigestRecord[]> {
    // Every page of the scan: a settle that read only the newest records (short windows, long reviews) missed the
    // older ones whose deadline had passed. The filter keeps the answer to what the settle acts on.
    const due: DigestRecord[] = [];
    const pages = paginateScan(
      { client: this.db },
      {
        TableName: this.tableName,
        FilterExpression: '(#state = :pending AND reviewDeadline <= :now) OR awaitingHandoff = :yes',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString(), ':yes': true },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) due.push(item as DigestRecord);
    return due.sort((a, b) => compareIds(a.windowEnd, b.windowEnd));
  }

  async isPaused(): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { digestId: CONTROL_ID }, ConsistentRead: true }),
    );
    return Item?.paused === true;
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { digestId: CONTROL_ID, paused, updatedAt: new Date().toISOString() },
      }),
    );
  }

  private async conditionalPut(
    record: DigestRecord,
    condition: Pick<
      ConstructorParameters<typeof PutCommand>[0],
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: record, ...condition }));
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
