import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** A global secondary index: string keys, and which attributes it projects. */
export interface IndexSchema {
  name: string;
  partitionKey: string;
  sortKey?: string;
  projection: 'ALL' | 'KEYS_ONLY';
}

/**
 * A DynamoDB table's keys as its adapter reads and writes them (every key attribute a string). Written once,
 * beside the adapter; the construct (infra/constructs/table-keys.ts) and the moto tests build the table from it.
 */
export interface TableSchema {
  partitionKey: string;
  sortKey?: string;
  indexes?: readonly IndexSchema[];
  /** The TTL attribute (epoch seconds), if items expire. */
  timeToLive?: string;
}

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

/** CreateTable input for the schema, on demand, as tests and benchmarks create it in moto. */
export function createTableInput(tableName: string, schema: TableSchema): CreateTableCommandInput {
  const indexes = schema.indexes ?? [];
  const attributes = new Set(
    [schema.partitionKey, schema.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter(
      (name): name is string => name !== undefined,
    ),
  );
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(schema.partitionKey, schema.sortKey),
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection },
      })),
    }),
  };
}
