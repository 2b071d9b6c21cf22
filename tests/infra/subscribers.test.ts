import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Subscribers } from '../../infra/constructs/subscribers.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import { motoClientConfig } from '../support/aws.ts';
import { testApp } from '../support/cdk-context.ts';
import { KEY_SECRET, subscriberStack } from '../support/subscribers.ts';

function synth(props: ConstructorParameters<typeof Subscribers>[2]) {
  const app = testApp({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'SubscribersTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const subscribers = new Subscribers(stack, 'Subscribers', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, subscribers, template: Template.fromStack(stack) };
}

describe('Subscribers construct with a mail domain', () => {
  let synthesized: ReturnType<typeof synth>;
  let template: Template;

  beforeAll(() => {
    synthesized = synth({ mailDomain: 'news.example.org', newsletterName: 'Morning Brief' });
    template = synthesized.template;
  });

  it('passes the AWS Solutions cdk-nag checks', () => {
    expect(() => synthesized.app.synth()).not.toThrow();
  });

  it('creates an on-demand, encrypted table with point-in-time recovery and an index by email', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byEmail',
          KeySchema: [{ AttributeName: 'emailKey', KeyType: 'HASH' }],
        }),
      ],
    });
  });

  it('serves a public Function URL with both lambda:InvokeFunctionUrl and lambda:InvokeFunction permissions', () => {
    const endpoint = synthesized.stack.getLogicalId(
      synthesized.subscribers.endpoint.function.node.defaultChild as never,
    );
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [endpoint, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
      FunctionName: { 'Fn::GetAtt': [endpoint, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      InvokedViaFunctionUrl: true,
      Principal: '*',
      FunctionName: { 'Fn::GetAtt': [endpoint, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          SENDER_ADDRESS: 'digest@news.example.org',
          NEWSLETTER_NAME: 'Morning Brief',
        }),
      },
    });
  });

  it('sends SES bounce, complaint and delivery events to an encrypted SNS topic that feeds the feedback Lambda', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint', 'delivery'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('FeedbackTopic') } },
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('bounced'),
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FeedbackDeadLetters'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('Feedback'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('prints the feedback dead-letter queue and the feedback function, which a replay of failed SES events needs', () => {
    // Assess: docs/subscribers.md, "Replaying FeedbackDeadLetters", reads them by these key prefixes
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const outputValues = (prefix: string) =>
      Object.entries(outputs)
        .filter(([key]) => key.startsWith(prefix))
        .map(([, output]) => output.Value);
    const logicalId = (type: string, pattern: RegExp) =>
      Object.keys(template.findResources(type)).filter((id) => pattern.test(id));
    expect(outputValues('SubscribersFeedbackDeadLetterQueueUrl')).toEqual(
      logicalId('AWS::SQS::Queue', /^SubscribersFeedbackDeadLetters[0-9A-F]{8}$/).map((id) => ({ Ref: id })),
    );
    expect(outputValues('SubscribersFeedbackFunctionName')).toEqual(
      logicalId('AWS::Lambda::Function', /^SubscribersFeedbackFunction[0-9A-F]{8}$/).map((id) => ({
        Ref: id,
      })),
    );
    expect(outputValues('SubscribersFeedbackDeadLetterQueueUrl')).toHaveLength(1);
  });

  it('creates the domain identity with Easy DKIM and a custom MAIL FROM domain, and prints the DNS records', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'news.example.org',
      DkimAttributes: { SigningEnabled: true },
      MailFromAttributes: { MailFromDomain: 'bounce.news.example.org' },
    });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const values = Object.entries(outputs).map(([id, o]) => [id, JSON.stringify(o.Value)]);
    expect(values.filter(([id]) => id?.includes('DkimRecord'))).toHaveLength(3);
    expect(JSON.stringify(values)).toContain(
      'bounce.news.example.org MX 10 feedback-smtp.eu-west-1.amazonses.com',
    );
    expect(JSON.stringify(values)).toContain('v=spf1 include:amazonses.com ~all');
    expect(JSON.stringify(values)).toContain('_dmarc.news.example.org TXT');
  });

  it('alarms on the account bounce rate over 5 % and complaint rate over 0.1 %', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms as soon as a feedback event or a queued signup waits in its dead-letter queue', () => {
    const { stack, subscribers } = synthesized;
    const signupDeadLetters = subscribers.signupQueue?.deadLetterQueue?.queue;
    expect(signupDeadLetters).toBeDefined();

    for (const queue of [subscribers.feedbackDeadLetters, signupDeadLetters]) {
      const queueId = stack.getLogicalId(queue?.node.defaultChild as never);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('grants no wildcard actions and sends mail only as the configured sender', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
    }
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'ses:SendRawEmail',
        Condition: { StringEquals: { 'ses:FromAddress': 'digest@news.example.org' } },
      }),
    );
  });
});

