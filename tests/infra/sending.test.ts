import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseStackConfig } from '../../infra/config.ts';
import { Sending, type SendingProps } from '../../infra/constructs/sending.ts';
import { Subscribers } from '../../infra/constructs/subscribers.ts';
import { DigestStack } from '../../infra/digest-stack.ts';
import { createSubscriber } from '../../src/core/subscribers/subscriber.ts';
import { motoClientConfig } from '../support/aws.ts';
import { testApp } from '../support/cdk-context.ts';
import { busyDigest } from '../support/digests.ts';
import { EMAIL_SETTINGS, LINK_BASE, sendingStack, sqsEvent } from '../support/sending.ts';
import { KEY_SECRET, mailsTo, SENDER, subscriberStack } from '../support/subscribers.ts';
import { SENDING_EMAIL } from '../support/synth.ts';

function synth(props: Partial<SendingProps> = {}) {
  // Template assertions only: bundling is skipped here and tested on its own below.
  const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'SendingTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const subscribers = new Subscribers(stack, 'Subscribers', { senderAddress: SENDER });
  const sending = new Sending(stack, 'Sending', {
    subscriberTable: subscribers.table,
    keySecret: subscribers.keySecret,
    hashKeySecret: subscribers.hashKeySecret,
    configurationSet: subscribers.configurationSet,
    linkBase: 'https://subscribe.news.example.org',
    senderAddress: SENDER,
    senderName: 'Morning Brief',
    feedbackFunction: subscribers.feedbackFunction,
    sandboxRecipients: ['editor@news.example.org'],
    emailSettings: EMAIL_SETTINGS,
    retainData: false,
    ...props,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, sending, subscribers, template: Template.fromStack(stack) };
}

/** The role policy statements attached to one function's role. */
interface Statement {
  Action: unknown;
  Resource: unknown;
  Condition?: unknown;
}

function statementsOf(template: Template, stack: Stack, fn: { role?: unknown }): Statement[] {
  const roleId = stack.getLogicalId((fn.role as { node: { defaultChild: never } }).node.defaultChild);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('Sending construct', () => {
  let synthesized: ReturnType<typeof synth>;
  let template: Template;

  beforeAll(() => {
    synthesized = synth();
    template = synthesized.template;
  });

  afterEach(() => vi.unstubAllEnvs());

  it('passes the AWS Solutions cdk-nag checks', () => {
    expect(() => synthesized.app.synth()).not.toThrow();
  });

  it('creates encrypted queues that enforce TLS, with a dead-letter queue behind both', () => {
    const queues = Object.fromEntries(
      Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) => id.startsWith('Sending')),
    );
    expect(Object.keys(queues)).toHaveLength(3);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const dlq = synthesized.stack.getLogicalId(
      synthesized.sending.deadLetterQueue.node.defaultChild as never,
    );
    const redriven = Object.values(queues).filter(
      (q) => q.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] === dlq,
    );
    expect(redriven).toHaveLength(2);
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      // Every queue of the test stack (the Subscribers construct's feedback DLQ too) enforces TLS.
      Object.keys(template.findResources('AWS::SQS::Queue')).length,
    );
  });

  it('caps the send workers with the event source maximum concurrency and reports batch item failures', () => {
    const worker = synthesized.stack.getLogicalId(
      synthesized.sending.worker.function.node.defaultChild as never,
    );
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker },
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Sends recipient batches'),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: { Variables: Match.objectLike({ MAX_WORKERS: '2', LEASE_SECONDS: '300' }) },
    });
  });

  it('keeps the ledger keyed by digest and subscriber, encrypted, with a MessageId index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'digestId', KeyType: 'HASH' },
        { AttributeName: 'subscriberId', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byMessageId' })],
    });
  });

  it('allows ses:SendRawEmail only on the sender identities, the configuration set and sandbox recipients', () => {
    const statements = statementsOf(template, synthesized.stack, synthesized.sending.worker);
    const send = statements.find((s) => JSON.stringify(s).includes('ses:SendRawEmail')) as {
      Resource: unknown[];
      Condition: unknown;
    };
    const resources = JSON.stringify(send.Resource);
    expect(send.Resource).toHaveLength(4);
    expect(resources).toContain(':identity/news.example.org');
    expect(resources).toContain(`:identity/${SENDER}`);
    expect(resources).toContain(':identity/editor@news.example.org');
    expect(resources).toContain(':configuration-set/');
    expect(send.Condition).toEqual({ StringEquals: { 'ses:FromAddress': SENDER } });
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        expect([statement.Action].flat()).not.toContain('*');
      }
    }
  });

  it('lets the send worker and the signup worker read the address-hash key the feedback Lambda and the endpoint use', () => {
    const { stack, subscribers, sending } = synthesized;
    const hashKey = { Ref: stack.getLogicalId(subscribers.hashKeySecret.node.defaultChild as never) };
    const workers = [
      sending.worker.function,
      subscribers.signupWorker?.function,
      subscribers.feedbackFunction.function,
    ];
    for (const fn of workers) {
      if (!fn) throw new Error('no signup worker');
      const id = stack.getLogicalId(fn.node.defaultChild as never);
      expect(template.toJSON().Resources[id].Properties.Environment.Variables.HASH_KEY_SECRET).toEqual(
        hashKey,
      );
      const reads = statementsOf(template, stack, fn).filter((statement) =>
        [statement.Action].flat().includes('secretsmanager:GetSecretValue'),
      );
      expect(reads.flatMap((statement) => [statement.Resource].flat())).toContainEqual(hashKey);
    }
  });

  it('gives each Lambda only its own table actions', () => {
    const { stack, sending, subscribers } = synthesized;
    const actions = (fn: { role?: unknown }) =>
      statementsOf(template, stack, fn).flatMap((s) => [(s as { Action: string | string[] }).Action].flat());
    const dynamo = (fn: { role?: unknown }) => actions(fn).filter((a) => a.startsWith('dynamodb:'));
    expect(dynamo(sending.fanout)).toEqual(['dynamodb:Scan']);
    expect(dynamo(sending.worker).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo(subscribers.feedbackFunction)).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:UpdateItem']),
    );
    expect(actions(sending.fanout)).not.toContain('ses:SendRawEmail');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Marks bounced'),
      Environment: { Variables: Match.objectLike({ LEDGER_TABLE: Match.anyValue() }) },
    });
  });

  it('alarms on the dead-letter queue and on deferred sends', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'NewsletterDigest',
      MetricName: 'QuotaDeferred',
    });
  });

  it('is wired into DigestStack when a sender is configured, and left out when none is', () => {
    const stackWith = (raw: unknown) => {
      // Wiring only: skip bundling (the bundle is tested below).
      const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
      return Template.fromStack(new DigestStack(app, 'Digest', { config: parseStackConfig(raw) }));
    };
    const senders = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
        String(f.Properties.Description).startsWith('Sends recipient batches'),
      );
    expect(senders(stackWith({ subscribers: { senderAddress: SENDER }, email: SENDING_EMAIL }))).toHaveLength(
      1,
    );
    expect(senders(stackWith({ sending: { enabled: false } }))).toHaveLength(0);
    expect(
      senders(stackWith({ subscribers: { senderAddress: SENDER }, sending: { enabled: false } })),
    ).toHaveLength(0);
  }, 120_000);

  it('ships the templates in the worker bundle, which sends a batch against moto', async () => {
    // prepare
    const app = testApp({ context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'SendingBundle', { env: { account: '123456789012', region: 'eu-west-1' } });
    new Sending(stack, 'Sending', {
      subscriberTable: dynamodb.TableV2.fromTableName(stack, 'Subscribers', 'subscribers'),
      keySecret: secretsmanager.Secret.fromSecretNameV2(stack, 'Keys', 'token-keys'),
      hashKeySecret: secretsmanager.Secret.fromSecretNameV2(stack, 'HashKey', 'hash-key'),
      configurationSet: ses.ConfigurationSet.fromConfigurationSetName(stack, 'Set', 'digest-sending'),
      linkBase: LINK_BASE,
      senderAddress: SENDER,
      senderName: 'Morning Brief',
      emailSettings: EMAIL_SETTINGS,
    });
    const assembly = app.synth();
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('Sends recipient batches'),
    );
    const assetDir = join(assembly.directory, String(fn?.Metadata?.['aws:asset:path']));
    const subscribers = await subscriberStack('bundle-send', KEY_SECRET);
    const sending = await sendingStack(subscribers, busyDigest(2));
    const reader = createSubscriber(
      {
        email: `bundle-${Date.now()}@mail.example.com`,
        consent: { source: 'cli', at: new Date().toISOString() },
        confirmed: true,
      },
      new Date(),
    );
    await subscribers.repository.create(reader);
    const environment = {
      AWS_ENDPOINT_URL: motoClientConfig().endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      ...fn?.Properties.Environment.Variables,
      SUBSCRIBER_TABLE: subscribers.table,
      LEDGER_TABLE: sending.ledgerTable,
      SEND_QUEUE_URL: sending.queueUrl,
      ARCHIVE_BUCKET: sending.bucket,
      TOKEN_KEY_SECRET: subscribers.secretArn,
      HASH_KEY_SECRET: subscribers.hashKeyArn,
      LINK_BASE,
      SES_CONFIGURATION_SET: 'digest-sending',
    };
    for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, String(value));
    const { handler } = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)) as {
      handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
    };
    const body = JSON.stringify({
      digestId: sending.digestId,
      digestKey: sending.digestKey,
      subscriberIds: [reader.id],
    });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);

    // act
    const result = await handler(sqsEvent({ messageId: 'bundle-batch', body }));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    const [mail] = await mailsTo(reader.email);
    expect(mail?.subject).toBeTruthy();
    expect(mail?.html).toContain('<html');
    expect(mail?.text).toContain('/unsubscribe?token=');
  }, 120_000);
});
