import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { ArticleIndex, ArticleIndexEntry } from '../core/ports/article-index.ts';
import { isConditionFailed } from './aws-errors.ts';
import type { TableSchema } from './dynamodb-table-schema.ts';

/** Name of the index by ingest day. */
export const INGEST_DAY_INDEX = 'byIngestDay';

/** The article index table: one item per object, found by ingest day through INGEST_DAY_INDEX. */
export const ARTICLE_INDEX_SCHEMA: TableSchema = {
  partitionKey: 'objectId',
  indexes: [{ name: INGEST_DAY_INDEX, partitionKey: 'ingestDay', sortKey: 'ingestedAt', projection: 'ALL' }],
};

/**
 * The article index in DynamoDB: one item per object id, plus `ingestDay` (YYYY-MM-DD) so a digest window reads
 * a few day partitions of the `byIngestDay` index instead of scanning.
 */
export class DynamoDbArticleIndex implements ArticleIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(objectId: string): Promise<ArticleIndexEntry | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { objectId }, ConsistentRead: true }),
    );
    return Item ? toEntry(Item) : undefined;
  }

  async putIfNewer(entry: ArticleIndexEntry): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...withoutUndefined(entry), ingestDay: entry.ingestedAt.slice(0, 10) },
          ConditionExpression:
            'attribute_not_exists(objectId) OR #order < :order OR (#order = :order AND versionTag <> :versionTag)',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': entry.order, ':versionTag': entry.versionTag },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  async listWrittenBetween(from: Date, to: Date): Promise<ArticleIndexEntry[]> {
    const entries: ArticleIndexEntry[] = [];
    for (const day of daysBetween(from, to)) {
      const pages = paginateQuery(
        { client: this.db },
        {
          TableName: this.tableName,
          IndexName: INGEST_DAY_INDEX,
          KeyConditionExpression: 'ingestDay = :day AND ingestedAt BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':day': day, ':from': from.toISOString(), ':to': to.toISOString() },
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          if (item.ingestedAt < to.toISOString()) entries.push(toEntry(item));
        }
      }
    }
    return entries;
  }
}

function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from.toISOString().slice(0, 10)}T00:00:00.000Z`);
  while (cursor < to) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

function toEntry(item: Record<string, unknown>): ArticleIndexEntry {
  const { ingestDay: _day, ...entry } = item;
  return entry as unknown as ArticleIndexEntry;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
