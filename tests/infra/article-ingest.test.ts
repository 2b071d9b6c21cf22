import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesisedStack, synthesiseDigestStack } from '../support/synth.ts';

let stack: SynthesisedStack;

beforeAll(() => {
  stack = synthesiseDigestStack({ alarmEmail: 'ops@example.com', sending: { enabled: false } });
}, 120_000);

describe('article store and ingest infrastructure', () => {
  it('keeps articles in a private, encrypted, versioned, logged bucket that survives stack deletion', () => {
    const { template } = stack;
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'articles/' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]),
        },
      },
    });
    for (const policy of Object.values(stack.template.findResources('AWS::S3::BucketPolicy'))) {
      expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('lets S3 deliver the access logs by bucket policy, for the articles bucket of this account only, not by ACL', () => {
    // Assess: @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy from cdk.json, which the test synth loads as `cdk synth` does
    const { template } = stack;
    const buckets = template.findResources('AWS::S3::Bucket');
    const logsId = Object.keys(buckets).find((id) => id.startsWith('ArticleIngestAccessLogs'));
    const articlesId = Object.keys(buckets).find((id) => id.startsWith('ArticleIngestArticles'));
    expect(logsId && buckets[logsId]?.Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logsId, 'Arn'] }, '/articles/*']] },
            Condition: {
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [articlesId, 'Arn'] } },
              StringEquals: { 'aws:SourceAccount': '123456789012' },
            },
          },
        ]),
      },
    });
  });

  it('notifies the queue of every create and delete under incoming/, with no suffix filter', () => {
    const [notifications] = Object.values(stack.template.findResources('Custom::S3BucketNotifications'));
    const configs = notifications?.Properties.NotificationConfiguration.QueueConfigurations as {
      Events: string[];
      Filter: { Key: { FilterRules: { Name: string; Value: string }[] } };
    }[];
    const seen = configs.map((c) => {
      const rules = Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name, r.Value]));
      return `${c.Events.join()} ${JSON.stringify(rules)}`;
    });
    // A suffix rule is case-sensitive in S3: "Story.TXT" would never reach the handler.
    expect(seen.sort()).toEqual([
      's3:ObjectCreated:* {"prefix":"incoming/"}',
      's3:ObjectRemoved:* {"prefix":"incoming/"}',
    ]);
  });

  it('queues uploads encrypted, HTTPS only, from this bucket and account only, with a DLQ after 5 receives (the least AWS advises for a Lambda source: throttled receives count too)', () => {
    const { template } = stack;
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: {
              ArnEquals: { 'aws:SourceArn': Match.anyValue() },
              StringEquals: { 'aws:SourceAccount': '123456789012' },
            },
          }),
        ]),
      },
    });
  });

  it('indexes articles in an on-demand, encrypted table with point-in-time recovery and an ingest-day index', () => {
    stack.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        KeySchema: [{ AttributeName: 'objectId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'byIngestDay',
            KeySchema: [
              { AttributeName: 'ingestDay', KeyType: 'HASH' },
              { AttributeName: 'ingestedAt', KeyType: 'RANGE' },
            ],
          }),
        ],
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      },
    });
  });

  it('runs the ingest Lambda on Node.js 24 arm64 from the queue with partial batch failures', () => {
    const { template } = stack;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          ARTICLES_BUCKET: Match.anyValue(),
          ARTICLE_INDEX_TABLE: Match.anyValue(),
          MAX_ARTICLE_BYTES: '1048576',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('alarms on dead letters, errors, throttles and rejections to the encrypted alarm topic', () => {
    const { template } = stack;
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const metrics = alarms.map((a) => a.MetricName).sort();
    expect(metrics).toEqual(
      expect.arrayContaining([
        'ApproximateNumberOfMessagesVisible',
        'ArticlesRejected',
        'Errors',
        'Throttles',
      ]),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions).toHaveLength(1);
  });

  it('grants no wildcard actions', () => {
    const policies = Object.values(stack.template.findResources('AWS::IAM::Policy'));
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions with every suppression naming its rule, resource and reason', () => {
    const nag = stack.report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.violations).toEqual([]);
    for (const suppressed of nag?.suppressedViolations ?? []) {
      expect(suppressed.acknowledgedId).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+/);
      expect(suppressed.violatingConstructs.map((c) => c.constructPath)).not.toEqual([]);
      expect(suppressed.reason.length).toBeGreaterThan(30);
    }
  });

  it('bundles the ingest handler under 5 MB into a file that loads in a fresh Node process, its stack traces in the sources', async () => {
    const bundle = join(stack.bundleDir('ArticleIngestHandlerFunction'), 'index.mjs');
    expect(statSync(bundle).size).toBeLessThan(5 * 1024 * 1024);
    const env = {
      AWS_REGION: 'eu-west-1',
      ARTICLES_BUCKET: 'articles',
      ARTICLE_INDEX_TABLE: 'index',
      MAX_ARTICLE_BYTES: '1048576',
    };

    const loaded = await stack.loadBundle('ArticleIngestHandlerFunction', env);
    const misconfigured = stack.loadBundle('ArticleIngestHandlerFunction', {
      ...env,
      ARTICLE_INDEX_TABLE: '',
    });

    expect(loaded).toBe('function');
    await expect(misconfigured).rejects.toThrow(/invalid Lambda environment[\s\S]*ARTICLE_INDEX_TABLE/);
    // The stack names the TypeScript sources without NODE_OPTIONS (src/adapters/lazy-source-maps.ts).
    await expect(misconfigured).rejects.toThrow(
      /\n\s+at \S+ \((\S+\/)?src\/handlers\/environment\.ts:\d+:\d+\)/,
    );
  });
});
