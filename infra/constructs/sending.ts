import { type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MESSAGE_ID_INDEX, SEND_LEDGER_SCHEMA } from '../../src/adapters/dynamodb-send-ledger.ts';
import { METRICS_NAMESPACE } from '../../src/adapters/powertools-observability.ts';
import { ConfigError } from '../../src/core/errors.ts';
import {
  type EmailSettingsInput,
  hasPlaceholderAddress,
  parseEmailSettings,
} from '../../src/core/render/settings.ts';
import { BundledFunction } from './bundled-function.ts';
import { grantSecretValue, grantSendOnly } from './grants.ts';
import { tableKeys } from './table-keys.ts';

export interface SendingProps {
  /** The subscriber table (read-only here: the fan-out scans it, the worker reads single items). */
  readonly subscriberTable: dynamodb.ITableV2;
  /** The secret holding the token keys that sign unsubscribe and preferences links. */
  readonly keySecret: secretsmanager.ISecret;
  /** The secret holding the key of the address hash (the ledger rows' recipient, the suppression marks). */
  readonly hashKeySecret: secretsmanager.ISecret;
  /** The SES configuration set whose events reach the feedback Lambda. */
  readonly configurationSet: ses.IConfigurationSet;
  /** https:// base of the subscription endpoint (the Function URL or the custom domain in front of it). */
  readonly linkBase: string;
  /** Verified SES sender address. */
  readonly senderAddress: string;
  /** Display name in From. */
  readonly senderName: string;
  /**
   * Reply-To address.
   * @default none
   */
  readonly replyTo?: string;
  /**
   * List-Id, a domain-like name.
   * @default `digest.<sender domain>`
   */
  readonly listId?: string;
  /**
   * The feedback Lambda: it gets the ledger table's name and may settle rows.
   * @default the ledger is not settled from SES events
   */
  readonly feedbackFunction?: BundledFunction<'ses-feedback'>;
  /**
   * The bucket holding archived digests under `digests/`.
   * @default a new private, encrypted bucket
   */
  readonly archiveBucket?: s3.IBucket;
  /**
   * https:// base of the public archive site: each message links `<base>/<archivePrefix>digest.html`.
   * @default no "View in browser" link beyond emailSettings.footer.archiveUrl
   */
  readonly archiveBaseUrl?: string;
  /**
   * The hand-off queue the scheduled digest puts approved digests on ({"digestId","digestKey",...}).
   * @default a new queue of this construct's own
   */
  readonly requestQueue?: sqs.IQueue;
  /**
   * Most send workers at once (the SQS event source's maximum concurrency, 2 to 1000). MaxSendRate is
   * shared by this many workers.
   * @default 2
   */
  readonly maxWorkers?: number;
  /**
   * Messages per second per worker, below its share of MaxSendRate.
   * @default the share: MaxSendRate / maxWorkers
   */
  readonly ratePerWorker?: number;
  /**
   * Recipients per SQS message.
   * @default 50
   */
  readonly batchSize?: number;
  /**
   * Verified recipient addresses while the account is in the SES sandbox: there SES also authorises
   * SendRawEmail against each recipient identity, so the send policy must name them.
   * @default none (production access)
   */
  readonly sandboxRecipients?: string[];
  /**
   * Email settings (docs/email.md), validated at synth; `footer.postalAddress` must be the sender's real
   * address (the placeholder of local previews fails synth).
   */
  readonly emailSettings: EmailSettingsInput;
  /**
   * Whether the ledger (and a default archive bucket) survive `cdk destroy`.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Where the dead-letter, quota and function alarms notify.
   * @default no action (the alarms still show in CloudWatch)
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/** Actions on the table itself, not its indexes (a table grant would include every index). */
function tableOnly(tableArn: string, ...actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources: [tableArn] });
}

/** The worker's timeout, which is also the lease after which a row left `sending` is reported unknown. */
const WORKER_TIMEOUT = Duration.minutes(5);

