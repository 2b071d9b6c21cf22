import { StorageError } from '../core/errors.ts';

/**
 * True when an SDK v3 call failed because the resource (object, version) does not exist. A missing bucket is a
 * 404 too, but not a missing object (isMissingBucket): GetObject names it `NoSuchBucket`; HeadObject, whose
 * answer has no body, cannot tell the two apart (`NotFound` either way), so its callers ask HeadBucket.
 */
export function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = (error as { name?: string }).name;
  if (isMissingBucket(error)) return false;
  // 405: HeadObject of a delete marker's version id.
  return status === 404 || status === 405 || name === 'NotFound' || name === 'NoSuchKey';
}

/** True when an S3 call failed because its bucket does not exist (a request with a body to say so). */
export function isMissingBucket(error: unknown): boolean {
  return (error as { name?: string }).name === 'NoSuchBucket';
}

/** The error for a bucket that does not exist, naming it (a misconfigured name, or a bucket deleted). */
export function missingBucket(bucket: string, cause: unknown): StorageError {
  return new StorageError(`S3 bucket ${bucket} does not exist`, { cause });
}

/** True when a DynamoDB conditional write was refused because its condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** Input fields that name what a request is about, and what to call it: `QueueUrl` names the SQS queue. */
const RESOURCE_FIELDS: readonly (readonly [string, string])[] = [
  ['TableName', 'DynamoDB table'],
  ['QueueUrl', 'SQS queue'],
  ['Bucket', 'S3 bucket'],
  ['FunctionName', 'Lambda function'],
  ['SecretId', 'secret'],
  ['StackName', 'CloudFormation stack'],
];

/** Set on an error of a client `namingResources` wrapped: the resource its request named, and AWS's own message. */
const RESOURCE = Symbol('aws resource');

interface NamedResource {
  resource: string;
  message: string;
}

type Handler = (args: { input: object }) => Promise<unknown>;

/** What `namingResources` needs of an SDK v3 client (every one has it). */
interface WithMiddleware {
  middlewareStack: {
    add(middleware: (next: Handler) => Handler, options: { step: 'initialize'; name: string }): void;
  };
}

/**
 * The client, whose failed requests carry the resource they named (a table, queue, bucket, function or secret):
 * AWS's own "Requested resource not found" or "The specified queue does not exist" does not say which one, and a
 * command reaches several. awsProblem names it; and the message of a "does not exist" names it too, for the code
 * that reports a failure by its message ("handing it to sending failed: …").
 */
export function namingResources<C extends WithMiddleware>(client: C): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const input = args.input as Record<string, unknown>;
        const field = RESOURCE_FIELDS.find(([name]) => typeof input[name] === 'string');
        if (field && error instanceof Error && !(RESOURCE in error)) {
          const named: NamedResource = { resource: `${field[1]} ${input[field[0]]}`, message: error.message };
          Object.defineProperty(error, RESOURCE, { value: named });
          if (NO_SUCH_RESOURCE.has(error.name))
            error.message = `${error.message.replace(/\.$/, '')} (${named.resource})`;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'namingResources' },
  );
  return client;
}

/** AWS's names for "the table, queue, bucket, function or secret the request named does not exist". */
const NO_SUCH_RESOURCE = new Set([
  'ResourceNotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NoSuchBucket',
]);

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
  const named = (error as { [RESOURCE]?: NamedResource })[RESOURCE];
  if (named && NO_SUCH_RESOURCE.has(error.name))
    return `${named.resource} does not exist (${error.name}: ${named.message}): check its name, and that the AWS region and account are the stack's`;
  return `AWS refused the request: ${error.name}: ${error.message}`;
}
