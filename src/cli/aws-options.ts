import { type Command, Option } from 'commander';
import { awsProblem, namingResources } from '../adapters/aws-errors.ts';
import { DEFAULT_STACK_NAME, type StackOutputKey } from '../adapters/stack-outputs.ts';
import { UsageError } from '../core/errors.ts';

/** Options every command that talks to AWS shares (see docs/operations.md). */
export interface AwsOptions {
  endpoint?: string;
  region?: string;
  /** The deployed stack whose outputs name the resources no flag or environment variable gave. */
  stack?: string;
}

export function withAwsOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server').env('AWS_ENDPOINT_URL'),
    )
    .addOption(new Option('--region <region>', 'AWS region').env('AWS_REGION'))
    .addOption(
      new Option('--stack <name>', 'deployed stack whose outputs name the resources')
        .env('DIGEST_STACK')
        .default(DEFAULT_STACK_NAME),
    );
}

/** SDK client settings for the options: path-style S3 addressing when an endpoint is given. */
export function clientConfig(options: AwsOptions) {
  return {
    ...(options.region && { region: options.region }),
    ...(options.endpoint && { endpoint: options.endpoint, forcePathStyle: true }),
  };
}

interface StackResource {
  /** The flag, as commander spells it; its attribute is the resource's name. */
  flag: string;
  env: string;
  output: StackOutputKey;
  description: string;
}

/** Every deployed resource a command may need: a flag, else an environment variable, else the stack output. */
export const STACK_RESOURCES = {
  bucket: {
    flag: '--bucket <name>',
    env: 'ARTICLES_BUCKET',
    output: 'ArticlesBucketName',
    description: 'articles bucket, which holds the archive',
  },
  indexTable: {
    flag: '--index-table <name>',
    env: 'ARTICLE_INDEX_TABLE',
    output: 'ArticleIndexTableName',
    description: 'article index table',
  },
  digestsTable: {
    flag: '--digests-table <name>',
    env: 'DIGESTS_TABLE',
    output: 'DigestsTableName',
    description: 'digests table',
  },
  approvedQueueUrl: {
    flag: '--approved-queue-url <url>',
    env: 'APPROVED_QUEUE_URL',
    output: 'ApprovedQueueUrl',
    description: '"digest approved" queue',
  },
  function: {
    flag: '--function <name>',
    env: 'DIGEST_FUNCTION',
    output: 'DigestFunctionName',
    description: 'digest Lambda function name',
  },
  ledgerTable: {
    flag: '--ledger-table <name>',
    env: 'LEDGER_TABLE',
    output: 'LedgerTableName',
    description: 'send ledger table',
  },
  subscriberTable: {
    flag: '--subscriber-table <name>',
    env: 'SUBSCRIBER_TABLE',
    output: 'SubscriberTableName',
    description: 'subscriber table',
  },
  keySecret: {
    flag: '--key-secret <id>',
    env: 'KEY_SECRET',
    output: 'KeySecretArn',
    description: 'Secrets Manager id of the link-signing keys',
  },
  hashKeySecret: {
    flag: '--hash-key-secret <id>',
    env: 'HASH_KEY_SECRET',
    output: 'HashKeySecretArn',
    description: 'Secrets Manager id of the address-hash key',
  },
  configurationSet: {
    flag: '--configuration-set <name>',
    env: 'SES_CONFIGURATION_SET',
    output: 'ConfigurationSetName',
    description: 'SES configuration set',
  },
  linkBase: {
    flag: '--link-base <url>',
    env: 'LINK_BASE',
    output: 'LinkBase',
    description: 'https:// base of the subscription endpoint',
  },
  from: {
    flag: '--from <address>',
    env: 'SENDER_ADDRESS',
    output: 'SenderAddress',
    description: 'verified SES sender',
  },
  fromName: {
    flag: '--from-name <name>',
    env: 'NEWSLETTER_NAME',
    output: 'NewsletterName',
    description: 'display name of the sender',
  },
  replyTo: {
    flag: '--reply-to <address>',
    env: 'REPLY_TO',
    output: 'ReplyTo',
    description: 'Reply-To address',
  },
  listId: {
    flag: '--list-id <id>',
    env: 'LIST_ID',
    output: 'ListId',
    description: 'List-Id, e.g. digest.example.org',
  },
} as const satisfies Record<string, StackResource>;

