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
 * What an AWS SDK error means to the person at the terminal, in one line: no credentials, no connection, or a
 * refusal (an expired session, a missing permission or table). Anything else is a bug and keeps its stack.
 */
export function awsProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError')
    return `no AWS credentials found (${error.message}): set AWS_PROFILE or AWS_ACCESS_KEY_ID, or sign in (aws sso login)`;
  if (!('$metadata' in error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code))
    return `AWS cannot be reached (${error.message})`;
  return `AWS refused the request: ${error.name}: ${error.message}`;
}
