import { Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
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
    const scheduled = new ScheduledDigest(this, 'ScheduledDigest', {
      ...config.digest,
      alarmTopic: alarms.topic,
      bucket: ingest.bucket,
      indexTable: ingest.table,
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
    const subscribers = new Subscribers(this, 'Subscribers', {
      ...config.subscribers,
      retainData: config.retainData,
      alarmActions: [new SnsAction(alarms.topic)],
    });
    const { senderAddress, mailDomain, newsletterName, publicBaseUrl } = config.subscribers;
    const sender = senderAddress ?? (mailDomain ? `digest@${mailDomain}` : undefined);
    if (sender) {
      new Sending(this, 'Sending', {
        ...config.sending,
        subscriberTable: subscribers.table,
        keySecret: subscribers.keySecret,
        configurationSet: subscribers.configurationSet,
        feedbackFunction: subscribers.feedbackFunction,
        requestQueue: scheduled.approvedQueue,
        archiveBucket: ingest.bucket,
        ...(archive ? { archiveBaseUrl: archive.baseUrl } : {}),
        alarmActions: [new SnsAction(alarms.topic)],
        linkBase: publicBaseUrl ?? subscribers.endpointUrl.url,
        senderAddress: sender,
        senderName: newsletterName ?? 'the digest',
        retainData: config.retainData,
      });
    }
  }
}