export type ResourceName = keyof typeof STACK_RESOURCES;
export type ResourceOptions = AwsOptions & { [R in ResourceName]?: string };

/** The option of a resource: `flags` when a command spells it otherwise, the environment variable as a fallback. */
export function resourceOption(
  name: ResourceName,
  flags: string = STACK_RESOURCES[name].flag,
  context = '',
): Option {
  const { env, output, description } = STACK_RESOURCES[name];
  return new Option(flags, `${context}${description} (default: stack output ${output})`).env(env);
}

/** The digests table's option, which every command on deployed digests takes. */
export const digestsTableOption = () => resourceOption('digestsTable');
/** The approved-digests queue's option: where approving a digest hands it to sending. */
export const approvedQueueOption = () => resourceOption('approvedQueueUrl');

/** One DescribeStacks per stack, endpoint and region in a run: the outputs, or why there are none. */
const lookups = new Map<string, Promise<{ outputs: Record<string, string> } | { problem: string }>>();

function stackOutputs(options: AwsOptions) {
  const stack = options.stack ?? DEFAULT_STACK_NAME;
  const key = JSON.stringify([stack, options.endpoint, options.region]);
  let lookup = lookups.get(key);
  if (!lookup) {
    // Loaded only when a command needs a resource no flag or variable gave: `digest --help` never pays for it.
    lookup = Promise.all([
      import('@aws-sdk/client-cloudformation'),
      import('../adapters/cloudformation-stack-outputs.ts'),
    ])
      .then(async ([{ CloudFormationClient }, { readStackOutputs }]) => ({
        outputs: await readStackOutputs(
          namingResources(new CloudFormationClient(clientConfig(options))),
          stack,
        ),
      }))
      .catch((error: Error) => ({
        problem:
          error instanceof UsageError
            ? error.message
            : `stack ${stack}: ${awsProblem(error) ?? `${error.name}: ${error.message}`}`,
      }));
    lookups.set(key, lookup);
  }
  return lookup;
}

/**
 * The named resources: each from its flag or environment variable (commander has put those in `options`), else
 * from the stack's outputs, read only when something is missing. A missing `required` one is a UsageError
 * that says how to give it; a missing `optional` one stays undefined.
 */
export async function stackResources<R extends ResourceName, O extends ResourceName = never>(
  options: ResourceOptions,
  required: readonly R[],
  optional: readonly O[] = [],
): Promise<Record<R, string> & Partial<Record<O, string>>> {
  const resolved: Partial<Record<ResourceName, string>> = {};
  const missing: ResourceName[] = [];
  for (const name of [...required, ...optional]) {
    const given = options[name];
    if (given) resolved[name] = given;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const lookup = await stackOutputs(options);
    for (const name of missing) {
      const value = 'outputs' in lookup ? lookup.outputs[STACK_RESOURCES[name].output] : undefined;
      if (value) resolved[name] = value;
      else if ((required as readonly ResourceName[]).includes(name)) {
        const { flag, env, output } = STACK_RESOURCES[name];
        const why =
          'problem' in lookup
            ? lookup.problem
            : `stack ${options.stack ?? DEFAULT_STACK_NAME} has no output ${output}`;
        throw new UsageError(
          `${flag.split(' ')[0]} is required: pass it, set ${env}, or name a deployed stack with --stack (${why})`,
        );
      }
    }
  }
  return resolved as Record<R, string> & Partial<Record<O, string>>;
}

/** Parses `--window`, the end of a digest window (the schedule's time); default now. */
export function parseWindowEnd(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--window ${text} is not an ISO 8601 date`);
  return date;
}
