import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Billing, type ITableV2, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IDestination } from 'aws-cdk-lib/aws-lambda';
import type { CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_DAY_INDEX } from '../../src/adapters/dynamodb-article-index.ts';
import { DIGEST_RECORDS_SCHEMA } from '../../src/adapters/dynamodb-digest-records.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { ARCHIVE_PAGE } from '../../src/core/ports/digest-archive.ts';
import { type EmailSettingsInput, parseEmailSettings } from '../../src/core/render/settings.ts';
import { DIGESTS_PREFIX, NORMALISED_PREFIX } from '../bucket-prefixes.ts';
import { BundledFunction } from './bundled-function.ts';
import { grantSendOnly } from './grants.ts';
import { tableKeys } from './table-keys.ts';

export interface ScheduledDigestProps {
  alarmTopic: ITopic;
  /** The articles bucket: normalised articles are read from it, digests archived under `digests/`. */
  bucket: IBucket;
  /** The article index table with its `byIngestDay` index. */
  indexTable: ITableV2;
  /** EventBridge Scheduler cron expression. @default 'cron(0 7 ? * MON *)' (Mondays 07:00) */
  schedule?: string;
  /** IANA time zone of the cron expression. @default 'UTC' */
  timeZone?: string;
  /** Hours covered by one digest, ending at the scheduled time. @default 168 */
  windowHours?: number;
  /** `auto` hands each digest to sending at once; `review` waits for an editor. @default 'auto' */
  sendMode?: 'auto' | 'review';
  /** Hours a digest waits for review. @default 24 */
  reviewHours?: number;
  /** What happens to a digest still pending at its review deadline. @default 'send' */
  onReviewDeadline?: 'send' | 'drop';
  /**
   * How long after a window's end its run waits before it reads the article index, so that an upload indexed in
   * the window's last seconds is in its digest: the ingest function's timeout plus the index's propagation.
   * At most 4 minutes (a run must fit the digest function's 5-minute timeout). @default Duration.seconds(60)
   */
  indexSettle?: Duration;
  /** Digest title. @default the core's default title */
  title?: string;
  /** Editor's note at the top of every digest. @default none */
  intro?: string;
  /** Email settings the archived email is rendered with (docs/email.md), validated at synth. @default the local preview's */
  emailSettings?: EmailSettingsInput;
  /** Whether the digests table and logs survive stack deletion. @default true */
  retainData?: boolean;
}

/**
 * An on-failure destination on the queue whose grant is sqs:SendMessage alone, all Lambda needs to record a failed
 * invocation there (SqsDestination grants GetQueueAttributes and GetQueueUrl too).
 */
function sendOnlyDestination(queue: Queue): IDestination {
  return {
    bind: (_scope, fn) => {
      grantSendOnly(queue, fn);
      return { destination: queue.queueArn };
    },
  };
}

/** The longest wait for index writes before a run reads them (ScheduledDigestProps.indexSettle). */
const MAX_INDEX_SETTLE = Duration.minutes(4);

export { DIGESTS_PREFIX };

/**
 * The scheduled digest: an EventBridge Scheduler schedule (retries, DLQ) invoking the digest Lambda with the
 * scheduled time, the digests table (records, window leases, pause flag), the "digest approved" queue that
 * sending consumes, the failed-run destination and their alarms.
 */
