import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/**
 * SendMessage (which SendMessageBatch needs too) on the queue, and nothing else: the handlers know the queue's URL
 * from their environment, so CDK's grantSendMessages adds GetQueueAttributes and GetQueueUrl that no code calls.
 */
export function grantSendOnly(queue: IQueue, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }),
  );
  queue.encryptionMasterKey?.grantEncryptDecrypt(grantee);
}

/** GetSecretValue on the secret, the one call the handlers make (CDK's grantRead adds DescribeSecret). */
export function grantSecretValue(secret: ISecret, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
  secret.encryptionKey?.grantDecrypt(grantee);
}
