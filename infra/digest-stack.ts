import { Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
import { AlarmTopic } from './constructs/alarm-topic.ts';
import { ArticleIngest } from './constructs/article-ingest.ts';
import { ScheduledDigest } from './constructs/scheduled-digest.ts';
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
    new ScheduledDigest(this, 'ScheduledDigest', {
      ...config.digest,
      alarmTopic: alarms.topic,
      bucket: ingest.bucket,
      indexTable: ingest.table,
      retainData: config.retainData,
    });
    new Subscribers(this, 'Subscribers', {
      ...config.subscribers,
      retainData: config.retainData,
      alarmActions: [new SnsAction(alarms.topic)],
    });
  }
}
