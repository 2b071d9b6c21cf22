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

/**
 * What an AWS SDK error means to the person at the terminal, in one line: no credentials, no region, no connection, or a
 * refusal (an expired session, a missing permission or table). Anything else is a bug and keeps its stack.
 */
export function awsProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError')
    return `no AWS credentials found (${error.message}): set AWS_PROFILE or AWS_ACCESS_KEY_ID, or sign in (aws sso login)`;
  // The SDK's config loader throws a plain Error before any request when neither --region, AWS_REGION nor the
  // profile names a region.
  if (error.message === 'Region is missing')
    return 'no AWS region set: pass --region, set AWS_REGION, or give your AWS profile a region (aws configure)';
  if (error.message.startsWith('Region not accepted'))
    return `the AWS region is not valid (${error.message.replace(/\.$/, '')}): pass --region or set AWS_REGION to one such as eu-west-1`;
  if (!('$metadata' in error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code))
    return `AWS cannot be reached (${error.message})`;
  return `AWS refused the request: ${error.name}: ${error.message}`;
}