/**
 * Sending: the hand-off queue (one message per approved digest), the fan-out Lambda that turns a digest
 * into recipient batches, the send queue and its paced worker Lambda, the send ledger table, one
 * dead-letter queue and the alarms.
 */
export class Sending extends Construct {
  readonly ledger: dynamodb.TableV2;
  readonly requestQueue: sqs.IQueue;
  readonly sendQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly archiveBucket: s3.IBucket;
  readonly fanout: BundledFunction<'send-fanout'>;
  readonly worker: BundledFunction<'send-worker'>;
  /** The List-Id every digest carries. */
  readonly listId: string;

  constructor(scope: Construct, id: string, props: SendingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const maxWorkers = props.maxWorkers ?? 2;
    const senderDomain = props.senderAddress.slice(props.senderAddress.lastIndexOf('@') + 1);
    this.listId = props.listId ?? `digest.${senderDomain}`;
    const emailSettings = parseEmailSettings(props.emailSettings);
    if (hasPlaceholderAddress(emailSettings)) {
      throw new ConfigError(
        'Sending: emailSettings.footer.postalAddress is the placeholder; give the sender’s real postal address',
      );
    }

    this.ledger = new dynamodb.TableV2(this, 'Ledger', {
      ...tableKeys(SEND_LEDGER_SCHEMA),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    this.archiveBucket = props.archiveBucket ?? this.defaultArchiveBucket(removalPolicy);

    const queueDefaults = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      ...queueDefaults,
      retentionPeriod: Duration.days(14),
    });
    const deadLetterQueue = { queue: this.deadLetterQueue, maxReceiveCount: 5 };
    this.requestQueue =
      props.requestQueue ??
      new sqs.Queue(this, 'SendRequests', {
        ...queueDefaults,
        visibilityTimeout: Duration.minutes(30),
        deadLetterQueue,
      });
    // AWS advises a visibility timeout of six times the function timeout for SQS event sources.
    this.sendQueue = new sqs.Queue(this, 'SendQueue', {
      ...queueDefaults,
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(14),
      deadLetterQueue,
    });

    const alarmActions = props.alarmActions ?? [];
    this.fanout = new BundledFunction(this, 'Fanout', {
      handler: 'send-fanout',
      description: 'Turns an approved digest into recipient batches on the send queue',
      memorySize: 256,
      timeout: Duration.minutes(5),
      logRemovalPolicy: removalPolicy,
      alarmActions,
      environment: {
        SUBSCRIBER_TABLE: props.subscriberTable.tableName,
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
        BATCH_SIZE: String(props.batchSize ?? 50),
      },
    });
    this.fanout.function.addToRolePolicy(tableOnly(props.subscriberTable.tableArn, 'dynamodb:Scan'));
    grantSendOnly(this.sendQueue, this.fanout.function);
    this.fanout.function.addEventSource(
      new SqsEventSource(this.requestQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );

    this.worker = new BundledFunction(this, 'Worker', {
      handler: 'send-worker',
      // The handler reads the precompiled email templates beside itself.
      templates: true,
      description: 'Sends recipient batches through SES, paced, recorded in the send ledger',
      memorySize: 1024,
      timeout: WORKER_TIMEOUT,
      logRemovalPolicy: removalPolicy,
      alarmActions,
      environment: {
        SUBSCRIBER_TABLE: props.subscriberTable.tableName,
        LEDGER_TABLE: this.ledger.tableName,
        SEND_QUEUE_URL: this.sendQueue.queueUrl,
        ARCHIVE_BUCKET: this.archiveBucket.bucketName,
        TOKEN_KEY_SECRET: props.keySecret.secretArn,
        HASH_KEY_SECRET: props.hashKeySecret.secretArn,
        SENDER_ADDRESS: props.senderAddress,
        SENDER_NAME: props.senderName,
        ...(props.replyTo ? { REPLY_TO: props.replyTo } : {}),
        LIST_ID: this.listId,
        LIST_NAME: props.senderName,
        LINK_BASE: props.linkBase,
        SES_CONFIGURATION_SET: props.configurationSet.configurationSetName,
        MAX_WORKERS: String(maxWorkers),
        ...(props.ratePerWorker ? { RATE_PER_WORKER: String(props.ratePerWorker) } : {}),
        LEASE_SECONDS: String(WORKER_TIMEOUT.toSeconds()),
        EMAIL_SETTINGS: JSON.stringify(emailSettings),
        ...(props.archiveBaseUrl ? { ARCHIVE_BASE_URL: props.archiveBaseUrl } : {}),
      },
    });
    const worker = this.worker.function;
    worker.addEventSource(
      new SqsEventSource(this.sendQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: maxWorkers,
      }),
    );
    // Each function only its own table actions.
    worker.addToRolePolicy(tableOnly(props.subscriberTable.tableArn, 'dynamodb:GetItem'));
    worker.addToRolePolicy(
      tableOnly(this.ledger.tableArn, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'),
    );
    grantSendOnly(this.sendQueue, worker);
    // Archived digests only: no s3:List*, nothing outside digests/ (grantRead would add the bucket-wide list).
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.archiveBucket.arnForObjects('digests/*')],
      }),
    );
    grantSecretValue(props.keySecret, worker);
    grantSecretValue(props.hashKeySecret, worker);
    worker.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.senderAddress }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: props.configurationSet.configurationSetName,
          }),
          ...(props.sandboxRecipients ?? []).map((address) =>
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: address }),
          ),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': props.senderAddress } },
      }),
    );
    // GetSendQuota has no resource-level permissions.
    worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));

    if (props.feedbackFunction) {
      props.feedbackFunction.addEnvironment('LEDGER_TABLE', this.ledger.tableName);
      // It settles a row (UpdateItem on the table), found by its SES message id (Query of byMessageId) when the
      // event carries no digest and subscriber tags.
      const feedback = props.feedbackFunction.function;
      feedback.addToRolePolicy(tableOnly(this.ledger.tableArn, 'dynamodb:UpdateItem'));
      feedback.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [`${this.ledger.tableArn}/index/${MESSAGE_ID_INDEX}`],
        }),
      );
    }

    this.addAlarms(props.alarmActions ?? []);
    new CfnOutput(this, 'SendRequestQueueUrl', {
      value: this.requestQueue.queueUrl,
      description: 'Hand-off: one {"digestId","digestKey"} message per approved digest',
    });
    this.acknowledgeNagFindings();
  }

  private defaultArchiveBucket(removalPolicy: RemovalPolicy): s3.Bucket {
    const bucket = new s3.Bucket(this, 'Archive', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      removalPolicy,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Stand-in archive until the scheduled digest passes its own archive bucket (archiveBucket), whose owner decides on access logs.',
    });
    return bucket;
  }

  /** Nothing may sit in the dead-letter queue unnoticed; deferred sends mean the daily quota is too small. */
  private addAlarms(actions: cloudwatch.IAlarmAction[]): void {
    const alarms = [
      new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
        alarmDescription: 'Send requests or recipient batches failed every retry (dead-letter queue)',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'QuotaDeferredAlarm', {
        alarmDescription: 'The SES daily quota is used up: recipients wait on the queue until it allows',
        metric: new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: 'QuotaDeferred',
          dimensionsMap: { service: 'send-worker' },
          statistic: cloudwatch.Stats.SUM,
          period: Duration.minutes(15),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) for (const action of actions) alarm.addAlarmAction(action);
  }

  private acknowledgeNagFindings(): void {
    const stack = Stack.of(this);
    const archive = this.archiveBucket.node.defaultChild as CfnElement | undefined;
    const archiveArn = archive ? `<${stack.getLogicalId(archive)}.Arn>` : this.archiveBucket.bucketArn;
    Validations.of(this.worker).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ses:GetSendQuota supports no resource-level permissions; it is the only action on "*".',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${archiveArn}/digests/*]`,
        reason: 'Reads archived digests: the digests/ prefix of the archive bucket only.',
      },
    );
  }
}
