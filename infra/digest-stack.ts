import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import { STACK_OUTPUTS, type StackOutputKey } from '../src/adapters/stack-outputs.ts';
import { emailSettingsOf, type StackConfig, senderOf, sendingEnabled } from './config.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { ArticleIngest } from './constructs/article-ingest.ts';
import { DigestArchiveSite } from './constructs/digest-archive-site.ts';
import { ScheduledDigest } from './constructs/scheduled-digest.ts';
import { Sending } from './constructs/sending.ts';
import { Subscribers } from './constructs/subscribers.ts';

export interface DigestStackProps extends StackProps {
  config: StackConfig;
}

/** The whole product in one stack: one construct per capability, wired together here. */
export class DigestStack extends Stack {
  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    const { config } = props;
    const alarms = new AlarmTopic(this, 'Alarms', { alarmEmail: config.alarmEmail });
    const ingest = new ArticleIngest(this, 'ArticleIngest', {
      alarmTopic: alarms.topic,
      incomingPrefix: config.incomingPrefix,
      maxArticleBytes: config.maxArticleBytes,
      retainData: config.retainData,
      batchSize: config.ingestBatchSize,
      rejectionAlarmThreshold: config.rejectionAlarmThreshold,
      noncurrentVersionDays: config.noncurrentVersionDays,
    });
    const emailSettings = emailSettingsOf(config);
    const scheduled = new ScheduledDigest(this, 'ScheduledDigest', {
      ...config.digest,
      emailSettings,
      alarmTopic: alarms.topic,
      bucket: ingest.bucket,
      indexTable: ingest.table,
      // Until the slowest ingest started before a window's end has written its index entry, and that shows.
      indexSettle: ingest.timeout.plus(Duration.seconds(30)),
      retainData: config.retainData,
    });
    const { enabled: archiveEnabled, ...archiveSite } = config.archive;
    const archive = archiveEnabled
      ? new DigestArchiveSite(this, 'ArchiveSite', {
          ...archiveSite,
          bucket: ingest.bucket,
          retainData: config.retainData,
        })
      : undefined;
    const { signup, ...subscriberSettings } = config.subscribers;
    const sender = senderOf(config);
    const subscribers = new Subscribers(this, 'Subscribers', {
      ...subscriberSettings,
      ...signup,
      newsletterName: config.email.newsletterName,
      retainData: config.retainData,
      alarmActions: [new SnsAction(alarms.topic)],
    });
    // parseStackConfig already refused a stack with no sender unless sending.enabled is false.
    let sending: Sending | undefined;
    if (sender && sendingEnabled(config)) {
      const { enabled: _enabled, ...sendingSettings } = config.sending;
      sending = new Sending(this, 'Sending', {
        ...sendingSettings,
        emailSettings,
        ...(config.email.replyTo ? { replyTo: config.email.replyTo } : {}),
        subscriberTable: subscribers.table,
        keySecret: subscribers.keySecret,
        hashKeySecret: subscribers.hashKeySecret,
        configurationSet: subscribers.configurationSet,
        feedbackFunction: subscribers.feedbackFunction,
        requestQueue: scheduled.approvedQueue,
        archiveBucket: ingest.bucket,
        ...(archive ? { archiveBaseUrl: archive.baseUrl } : {}),
        alarmActions: [new SnsAction(alarms.topic)],
        linkBase: config.subscribers.publicBaseUrl ?? subscribers.endpointUrl.url,
        senderAddress: sender,
        senderName: config.email.newsletterName,
        retainData: config.retainData,
      });
    }

    // What the `digest` commands find by the stack's name (src/cli/aws-options.ts); a missing key fails to compile.
    const outputs: Record<StackOutputKey, string | undefined> = {
      ArticlesBucketName: ingest.bucket.bucketName,
      ArticleIndexTableName: ingest.table.tableName,
      DigestsTableName: scheduled.table.tableName,
      ApprovedQueueUrl: scheduled.approvedQueue.queueUrl,
      DigestFunctionName: scheduled.handler.function.functionName,
      SubscriberTableName: subscribers.table.tableName,
      KeySecretArn: subscribers.keySecret.secretArn,
      HashKeySecretArn: subscribers.hashKeySecret.secretArn,
      ConfigurationSetName: subscribers.configurationSet.configurationSetName,
      LinkBase: config.subscribers.publicBaseUrl ?? subscribers.endpointUrl.url,
      NewsletterName: config.email.newsletterName,
      SenderAddress: sender,
      ReplyTo: config.email.replyTo,
      ListId: sending?.listId,
      LedgerTableName: sending?.ledger.tableName,
    };
    for (const [key, value] of Object.entries(outputs) as [StackOutputKey, string | undefined][])
      if (value !== undefined) new CfnOutput(this, key, { value, description: STACK_OUTPUTS[key] });
  }
}
