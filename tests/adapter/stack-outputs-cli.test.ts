import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StackOutputKey } from '../../src/adapters/stack-outputs.ts';
import { registerOperations } from '../../src/cli/commands/operations.ts';
import { registerSend } from '../../src/cli/commands/send.ts';
import { registerSubscribers } from '../../src/cli/commands/subscribers.ts';
import { UsageError } from '../../src/core/errors.ts';
import { encodeTagValue } from '../../src/core/sending/tags.ts';
import { motoClientConfig } from '../support/aws.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';
import { busyDigest } from '../support/digests.ts';
import { LINK_BASE, LIST_ID, sendingStack } from '../support/sending.ts';
import { KEY_SECRET, mailsTo, SENDER, subscriberStack } from '../support/subscribers.ts';

const run = promisify(execFile);

/**
 * A CloudFormation stack in moto that owns a digests table and names the other resources in its outputs, as
 * DigestStack's outputs do: the commands below get nothing but its name.
 */
async function deployStack(stackName: string, outputs: Partial<Record<StackOutputKey, string>>) {
  const template = {
    Resources: {
      Digests: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: `${stackName}-digests`,
          AttributeDefinitions: [{ AttributeName: 'digestId', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'digestId', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        },
      },
    },
    Outputs: {
      DigestsTableName: { Value: { Ref: 'Digests' } },
      ...Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
    },
  };
  await new CloudFormationClient(motoClientConfig()).send(
    new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }),
  );
  return { digestsTable: `${stackName}-digests` };
}

describe('digest commands find the stack resources from the stack name alone (moto)', () => {
  let subscribers: Awaited<ReturnType<typeof subscriberStack>>;
  let sending: Awaited<ReturnType<typeof sendingStack>>;
  let stackName: string;
  let connection: string[];

  beforeAll(async () => {
    subscribers = await subscriberStack('stack-cli', KEY_SECRET);
    sending = await sendingStack(subscribers, busyDigest(2));
    stackName = `digest-cli-${Date.now()}`;
    const { digestsTable } = await deployStack(stackName, {
      ArticlesBucketName: sending.bucket,
      SubscriberTableName: subscribers.table,
      KeySecretArn: subscribers.secretArn,
      HashKeySecretArn: subscribers.hashKeyArn,
      SenderAddress: SENDER,
      NewsletterName: 'Morning Brief',
      LinkBase: LINK_BASE,
      ListId: LIST_ID,
    });
    // The archived digest's record, as the scheduled run leaves it.
    await DynamoDBDocumentClient.from(subscribers.dynamo).send(
      new PutCommand({
        TableName: digestsTable,
        Item: {
          digestId: sending.digestId,
          windowStart: '2026-11-22T07:00:00.000Z',
          windowEnd: '2026-11-23T07:00:00.000Z',
          state: 'approved',
          archivePrefix: sending.digestKey.replace(/digest\.json$/, ''),
          updatedAt: '2026-11-23T07:01:00.000Z',
        },
      }),
    );
    connection = ['--endpoint', motoClientConfig().endpoint, '--region', 'us-east-1'];
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Runs `digest …` in-process and returns what it printed, or the error it failed with. */
  async function digest(...args: string[]) {
    const { out, error } = await runDigestInProcess(
      [registerSend, registerSubscribers, registerOperations],
      [...args, ...connection],
    );
    return { out: out.join('\n'), error };
  }

  it('send-test finds the archive, the digest key and the sender identity in the stack outputs', async () => {
    // Prepare
    const editor = `stack-editor-${Date.now()}@news.example.org`;

    // Act
    const { out, error } = await digest('send-test', sending.digestId, '--to', editor, '--stack', stackName);

    // Assess
    expect(error).toBeUndefined();
    expect(out).toContain(`sent a test copy of ${sending.digestId} to ${editor}`);
    const [mail] = await mailsTo(editor);
    expect(mail?.from?.value).toEqual([{ name: 'Morning Brief', address: SENDER }]);
    expect(mail?.headers.get('list')).toMatchObject({ id: { name: 'Morning Brief', id: LIST_ID } });
    expect(mail?.headers.get('x-digest-id')).toBe(encodeTagValue(sending.digestId));
  });

  it('subscribers finds its table in the stack outputs; a flag or variable overrides an output', async () => {
    // Prepare
    const email = `stack-${Date.now()}@import.example.net`;

    // Act
    const added = await digest('subscribers', '--stack', stackName, 'add', email, '--consented');
    const listed = await digest('subscribers', '--stack', stackName, 'list', '--status', 'active');
    vi.stubEnv('SUBSCRIBER_TABLE', 'no-such-table');
    const overridden = await digest('subscribers', '--stack', stackName, 'list');

    // Assess
    expect(added).toEqual({ out: `${email}: active`, error: undefined });
    expect(listed.out).toContain(email);
    expect(overridden.error).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('the built CLI pauses and reports status with --stack alone', async () => {
    // Act: the real bin/digest.js in its own process, as an operator runs it
    const cli = (...args: string[]) =>
      run(process.execPath, ['bin/digest.js', ...args, '--stack', stackName, ...connection], {
        env: { PATH: process.env.PATH, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
      });
    const paused = await cli('pause');
    const status = await cli('status');
    const resumed = await cli('resume');

    // Assess
    expect(paused.stdout).toBe('digests are paused\n');
    expect(status.stdout).toContain('digests are PAUSED');
    expect(status.stdout).toMatch(new RegExp(`${sending.digestId} .* approved`));
    expect(resumed.stdout).toBe('digests are running\n');
  });

  it('names the flag, the variable and the stack when none of them gives a resource', async () => {
    // Act
    const missingStack = await digest('pause', '--stack', 'no-such-stack');
    const missingOutput = await digest('run-now', '--stack', stackName);

    // Assess
    expect(missingStack.error).toBeInstanceOf(UsageError);
    expect(String(missingStack.error)).toContain(
      '--digests-table is required: pass it, set DIGESTS_TABLE, or name a deployed stack with --stack (stack no-such-stack does not exist)',
    );
    expect(missingOutput.error).toBeInstanceOf(UsageError);
    expect(String(missingOutput.error)).toContain(
      `--function is required: pass it, set DIGEST_FUNCTION, or name a deployed stack with --stack (stack ${stackName} has no output DigestFunctionName)`,
    );
  });
});
