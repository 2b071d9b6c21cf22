import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '../../src/adapters/stack-outputs.ts';
import { STACK_RESOURCES } from '../../src/cli/aws-options.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { SENDING_EMAIL, type SynthesisedStack, synthesiseDigestStack } from '../support/synth.ts';

let stack: SynthesisedStack;

beforeAll(() => {
  stack = synthesiseDigestStack({
    subscribers: { senderAddress: 'digest@example.com' },
    email: SENDING_EMAIL,
  });
}, 180_000);

/** The logical id of the resource whose construct path is exactly `path` (CDK appends an 8-digit hash). */
const logicalIdOf = (type: string, path: string) => {
  const id = Object.keys(stack.template.findResources(type)).find((k) =>
    new RegExp(`^${path}[0-9A-F]{8}$`).test(k),
  );
  if (!id) throw new Error(`no ${type} ${path}`);
  return id;
};

/**
 * The project's own Lambda functions: every one but CDK's BucketNotificationsHandler, the custom resource
 * aws-s3 deploys to configure bucket notifications.
 */
const projectFunctions = () =>
  Object.fromEntries(
    Object.entries(stack.template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('BucketNotificationsHandler'),
    ),
  );

describe('the whole stack with a sender configured', () => {
  it('outputs, under fixed keys, every resource a digest command reads from the stack', () => {
    // Assess: each key names what it says, so `digest … --stack NAME` finds it with DescribeStacks
    const outputs = stack.template.toJSON().Outputs as Record<
      string,
      { Value: unknown; Description: string }
    >;
    const ref = (type: string, path: string) => ({ Ref: logicalIdOf(type, path) });
    expect(outputs.DigestsTableName?.Value).toEqual(
      ref('AWS::DynamoDB::GlobalTable', 'ScheduledDigestDigests'),
    );
    expect(outputs.ArticlesBucketName?.Value).toEqual(ref('AWS::S3::Bucket', 'ArticleIngestArticles'));
    expect(outputs.SubscriberTableName?.Value).toEqual(ref('AWS::DynamoDB::GlobalTable', 'SubscribersTable'));
    expect(outputs.LedgerTableName?.Value).toEqual(ref('AWS::DynamoDB::GlobalTable', 'SendingLedger'));
    expect(outputs.SenderAddress?.Value).toBe('digest@example.com');
    expect(outputs.ListId?.Value).toBe('digest.example.com');
    expect(outputs.NewsletterName?.Value).toBe('Morning Brief');
    // Every resource the commands may look up is an output (ReplyTo only when one is configured).
    const read = Object.values(STACK_RESOURCES).map((r) => r.output);
    expect(read.filter((key) => key !== 'ReplyTo' && !outputs[key])).toEqual([]);
    for (const key of Object.keys(STACK_OUTPUTS).filter((k) => outputs[k]))
      expect(outputs[key]?.Description).toBe(STACK_OUTPUTS[key as keyof typeof STACK_OUTPUTS]);
  });

  it('feeds the digest Lambda’s approved queue to the sender’s fan-out, with no queue of its own', () => {
    // Assess
    const approved = logicalIdOf('AWS::SQS::Queue', 'ScheduledDigestApproved');
    stack.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [approved, 'Arn'] },
      FunctionName: { Ref: logicalIdOf('AWS::Lambda::Function', 'SendingFanoutFunction') },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(
      Object.keys(stack.template.findResources('AWS::SQS::Queue')).some((id) =>
        id.startsWith('SendingSendRequests'),
      ),
    ).toBe(false);
  });

  it('keeps the approved queue invisible for six times the fan-out timeout', () => {
    // Assess
    const approved =
      stack.template.findResources('AWS::SQS::Queue')[
        logicalIdOf('AWS::SQS::Queue', 'ScheduledDigestApproved')
      ];
    const fanout =
      stack.template.findResources('AWS::Lambda::Function')[
        logicalIdOf('AWS::Lambda::Function', 'SendingFanoutFunction')
      ];
    expect(approved?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fanout?.Properties.Timeout);
  });

  it('lets the sender read digests from the articles bucket', () => {
    // Assess
    const bucket = logicalIdOf('AWS::S3::Bucket', 'ArticleIngestArticles');
    stack.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ARCHIVE_BUCKET: { Ref: bucket } } },
    });
  });

  it('renders with the operator’s email settings in the digest Lambda and the send worker', () => {
    // Assess
    const functions = Object.values(stack.template.findResources('AWS::Lambda::Function'));
    const settings = functions.flatMap((f) => {
      const json = f.Properties.Environment?.Variables?.EMAIL_SETTINGS;
      return typeof json === 'string' ? [JSON.parse(json)] : [];
    });
    expect(settings).toHaveLength(2);
    for (const s of settings) {
      expect(s.footer.postalAddress).toEqual(['Morning Brief Ltd', ...SENDING_EMAIL.postalAddress]);
    }
  });

  it('lets the send worker read archived digests only: GetObject on digests/*, no listing', () => {
    // Assess
    const bucket = logicalIdOf('AWS::S3::Bucket', 'ArticleIngestArticles');
    const worker = logicalIdOf('AWS::Lambda::Function', 'SendingWorkerFunction');
    const role =
      stack.template.findResources('AWS::Lambda::Function')[worker]?.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(stack.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const s3 = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/digests/*']] },
      }),
    ]);
  });

  it('builds every Lambda the same way: Node.js 24 on arm64, no NODE_OPTIONS, its own log group kept a month', () => {
    // Prepare
    const functions = projectFunctions();
    const logGroups = stack.template.findResources('AWS::Logs::LogGroup');

    // Act
    const shapes = Object.values(functions).map((fn) => ({
      runtime: fn.Properties.Runtime,
      architectures: fn.Properties.Architectures,
      nodeOptions: fn.Properties.Environment.Variables.NODE_OPTIONS,
      retention: logGroups[fn.Properties.LoggingConfig.LogGroup.Ref]?.Properties.RetentionInDays,
    }));

    // Assess: ingest, digest, endpoint, signup worker, feedback, fan-out and send worker.
    expect(shapes).toHaveLength(7);
    for (const shape of shapes) {
      expect(shape).toEqual({
        runtime: 'nodejs24.x',
        architectures: ['arm64'],
        nodeOptions: undefined,
        retention: 30,
      });
    }
  });

  it('alarms on errors and throttles of every Lambda, to the alarm topic', () => {
    // Prepare
    const alarms = Object.values(stack.template.findResources('AWS::CloudWatch::Alarm'));

    // Act
    const alarmed = (metricName: string) =>
      alarms
        .filter((a) => a.Properties.MetricName === metricName && a.Properties.Namespace === 'AWS/Lambda')
        .filter((a) => a.Properties.AlarmActions?.length === 1)
        .map((a) => a.Properties.Dimensions[0].Value.Ref)
        .sort();

    // Assess
    const ids = Object.keys(projectFunctions()).sort();
    expect(alarmed('Errors')).toEqual(ids);
    expect(alarmed('Throttles')).toEqual(ids);
  });

  it('alarms on every dead-letter and failure queue, to the alarm topic', () => {
    // Prepare: every queue a redrive policy, a Lambda DLQ, an on-failure destination or a schedule points to.
    const queueIds = new Set(Object.keys(stack.template.findResources('AWS::SQS::Queue')));
    const deadLetterQueues = new Set<string>();
    const walk = (node: unknown, path: string): void => {
      // Arrays too: their entries are keyed "0", "1", ...
      if (node && typeof node === 'object') {
        const getAtt = (node as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        if (getAtt && queueIds.has(getAtt[0]) && /deadLetter|OnFailure/i.test(path))
          deadLetterQueues.add(getAtt[0]);
        for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`);
      }
    };
    walk(stack.template.toJSON().Resources, '');

    // Act
    const alarmed = Object.values(stack.template.findResources('AWS::CloudWatch::Alarm'))
      .filter((a) => a.Properties.Namespace === 'AWS/SQS' && a.Properties.AlarmActions?.length === 1)
      .map((a) => a.Properties.Dimensions[0].Value['Fn::GetAtt'][0]);

    // Assess
    expect(deadLetterQueues.size).toBeGreaterThanOrEqual(7);
    expect([...deadLetterQueues].filter((id) => !alarmed.includes(id))).toEqual([]);
  });

  it('lets CloudWatch publish to the encrypted alarm topic and use its key, for this account’s alarms only', () => {
    // Prepare
    const topic = logicalIdOf('AWS::SNS::Topic', 'AlarmsTopic');
    const key = logicalIdOf('AWS::KMS::Key', 'AlarmsKey');
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': '123456789012' },
      ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
    };

    // Act
    const statementsFor = (document: { Statement: { Principal?: { Service?: string } }[] }) =>
      document.Statement.filter((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    const [topicPolicy] = Object.values(stack.template.findResources('AWS::SNS::TopicPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([{ Ref: topic }]),
    );
    const keyPolicy = stack.template.findResources('AWS::KMS::Key')[key]?.Properties.KeyPolicy;

    // Assess: the topic policy replaces SNS's default one, so without its Allow CloudWatch could not publish at all
    expect(statementsFor(topicPolicy?.Properties.PolicyDocument)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: ownAlarms,
      }),
    ]);
    expect(statementsFor(keyPolicy)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: ownAlarms,
      },
    ]);
    // Every alarm of the stack notifies that topic.
    const actions = Object.values(stack.template.findResources('AWS::CloudWatch::Alarm')).flatMap(
      (a) => a.Properties.AlarmActions ?? [],
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => JSON.stringify(a) !== JSON.stringify({ Ref: topic }))).toEqual([]);
  });

  it('leaves no KMS key behind on cdk destroy: the keys only encrypt SNS messages in transit', () => {
    // Prepare
    const keys = Object.entries(stack.template.findResources('AWS::KMS::Key'));

    // Act
    const kept = keys.filter(([, key]) => key.DeletionPolicy !== 'Delete').map(([id]) => id);

    // Assess
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(kept).toEqual([]);
  });

  it('gives every Lambda a role of its own with no managed policy, writing only its own log group', () => {
    // Prepare
    const roles = stack.template.findResources('AWS::IAM::Role');
    const policies = Object.values(stack.template.findResources('AWS::IAM::Policy'));

    // Act
    const perFunction = Object.values(projectFunctions()).map((fn) => {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(
          (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        );
      const logWrites = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('logs:')));
      return {
        managed: roles[roleId]?.Properties.ManagedPolicyArns,
        logResources: logWrites.map((st) => JSON.stringify(st.Resource)),
        logGroup: fn.Properties.LoggingConfig.LogGroup.Ref as string,
      };
    });

    // Assess
    expect(perFunction).toHaveLength(7);
    for (const { managed, logResources, logGroup } of perFunction) {
      expect(managed).toBeUndefined();
      expect(logResources).toEqual([JSON.stringify({ 'Fn::GetAtt': [logGroup, 'Arn'] })]);
    }
  });

  it('grants each function only the table, secret and queue calls its code makes', () => {
    // Prepare: each grant as "action resource", resources by construct path (CDK's 8-digit hash left off)
    const policies = Object.values(stack.template.findResources('AWS::IAM::Policy'));
    const functions = stack.template.findResources('AWS::Lambda::Function');
    const short = (resource: unknown): string => {
      if (typeof resource === 'string') return resource;
      const node = resource as {
        Ref?: string;
        'Fn::GetAtt'?: [string, string];
        'Fn::Join'?: [string, unknown[]];
      };
      if (node.Ref) return node.Ref.replace(/[0-9A-F]{8}$/, '');
      if (node['Fn::GetAtt']) return node['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, '');
      if (node['Fn::Join']) return node['Fn::Join'][1].map(short).join('');
      return JSON.stringify(resource);
    };
    const grantsOf = (path: string, service: string) => {
      const roleId = functions[logicalIdOf('AWS::Lambda::Function', path)]?.Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
        .flatMap((st) =>
          [st.Action].flat().flatMap((action) => [st.Resource].flat().map((r) => `${action} ${short(r)}`)),
        )
        .filter((grant) => grant.startsWith(`${service}:`))
        .sort();
    };

    // Act
    const tables = {
      endpoint: grantsOf('SubscribersEndpointFunction', 'dynamodb'),
      signupWorker: grantsOf('SubscribersSignupWorkerFunction', 'dynamodb'),
      feedback: grantsOf('SubscribersFeedbackFunction', 'dynamodb'),
    };
    const secrets = {
      endpoint: grantsOf('SubscribersEndpointFunction', 'secretsmanager'),
      signupWorker: grantsOf('SubscribersSignupWorkerFunction', 'secretsmanager'),
      feedback: grantsOf('SubscribersFeedbackFunction', 'secretsmanager'),
      sendWorker: grantsOf('SendingWorkerFunction', 'secretsmanager'),
    };
    const sends = {
      endpoint: grantsOf('SubscribersEndpointFunction', 'sqs'),
      fanout: grantsOf('SendingFanoutFunction', 'sqs').filter((g) => g.endsWith(' SendingSendQueue')),
    };

    // Assess: item calls on the table itself, Query on the one index the code queries, never the table's index/*
    const item = (action: string, table = 'SubscribersTable') => `dynamodb:${action} ${table}`;
    const byEmail = 'dynamodb:Query SubscribersTable/index/byEmail';
    expect(tables).toEqual({
      endpoint: [item('DeleteItem'), item('GetItem'), item('PutItem'), byEmail, item('UpdateItem')],
      signupWorker: [item('GetItem'), item('PutItem'), byEmail, item('UpdateItem')],
      feedback: [
        item('GetItem'),
        item('PutItem'),
        'dynamodb:Query SendingLedger/index/byMessageId',
        byEmail,
        item('UpdateItem', 'SendingLedger'),
      ],
    });
    // GetSecretValue, the one call (no DescribeSecret), on the secrets each handler's environment names
    expect(secrets).toEqual({
      endpoint: [
        'secretsmanager:GetSecretValue SubscribersHashKey',
        'secretsmanager:GetSecretValue SubscribersTokenKeys',
      ],
      signupWorker: [
        'secretsmanager:GetSecretValue SubscribersHashKey',
        'secretsmanager:GetSecretValue SubscribersTokenKeys',
      ],
      feedback: ['secretsmanager:GetSecretValue SubscribersHashKey'],
      sendWorker: [
        'secretsmanager:GetSecretValue SubscribersHashKey',
        'secretsmanager:GetSecretValue SubscribersTokenKeys',
      ],
    });
    // SendMessage (SendMessageBatch's permission too), no GetQueueAttributes or GetQueueUrl: the URL is in the environment
    expect(sends).toEqual({
      endpoint: ['sqs:SendMessage SubscribersSignupQueue'],
      fanout: ['sqs:SendMessage SendingSendQueue'],
    });
  });

  it('encrypts every bucket, queue, topic and table, and refuses plain HTTP to every bucket, queue and topic', () => {
    // Prepare
    const resources = (type: string) => stack.template.findResources(type);
    const refusesPlainHttp = (policyType: string, targets: string, id: string) =>
      Object.values(resources(policyType)).some(
        (policy) =>
          JSON.stringify(policy.Properties[targets]).includes(`"${id}"`) &&
          (policy.Properties.PolicyDocument.Statement as { Effect: string; Condition?: unknown }[]).some(
            (st) =>
              st.Effect === 'Deny' &&
              JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
          ),
      );

    // Act
    const unencrypted = [
      ...Object.entries(resources('AWS::S3::Bucket')).filter(([, b]) => !b.Properties.BucketEncryption),
      ...Object.entries(resources('AWS::SQS::Queue')).filter(
        ([, q]) => !q.Properties.SqsManagedSseEnabled && !q.Properties.KmsMasterKeyId,
      ),
      ...Object.entries(resources('AWS::SNS::Topic')).filter(([, t]) => !t.Properties.KmsMasterKeyId),
      ...Object.entries(resources('AWS::DynamoDB::GlobalTable')).filter(
        ([, t]) => t.Properties.SSESpecification?.SSEEnabled !== true,
      ),
    ].map(([id]) => id);
    const plainHttp = [
      ...Object.keys(resources('AWS::S3::Bucket')).filter(
        (id) => !refusesPlainHttp('AWS::S3::BucketPolicy', 'Bucket', id),
      ),
      ...Object.keys(resources('AWS::SQS::Queue')).filter(
        (id) => !refusesPlainHttp('AWS::SQS::QueuePolicy', 'Queues', id),
      ),
      ...Object.keys(resources('AWS::SNS::Topic')).filter(
        (id) => !refusesPlainHttp('AWS::SNS::TopicPolicy', 'Topics', id),
      ),
    ];

    // Assess: the stack with sending and the archive site has 3 buckets, 11 queues, 2 topics and 4 tables
    expect(
      ['AWS::S3::Bucket', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::DynamoDB::GlobalTable'].map(
        (type) => Object.keys(resources(type)).length,
      ),
    ).toEqual([3, 11, 2, 4]);
    expect(unencrypted).toEqual([]);
    expect(plainHttp).toEqual([]);
  });

  it('stays clean under cdk-nag AwsSolutions', () => {
    // Assess
    const nag = stack.report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.violations).toEqual([]);
  });
});

describe('the whole stack with settings too long for a Lambda environment', () => {
  it('stops the synth naming the function and its longest variables, not the deploy', () => {
    // Prepare: every email field and the note at their longest; Lambda refuses an environment over 4 KB.
    const long = (n: number) => 'x'.repeat(n);
    const config = {
      sending: { enabled: false },
      email: { organisation: long(200), postalAddress: Array(8).fill(long(200)), reason: long(500) },
      digest: { title: long(200), intro: long(1500) },
    };

    // Act
    const synth = () => synthesiseDigestStack(config);

    // Assess
    expect(synth).toThrow(ConfigError);
    expect(synth).toThrow(
      /ScheduledDigest.*environment.*over Lambda's 4 KB.*EMAIL_SETTINGS \(\d+\), DIGEST_INTRO \(1500\)/,
    );
  });
});