describe('Subscribers construct: abuse limits', () => {
  let synthesized: ReturnType<typeof synth>;

  beforeAll(() => {
    synthesized = synth({
      senderAddress: 'digest@news.example.org',
      perClientPerHour: 4,
      confirmationsPerHour: 50,
      endpointConcurrency: 3,
    });
  });

  it('expires pending signups and counters by TTL and reserves the endpoint’s concurrency', () => {
    const { template, subscribers, stack } = synthesized;
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Subscriber signup'),
      ReservedConcurrentExecutions: 3,
      Environment: {
        Variables: Match.objectLike({
          SIGNUPS_PER_CLIENT_PER_HOUR: '4',
          CONFIRMATIONS_PER_HOUR: '50',
          SIGNUP_QUEUE_URL: { Ref: stack.getLogicalId(subscribers.signupQueue?.node.defaultChild as never) },
          HASH_KEY_SECRET: { Ref: stack.getLogicalId(subscribers.hashKeySecret.node.defaultChild as never) },
          EDGE_KEY_SECRET: Match.absent(),
        }),
      },
    });
  });

  it('hands signups to a worker Lambda through an encrypted queue with a dead-letter queue', () => {
    const { template, subscribers, stack } = synthesized;
    const worker = stack.getLogicalId(subscribers.signupWorker?.function.node.defaultChild as never);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
    template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('puts CloudFront with a WAF rate-based rule in front when edgeRateLimit is set (us-east-1)', () => {
    const app = testApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'EdgeTest', { env: { account: '123456789012', region: 'us-east-1' } });
    new Subscribers(stack, 'Subscribers', {
      senderAddress: 'digest@news.example.org',
      edgeRateLimit: { requestsPerFiveMinutes: 300 },
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const template = Template.fromStack(stack);
    const report = app.synth();

    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: [
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 300, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
        }),
      ],
    });
    // CloudFront adds the stack's edge key (a generated secret, resolved at deploy) to what it forwards, and
    // the endpoint trusts CloudFront-Viewer-Address only on requests that carry it.
    const [edgeKey] = Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) =>
      id.includes('EdgeKey'),
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: Match.anyValue(),
        Origins: [
          Match.objectLike({
            OriginCustomHeaders: [{ HeaderName: 'x-digest-edge-key', HeaderValue: Match.anyValue() }],
          }),
        ],
      }),
    });
    const origin = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]?.Properties
      .DistributionConfig.Origins[0];
    expect(origin.OriginCustomHeaders[0].HeaderValue).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: edgeKey }, ':SecretString:key::}}']],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Subscriber signup'),
      Environment: { Variables: Match.objectLike({ EDGE_KEY_SECRET: { Ref: edgeKey } }) },
    });
    expect(report).toBeDefined();
    expect(() =>
      synth({ senderAddress: 'digest@news.example.org', edgeRateLimit: { requestsPerFiveMinutes: 300 } }),
    ).toThrow(/edgeRateLimit needs the stack in us-east-1/);
  });
});

describe('Subscribers construct without a mail domain', () => {
  it('creates no identity and leaves signup off, and its bundled endpoint Lambda serves pages', async () => {
    // prepare
    const { app, template } = synth({ retainData: false });
    const assembly = app.synth();
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      String(f.Properties.Description).startsWith('Subscriber signup'),
    );
    const assetDir = join(assembly.directory, String(fn?.Metadata?.['aws:asset:path']));
    const moto = await subscriberStack('bundle', KEY_SECRET);
    const endpoint = motoClientConfig().endpoint;
    vi.stubEnv('AWS_ENDPOINT_URL', endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
    vi.stubEnv('SUBSCRIBER_TABLE', moto.table);
    vi.stubEnv('TOKEN_KEY_SECRET', moto.secretArn);
    vi.stubEnv('HASH_KEY_SECRET', moto.hashKeyArn);
    const { handler } = (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)) as {
      handler: (event: LambdaFunctionURLEvent) => Promise<Exclude<LambdaFunctionURLResult, string>>;
    };
    const event = JSON.parse(
      readFileSync(new URL('../fixtures/function-url/subscribe-post.json', import.meta.url), 'utf8').replace(
        '{{body}}',
        'email=someone%40example.org',
      ),
    ) as LambdaFunctionURLEvent;

    // act
    const signup = await handler(event);
    const get = { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } };
    const form = await handler({ ...event, rawPath: '/subscribe', requestContext: get });
    const token = await new TokenSigner(moto.keys).sign(
      '0b5e7d1c-1111-4222-8333-444455556666',
      'unsubscribe',
      new Date(),
    );
    const unsubscribe = await handler({
      ...event,
      rawPath: '/unsubscribe',
      rawQueryString: `token=${token}`,
      requestContext: get,
    });
    vi.unstubAllEnvs();

    // assess
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
    // With signup off, the form is not offered: the page says signup is closed.
    expect(signup.statusCode).toBe(503);
    expect(form.statusCode).toBe(503);
    expect(form.body).toContain('Signup is closed');
    expect(form.body).not.toContain('<input type="email" name="email"');
    expect(unsubscribe.statusCode).toBe(200);
    expect(unsubscribe.body).toContain('name="List-Unsubscribe" value="One-Click"');
  });
});
