/** True when an SDK v3 call failed because the resource (object, version) does not exist. */
export function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  // 405: HeadObject of a delete marker's version id.
  return status === 404 || status === 405 || name === 'NotFound' || name === 'NoSuchKey';
}

/** True when a DynamoDB conditional write was refused because its condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}
