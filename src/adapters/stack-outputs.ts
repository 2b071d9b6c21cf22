/** The name `infra/app.ts` deploys the stack under, and the one the `digest` commands look up by default. */
export const DEFAULT_STACK_NAME = 'NewsletterDigest';

/**
 * The stack outputs the `digest` commands read (`DescribeStacks`), by output key: what `infra/digest-stack.ts`
 * writes and `src/cli/aws-options.ts` reads, so neither can name an output the other lacks.
 */
export const STACK_OUTPUTS = {
  ArticlesBucketName: 'articles bucket: uploads under incoming/, normalised articles, digests under digests/',
  ArticleIndexTableName: 'article index table',
  DigestsTableName: 'digests table (records, window leases, pause flag)',
  ApprovedQueueUrl: '"digest approved" queue that sending consumes',
  DigestFunctionName: 'digest Lambda (digest run-now)',
  SubscriberTableName: 'subscriber table',
  KeySecretArn: 'Secrets Manager secret of the link-signing keys',
  HashKeySecretArn: 'Secrets Manager secret of the address-hash key (suppression and complaint marks)',
  ConfigurationSetName: 'SES configuration set',
  LinkBase: 'https:// base of subscriber links (the subscription endpoint)',
  NewsletterName: 'newsletter name: the From display name and the name in confirmation mails',
  SenderAddress: 'verified SES sender address (absent without a sender)',
  ReplyTo: 'Reply-To address of digests (absent without one)',
  ListId: 'List-Id of digests (absent when sending is disabled)',
  LedgerTableName: 'send ledger table (absent when sending is disabled)',
} as const;

export type StackOutputKey = keyof typeof STACK_OUTPUTS;