export class ScheduledDigest extends Construct {
  readonly table: TableV2;
  readonly approvedQueue: Queue;
  readonly failedRuns: Queue;
  readonly scheduleDeadLetters: Queue;
  readonly handler: BundledFunction<'digest'>;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: ScheduledDigestProps) {
    super(scope, id);
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const sendMode = props.sendMode ?? 'auto';
    const timeZone = TimeZone.of(props.timeZone ?? 'UTC');

    this.table = new TableV2(this, 'Digests', {
      ...tableKeys(DIGEST_RECORDS_SCHEMA),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });
    const queue = (name: string, props: { deadLetters?: Queue; visibilityTimeout?: Duration } = {}) =>
      new Queue(this, name, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        ...(props.visibilityTimeout && { visibilityTimeout: props.visibilityTimeout }),
        ...(props.deadLetters && { deadLetterQueue: { queue: props.deadLetters, maxReceiveCount: 5 } }),
      });
    const approvedDeadLetters = queue('ApprovedDeadLetters');
    // Six times the consumer's timeout (the sender's fan-out runs up to 5 minutes), as AWS advises for SQS sources.
    this.approvedQueue = queue('Approved', {
      deadLetters: approvedDeadLetters,
      visibilityTimeout: Duration.minutes(30),
    });
    this.failedRuns = queue('FailedRuns');
    this.scheduleDeadLetters = queue('ScheduleDeadLetters');

    const timeout = Duration.minutes(5);
    const indexSettle = props.indexSettle ?? Duration.seconds(60);
    if (indexSettle.toSeconds() > MAX_INDEX_SETTLE.toSeconds()) {
      throw new ConfigError(
        `ScheduledDigest indexSettle is ${indexSettle.toHumanString()}: at most ${MAX_INDEX_SETTLE.toHumanString()}, so a run fits the digest function's ${timeout.toHumanString()} timeout`,
      );
    }
    this.handler = new BundledFunction(this, 'Handler', {
      handler: 'digest',
      templates: true,
      description: 'Builds, archives and hands over the digest of one window',
      timeout,
      memorySize: 1024,
      environment: {
        ARTICLES_BUCKET: props.bucket.bucketName,
        ARTICLE_INDEX_TABLE: props.indexTable.tableName,
        DIGESTS_TABLE: this.table.tableName,
        APPROVED_QUEUE_URL: this.approvedQueue.queueUrl,
        WINDOW_HOURS: String(props.windowHours ?? 168),
        SEND_MODE: sendMode,
        REVIEW_HOURS: String(props.reviewHours ?? 24),
        ON_REVIEW_DEADLINE: props.onReviewDeadline ?? 'send',
        // A run cannot outlive the function timeout; a minute more covers clock skew.
        LEASE_SECONDS: String(timeout.toSeconds() + 60),
        INDEX_SETTLE_SECONDS: String(indexSettle.toSeconds()),
        ...(props.title && { DIGEST_TITLE: props.title }),
        ...(props.intro && { DIGEST_INTRO: props.intro }),
        EMAIL_SETTINGS: JSON.stringify(parseEmailSettings(props.emailSettings ?? {})),
      },
      logRemovalPolicy: removalPolicy,
      alarmActions: [new SnsAction(props.alarmTopic)],
    });
    // A handler that throws: Lambda retries the async invocation twice, then records it on FailedRuns.
    this.handler.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: sendOnlyDestination(this.failedRuns),
    });
    this.grantDigest(props);

    // A failed invocation (throttled, Lambda unavailable): Scheduler retries, then parks the event on its DLQ.
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    const target = (input: Record<string, string>) =>
      new LambdaInvoke(this.handler.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject(input),
        retryAttempts: 5,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.scheduleDeadLetters,
      });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Builds the digest of the window that ends at the scheduled time',
      schedule: ScheduleExpression.expression(props.schedule ?? 'cron(0 7 ? * MON *)', timeZone),
      target: target({ action: 'run', scheduledTime: ContextAttribute.scheduledTime }),
    });
    if (sendMode === 'review') {
      new Schedule(this, 'ReviewDeadlines', {
        description: 'Sends or drops digests whose review deadline has passed',
        schedule: ScheduleExpression.rate(Duration.minutes(15)),
        target: target({ action: 'settle-reviews' }),
      });
    }

    for (const [name, dlq, what] of [
      ['FailedRunsAlarm', this.failedRuns, 'A digest run threw after its retries'],
      [
        'ScheduleDeadLettersAlarm',
        this.scheduleDeadLetters,
        'The scheduler could not invoke the digest Lambda',
      ],
      ['ApprovedDeadLettersAlarm', approvedDeadLetters, 'An approved digest failed in sending five times'],
    ] as const) {
      new Alarm(this, name, {
        alarmDescription: what,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(props.alarmTopic));
    }
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.handler.function.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        "CDK's Lambda invoke grant also covers the digest function's versions and aliases (<arn>:*), nothing else.",
    });
    for (const dlq of [this.failedRuns, this.scheduleDeadLetters]) {
      Validations.of(dlq).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter/failure destination, watched by an alarm; it needs no DLQ.',
      });
    }
  }

  private grantDigest(props: ScheduledDigestProps): void {
    const { role } = this.handler;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        // digests/: an edited digest's archive is rendered from its digest.original.json before the hand-over.
        resources: [
          props.bucket.arnForObjects(`${NORMALISED_PREFIX}*`),
          props.bucket.arnForObjects(`${DIGESTS_PREFIX}*`),
        ],
      }),
    );
    // Without ListBucket, GetObject of a missing key answers 403 instead of 404: an article replaced or deleted
    // while the run reads the window's articles failed the run instead of being left out (articlesInWindow).
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${DIGESTS_PREFIX}*`)],
      }),
    );
    // Publishing a digest's archive page when it is handed to sending (src/core/ports/digest-archive.ts).
    const pages = `${DIGESTS_PREFIX}*/${ARCHIVE_PAGE}`;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObjectTagging'],
        resources: [props.bucket.arnForObjects(pages)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.indexTable.tableArn}/index/${INGEST_DAY_INDEX}`],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
        resources: [this.table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.approvedQueue.queueArn] }),
    );
    const bucketId = Stack.of(this).getLogicalId(props.bucket.node.defaultChild as CfnBucket);
    for (const prefix of [NORMALISED_PREFIX, DIGESTS_PREFIX]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `The digest role reads normalised articles, and reads and writes archived digests, under ${prefix} and only there.`,
      });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${pages}]`,
      reason: 'The digest role tags archive pages (one per digest folder) to publish them, and nothing else.',
    });
  }
}
