import { AttributeType, type GlobalSecondaryIndexPropsV2, ProjectionType } from 'aws-cdk-lib/aws-dynamodb';
import type { TableSchema } from '../../src/adapters/dynamodb-table-schema.ts';

const key = (name: string) => ({ name, type: AttributeType.STRING });

/** TableV2 keys, indexes and TTL from the schema the table's adapter declares (src/adapters/dynamodb-*.ts). */
export function tableKeys(schema: TableSchema) {
  return {
    partitionKey: key(schema.partitionKey),
    ...(schema.sortKey && { sortKey: key(schema.sortKey) }),
    ...(schema.timeToLive && { timeToLiveAttribute: schema.timeToLive }),
    ...(schema.indexes && {
      globalSecondaryIndexes: schema.indexes.map(
        (index): GlobalSecondaryIndexPropsV2 => ({
          indexName: index.name,
          partitionKey: key(index.partitionKey),
          ...(index.sortKey && { sortKey: key(index.sortKey) }),
          projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
        }),
      ),
    }),
  };
}
