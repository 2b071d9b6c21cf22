import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ScheduledDigest } from '../../infra/constructs/scheduled-digest.ts';
import type { DigestHandlerResult } from '../../src/handlers/digest.ts';
import { testApp } from '../support/cdk-context.ts';
import {
  approvedMessages,
  createDigestResources,
  digestLambdaEnvironment,
} from '../support/digest-resources.ts';
import { createIngestResources, ingestHandler, seeds, upload } from '../support/ingest-resources.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';
import { type SynthesisedStack, synthesiseDigestStack } from '../support/synth.ts';

let stack: SynthesisedStack;

beforeAll(() => {
  stack = synthesiseDigestStack({
    digest: {
      schedule: 'cron(0 6 ? * MON *)',
      timeZone: 'Europe/London',
      sendMode: 'review',
      intro: 'From the desk.',
    },
    sending: { enabled: false },
  });
}, 120_000);

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const logicalIdOf = (type: string, prefix: string) => {
  const id = Object.keys(stack.template.findResources(type)).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}*`);
  return id;
};

describe('scheduled digest infrastructure', () => {
  it('schedules the digest Lambda by cron in the configured time zone with the scheduled time as input', () => {
    const dlq = logicalIdOf('AWS::SQS::Queue', 'ScheduledDigestScheduleDeadLetters');
    stack.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf('AWS::Lambda::Function', 'ScheduledDigestHandler'), 'Arn'] },
        Input: JSON.stringify({ action: 'run', scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      },
    });
  });

  it('settles review deadlines every 15 minutes in review mode', () => {
    stack.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: Match.objectLike({ Input: JSON.stringify({ action: 'settle-reviews' }) }),
    });
    stack.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SEND_MODE: 'review',
          WINDOW_HOURS: '168',
          LEASE_SECONDS: '360',
          DIGEST_INTRO: 'From the desk.',
        }),
      },
    });
  });

  it('has a run read the index only once an ingest started before its window ended has written: 30 + 30 s', () => {
    stack.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ WINDOW_HOURS: '168', INDEX_SETTLE_SECONDS: '60' }) },
    });
  });

  it('refuses a wait for index writes that leaves a run too little of its timeout', () => {
    const scope = new Stack(testApp());
    const build = () =>
      new ScheduledDigest(scope, 'Digest', {
        alarmTopic: new Topic(scope, 'Alarms'),
        bucket: new Bucket(scope, 'Articles'),
        indexTable: new TableV2(scope, 'Index', {
          partitionKey: { name: 'key', type: AttributeType.STRING },
        }),
        indexSettle: Duration.minutes(5),
      });
    expect(build).toThrow(/indexSettle is 5 minutes: at most 4 minutes/);
  });

  it('sends a run that throws after its retries to the failed-runs queue, which the digest role may only send to', () => {
    const failedRuns = { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'ScheduledDigestFailedRuns'), 'Arn'] };
    stack.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: failedRuns } },
    });
    // Lambda records the failure with SendMessage; nothing reads the queue's attributes or URL for it.
    const role =
      stack.template.findResources('AWS::Lambda::Function')[
        logicalIdOf('AWS::Lambda::Function', 'ScheduledDigestHandler')
      ]?.Properties.Role['Fn::GetAtt'][0];
    const onFailedRuns = Object.values(stack.template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
      .filter((st) => [st.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(failedRuns)));
    expect(onFailedRuns.map((st) => st.Action)).toEqual(['sqs:SendMessage']);
  });

  it('keeps digest records in an on-demand, encrypted table with point-in-time recovery', () => {
    stack.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'digestId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('alarms on failed runs, schedule dead letters and approved-digest dead letters', () => {
    const alarmed = Object.values(stack.template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties.Dimensions?.[0]?.Value?.['Fn::GetAtt']?.[0] as string | undefined)
      .filter(Boolean);
    for (const queue of [
      'ScheduledDigestFailedRuns',
      'ScheduledDigestScheduleDeadLetters',
      'ScheduledDigestApprovedDeadLetters',
    ]) {
      expect(alarmed).toContain(logicalIdOf('AWS::SQS::Queue', queue));
    }
  });

  it('lets the digest role read normalised articles and archived digests, list the bucket, write digests and tag their pages only', () => {
    // Assess
    const bucket = logicalIdOf('AWS::S3::Bucket', 'ArticleIngestArticles');
    const digest = logicalIdOf('AWS::Lambda::Function', 'ScheduledDigestHandler');
    const role =
      stack.template.findResources('AWS::Lambda::Function')[digest]?.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(stack.template.findResources('AWS::IAM::Policy'));
    const statements = policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const under = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, prefix]] });
    const publish = expect.objectContaining({
      Action: 's3:PutObjectTagging',
      Resource: under('/digests/*/digest.html'),
    });
    expect(statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('s3:')))).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: [under('/digests/*'), under('/normalised/*')],
      }),
      // Without ListBucket, S3 answers a GetObject of a missing key (an article replaced while the run reads the
      // window's articles) with 403 AccessDenied, not 404: the run failed instead of leaving it out.
      expect.objectContaining({ Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucket, 'Arn'] } }),
      expect.objectContaining({ Action: 's3:PutObject', Resource: under('/digests/*') }),
      publish,
    ]);
    // No other role of the stack may publish a page.
    const tagging = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[])
      .filter((st) => [st.Action].flat().some((a) => /Tagging/.test(a)));
    expect(tagging).toEqual([publish]);
  });

  it('stays clean under cdk-nag AwsSolutions', () => {
    const nag = stack.report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.violations).toEqual([]);
  });

  it('bundles the digest handler under 5 MB with its templates beside it, and the bundle builds a window against moto', async () => {
    // Prepare
    const dir = stack.bundleDir('ScheduledDigestHandlerFunction');
    expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(5 * 1024 * 1024);
    const r = await createIngestResources();
    const d = await createDigestResources(r);
    const files = await seeds();
    for (const seed of files) await upload(r, `incoming/${seed.name}`, seed.bytes);
    await ingestHandler(r).handler(await receiveAsLambdaEvent(r.sqs, r.queueUrl));
    for (const [name, value] of Object.entries(digestLambdaEnvironment(r, d))) vi.stubEnv(name, value);
    const { handler } = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as {
      handler: (event: unknown) => Promise<DigestHandlerResult>;
    };
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const slot = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);

    // Act: the first call loads the precompiled templates shipped beside the bundle and renders with them.
    const result = await handler({ scheduledTime: slot.toISOString() });

    // Assess
    expect(result.run).toMatchObject({ outcome: 'approved', counts: { articles: files.length } });
    expect((await approvedMessages(r, d)).map((m) => m.digestId)).toEqual([result.run?.digestId]);
  }, 120_000);

  it('leaves out the SDK credential chain beyond the environment, which Lambda never reaches', () => {
    const map = JSON.parse(
      readFileSync(join(stack.bundleDir('ScheduledDigestHandlerFunction'), 'index.mjs.map'), 'utf8'),
    ) as { sources: string[] };
    const packages = new Set(map.sources.map((s) => /@aws-sdk\/(credential-provider-[a-z-]+)/.exec(s)?.[1]));

    expect([...packages].filter(Boolean)).toEqual(['credential-provider-env']);
    expect(map.sources.some((s) => s.includes('nested-clients'))).toBe(false);
  });
});
