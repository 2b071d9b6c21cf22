import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  BucketNotificationDestinationType,
  type CfnBucket,
  EventType,
  type IBucketNotificationDestination,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ARTICLE_INDEX_SCHEMA } from '../../src/adapters/dynamodb-article-index.ts';
import { METRICS_NAMESPACE } from '../../src/adapters/powertools-observability.ts';
import { NORMALISED_PREFIX } from './bucket-prefixes.ts';
import { BundledFunction } from './bundled-function.ts';
import { tableKeys } from './table-keys.ts';

export interface ArticleIngestProps {
  /** Topic every alarm of this construct notifies. */
  alarmTopic: ITopic;
  /** Prefix under which editors upload; must end with "/". @default 'incoming/' */
  incomingPrefix?: string;
  /** Largest accepted upload in bytes; larger ones are rejected. @default 1048576 (1 MiB) */
  maxArticleBytes?: number;
  /** Whether the bucket, table and logs survive stack deletion. @default true */
  retainData?: boolean;
  /** Messages per Lambda invocation. @default 10 */
  batchSize?: number;
  /** Ingest Lambda timeout; the queue's visibility timeout is six times this. @default Duration.seconds(30) */
  timeout?: Duration;
  /** Days a replaced or deleted object version is kept. @default 30 */
  noncurrentVersionDays?: number;
  /** Rejections per hour that raise the alarm. @default 5 */
  rejectionAlarmThreshold?: number;
}

export { NORMALISED_PREFIX };

/**
 * Article store and ingest: the articles bucket (uploads under the incoming prefix, normalised JSON under
 * `normalised/`), the article index table, the upload queue with its DLQ, the ingest Lambda and their alarms.
 */
export class ArticleIngest extends Construct {
  readonly bucket: Bucket;
  readonly table: TableV2;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly handler: BundledFunction<'ingest'>;
  /** The ingest function's timeout: the longest the indexing of one upload can take. */
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: ArticleIngestProps) {
    super(scope, id);
    const incomingPrefix = props.incomingPrefix ?? 'incoming/';
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const timeout = props.timeout ?? Duration.seconds(30);
    this.timeout = timeout;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
    });

    this.bucket = new Bucket(this, 'Articles', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'articles/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });

    this.table = new TableV2(this, 'Index', {
      ...tableKeys(ARTICLE_INDEX_SCHEMA),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    this.deadLetterQueue = new Queue(this, 'UploadsDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Uploads', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    this.notifyQueueOfUploads(incomingPrefix);

    this.handler = new BundledFunction(this, 'Handler', {
      handler: 'ingest',
      description: 'Normalises uploaded articles into the article store',
      timeout,
      environment: {
        ARTICLES_BUCKET: this.bucket.bucketName,
        ARTICLE_INDEX_TABLE: this.table.tableName,
        MAX_ARTICLE_BYTES: String(props.maxArticleBytes ?? 1024 * 1024),
      },
      logRemovalPolicy: removalPolicy,
      alarmActions: [new SnsAction(props.alarmTopic)],
    });
    this.grantIngest(incomingPrefix);
    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
    this.addAlarms(props.alarmTopic, props.rejectionAlarmThreshold ?? 5);
    // What editors and operators need after `cdk deploy`: where to upload and where to look.
    new CfnOutput(this, 'UploadsDeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'IngestLogGroupName', { value: this.handler.logGroup.logGroupName });
  }

  /**
   * Every upload and delete under the prefix goes to the queue, and only from this bucket. No suffix filter: S3
   * compares suffixes case-sensitively, so a filter would silently drop "Story.TXT"; the ingest handler decides
   * what it accepts and records the rest as rejected.
   */
  private notifyQueueOfUploads(prefix: string): void {
    const { policyDependable } = this.queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    const queueArn = this.queue.queueArn;
    const destination: IBucketNotificationDestination = {
      bind: () => ({
        type: BucketNotificationDestinationType.QUEUE,
        arn: queueArn,
        ...(policyDependable && { dependencies: [policyDependable] }),
      }),
    };
    for (const event of [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED]) {
      this.bucket.addEventNotification(event, destination, { prefix });
    }
    // CDK's singleton that applies the notification configuration at deploy time.
    const notificationsHandler = Stack.of(this).node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    const handlerRole = notificationsHandler?.node.tryFindChild('Role');
    if (handlerRole) {
      Validations.of(handlerRole).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's BucketNotificationsHandler role (a CDK-owned deploy-time custom resource) only writes its own logs with this policy.",
      });
    }
  }

  private grantIngest(incomingPrefix: string): void {
    const { role } = this.handler;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.bucket.arnForObjects(`${incomingPrefix}*`)],
      }),
    );
    // Without ListBucket, HeadObject of a deleted key answers 403 instead of 404.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${NORMALISED_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
      }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const prefix of [incomingPrefix, NORMALISED_PREFIX]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `The ingest role reads or writes any object under ${prefix} in the articles bucket, and only there.`,
      });
    }
  }

  private addAlarms(topic: ITopic, rejectionThreshold: number): void {
    const alarms = [
      new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription: 'Upload notifications failed three times and wait in the dead-letter queue',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'RejectionsAlarm', {
        alarmDescription: `More than ${rejectionThreshold} uploads rejected in an hour`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'ArticlesRejected',
          dimensionsMap: { service: 'ingest' },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
        threshold: rejectionThreshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) alarm.addAlarmAction(new SnsAction(topic));
  }
}
