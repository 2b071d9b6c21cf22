import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EMAIL_INDEX, SUBSCRIBERS_SCHEMA } from '../../src/adapters/dynamodb-subscribers.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { EDGE_KEY_HEADER } from '../../src/handlers/subscription-endpoint.ts';
import { BundledFunction } from './bundled-function.ts';
import { grantSecretValue, grantSendOnly } from './grants.ts';
import { tableKeys } from './table-keys.ts';

export interface SubscribersProps {
  /**
   * Name of the newsletter, shown on the pages and in confirmation mails.
   * @default 'the digest'
   */
  readonly newsletterName?: string;
  /**
   * Verified SES sender of confirmation mails. Without it (and without mailDomain) signup answers 503.
   * @default `digest@<mailDomain>` when mailDomain is set, otherwise none
   */
  readonly senderAddress?: string;
  /**
   * Domain to create the SES identity for, with Easy DKIM and a custom MAIL FROM domain.
   * @default no identity is created (verify the sender yourself)
   */
  readonly mailDomain?: string;
  /**
   * Label of the MAIL FROM subdomain under mailDomain.
   * @default 'bounce'
   */
  readonly mailFromLabel?: string;
  /**
   * https:// base of the links in mails when a custom domain fronts the Function URL.
   * @default the Function URL itself
   */
  readonly publicBaseUrl?: string;
  /**
   * Transient bounces in a row that count as a bounce.
   * @default 3
   */
  readonly transientBounceLimit?: number;
  /**
   * Days a retired token key keeps verifying links already sent (at least the longest token lifetime).
   * @default 400
   */
  readonly tokenRotationGraceDays?: number;
  /**
   * Confirmation mails to one address per day.
   * @default 3
   */
  readonly perAddressPerDay?: number;
  /**
   * Signups one client (source IP, stored keyed-hashed) may make per hour.
   * @default 10
   */
  readonly perClientPerHour?: number;
  /**
   * Confirmation mails the whole stack sends per hour.
   * @default 200
   */
  readonly confirmationsPerHour?: number;
  /**
   * Hours an unconfirmed signup is kept (DynamoDB TTL) and its confirmation link stays valid.
   * @default 48
   */
  readonly pendingHours?: number;
  /**
   * Reserved concurrency of the endpoint Lambda: a flood is throttled (429) beyond it.
   * @default 10
   */
  readonly endpointConcurrency?: number;
  /**
   * A CloudFront distribution in front of the endpoint with an AWS WAF rate-based rule (requests per
   * five minutes per client IP). WAF for CloudFront lives in us-east-1, so the stack must be deployed
   * there. The Function URL itself stays reachable; the in-app limits still apply to it.
   * @default none (the Function URL alone, with the in-app limits)
   */
  readonly edgeRateLimit?: { requestsPerFiveMinutes: number };
  /**
   * Whether the table and the key secret survive `cdk destroy`.
   * @default true
   */
  readonly retainData?: boolean;
  /**
   * Where the reputation and function alarms notify.
   * @default no action (the alarms still show in CloudWatch)
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/** What the functions do with subscriber items: read one and write it back (a lookup by address is a Query of byEmail). */
const ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/** Rate-limit counters are conditional updates. */
const COUNTER_ACTIONS = ['dynamodb:UpdateItem'];

/**
 * Subscribers: the table, the public HTTPS endpoint (Function URL) for signup, confirmation,
 * unsubscribe and preferences, the token key secret, the SES configuration set whose events reach
 * the feedback Lambda through SNS, the optional SES domain identity and the reputation alarms.
 */
export class Subscribers extends Construct {
  readonly table: dynamodb.TableV2;
  readonly keySecret: secretsmanager.Secret;
  readonly configurationSet: ses.ConfigurationSet;
  readonly endpoint: BundledFunction<'subscription-endpoint'>;
  readonly endpointUrl: lambda.FunctionUrl;
  readonly feedbackFunction: BundledFunction<'ses-feedback'>;
  readonly feedbackTopic: sns.Topic;
  /** Key of the HMAC that hashes addresses in logs and client addresses in rate-limit counters. */
  readonly hashKeySecret: secretsmanager.Secret;
  /** Public signups, from the endpoint to the signup worker; only with a sender. */
  readonly signupQueue?: sqs.Queue;
  readonly signupWorker?: BundledFunction<'signup-worker'>;
  /** The CloudFront distribution with WAF in front of the endpoint, with edgeRateLimit. */
  readonly edge?: cloudfront.Distribution;
  /** SES events the feedback Lambda failed on after its retries; replay them once the cause is fixed. */
  readonly feedbackDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: SubscribersProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const newsletter = props.newsletterName ?? 'the digest';
    const sender = props.senderAddress ?? (props.mailDomain ? `digest@${props.mailDomain}` : undefined);

    this.table = new dynamodb.TableV2(this, 'Table', {
      // Pending signups and rate-limit counters expire on their own (the schema's TTL attribute).
      ...tableKeys(SUBSCRIBERS_SCHEMA),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });

    // Flat JSON so CloudFormation can generate the first key; rotation adds keys (docs/subscribers.md).
    this.keySecret = new secretsmanager.Secret(this, 'TokenKeys', {
      description: 'HMAC keys that sign subscriber links (confirm, unsubscribe, preferences)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'k1' }),
        generateStringKey: 'k1',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    });

    this.hashKeySecret = new secretsmanager.Secret(this, 'HashKey', {
      description:
        'HMAC key that hashes addresses (logs, suppression and complaint marks, the send ledger, signup limits) and client addresses',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy,
    });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });

    // SES cannot invoke Lambda: events go to an encrypted SNS topic that the feedback Lambda reads.
    const topicKey = new kms.Key(this, 'FeedbackTopicKey', {
      description: 'Encrypts SES feedback events in transit through SNS',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', { masterKey: topicKey, enforceSSL: true });
    this.configurationSet.addEventDestination('ToFeedbackTopic', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT, ses.EmailSendingEvent.DELIVERY],
    });

    const common = {
      memorySize: 256,
      logRemovalPolicy: removalPolicy,
      alarmActions: props.alarmActions ?? [],
    };

    const confirmationEnvironment = {
      SUBSCRIBER_TABLE: this.table.tableName,
      TOKEN_KEY_SECRET: this.keySecret.secretArn,
      TOKEN_ROTATION_GRACE_DAYS: String(props.tokenRotationGraceDays ?? 400),
      NEWSLETTER_NAME: newsletter,
      SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
      CONFIRMATIONS_PER_ADDRESS_PER_DAY: String(props.perAddressPerDay ?? 3),
      CONFIRMATIONS_PER_HOUR: String(props.confirmationsPerHour ?? 200),
      SIGNUPS_PER_CLIENT_PER_HOUR: String(props.perClientPerHour ?? 10),
      PENDING_HOURS: String(props.pendingHours ?? 48),
      ...(sender ? { SENDER_ADDRESS: sender } : {}),
    };
    this.signupQueue = sender
      ? new sqs.Queue(this, 'SignupQueue', {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // Six times the worker's timeout, as AWS advises for SQS event sources.
          visibilityTimeout: Duration.seconds(180),
          deadLetterQueue: {
            maxReceiveCount: 5,
            queue: new sqs.Queue(this, 'SignupDeadLetters', {
              encryption: sqs.QueueEncryption.SQS_MANAGED,
              enforceSSL: true,
              retentionPeriod: Duration.days(14),
            }),
          },
        })
      : undefined;

    this.endpoint = new BundledFunction(this, 'Endpoint', {
      ...common,
      handler: 'subscription-endpoint',
      description: 'Subscriber signup, confirmation, one-click unsubscribe and preferences',
      timeout: Duration.seconds(10),
      // A flood is throttled here rather than scaling the table, SES and the bill.
      reservedConcurrentExecutions: props.endpointConcurrency ?? 10,
      environment: {
        ...confirmationEnvironment,
        HASH_KEY_SECRET: this.hashKeySecret.secretArn,
        ...(this.signupQueue ? { SIGNUP_QUEUE_URL: this.signupQueue.queueUrl } : {}),
        ...(props.publicBaseUrl ? { PUBLIC_BASE_URL: props.publicBaseUrl } : {}),
      },
    });
    const endpoint = this.endpoint.function;
    this.grantTable(endpoint, ...ITEM_ACTIONS, ...COUNTER_ACTIONS, 'dynamodb:DeleteItem');
    grantSecretValue(this.keySecret, endpoint);
    grantSecretValue(this.hashKeySecret, endpoint);
    // Public by design: the pages are reached from mail links; every action needs a signed token.
    this.endpointUrl = endpoint.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    if (sender && this.signupQueue) {
      grantSendOnly(this.signupQueue, endpoint);
      this.signupWorker = new BundledFunction(this, 'SignupWorker', {
        ...common,
        handler: 'signup-worker',
        description: 'Processes queued signups: limits, pending record, confirmation mail',
        timeout: Duration.seconds(30),
        environment: {
          ...confirmationEnvironment,
          SENDER_ADDRESS: sender,
          LINK_BASE: props.publicBaseUrl ?? this.endpointUrl.url,
          HASH_KEY_SECRET: this.hashKeySecret.secretArn,
        },
      });
      const signupWorker = this.signupWorker.function;
      this.grantTable(signupWorker, ...ITEM_ACTIONS, ...COUNTER_ACTIONS);
      grantSecretValue(this.keySecret, signupWorker);
      grantSecretValue(this.hashKeySecret, signupWorker);
      signupWorker.addEventSource(
        new SqsEventSource(this.signupQueue, {
          batchSize: 10,
          reportBatchItemFailures: true,
          maxConcurrency: 2,
        }),
      );
      this.grantConfirmationMail(endpoint, sender);
      this.grantConfirmationMail(signupWorker, sender);
    }
    if (props.edgeRateLimit) this.edge = this.addEdgeRateLimit(props.edgeRateLimit.requestsPerFiveMinutes);

    // A lost bounce or complaint means mailing that address again, so failed events are kept.
    this.feedbackDeadLetters = new sqs.Queue(this, 'FeedbackDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.feedbackFunction = new BundledFunction(this, 'Feedback', {
      ...common,
      handler: 'ses-feedback',
      deadLetterQueue: this.feedbackDeadLetters,
      description: 'Marks bounced and complaining subscribers from SES events',
      timeout: Duration.seconds(30),
      environment: {
        SUBSCRIBER_TABLE: this.table.tableName,
        TRANSIENT_BOUNCE_LIMIT: String(props.transientBounceLimit ?? 3),
        HASH_KEY_SECRET: this.hashKeySecret.secretArn,
      },
    });
    const feedback = this.feedbackFunction.function;
    grantSecretValue(this.hashKeySecret, feedback);
    this.grantTable(feedback, ...ITEM_ACTIONS);
    feedback.addEventSource(new SnsEventSource(this.feedbackTopic));

    if (props.mailDomain) this.addDomainIdentity(props.mailDomain, props.mailFromLabel ?? 'bounce');
    this.addReputationAlarms(props.alarmActions ?? []);
    this.addDeadLetterAlarms(props.alarmActions ?? []);

    new CfnOutput(this, 'EndpointUrl', { value: this.endpointUrl.url, description: 'Subscription endpoint' });
    // What a replay of failed SES events needs (docs/subscribers.md): SQS cannot move them back itself, as their
    // source is the function, not a queue.
    new CfnOutput(this, 'FeedbackDeadLetterQueueUrl', {
      value: this.feedbackDeadLetters.queueUrl,
      description: 'SES events the feedback Lambda failed on after its retries',
    });
    new CfnOutput(this, 'FeedbackFunctionName', {
      value: this.feedbackFunction.function.functionName,
      description: 'The feedback Lambda, which a replay invokes with each failed event',
    });

    this.acknowledgeNagFindings();
  }

  /**
   * The item actions on the table itself, and Query on the byEmail index, the only one the code queries (a table
   * grant would give every action on the table and on each of its indexes).
   */
  private grantTable(fn: lambda.IFunction, ...actions: string[]): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [this.table.tableArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${EMAIL_INDEX}`],
      }),
    );
  }

  /** SendRawEmail from the sender only, through this stack's configuration set. */
  private grantConfirmationMail(fn: lambda.IFunction, sender: string): void {
    const stack = Stack.of(this);
    const senderDomain = sender.slice(sender.lastIndexOf('@') + 1);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: sender }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': sender } },
      }),
    );
  }

  /**
   * CloudFront in front of the Function URL with an AWS WAF web ACL whose rate-based rule blocks a client
   * IP past `limit` requests in five minutes. The endpoint then keys its own limit on CloudFront's
   * viewer address header.
   */
  private addEdgeRateLimit(limit: number): cloudfront.Distribution {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new ConfigError(
        `subscribers.signup.edgeRateLimit needs the stack in us-east-1 (WAF for CloudFront lives there), not ${region}`,
      );
    }
    const acl = new wafv2.CfnWebACL(this, 'EdgeWebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: 'SubscriptionEndpoint',
        sampledRequestsEnabled: false,
      },
      rules: [
        {
          name: 'RatePerClientIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'SubscriptionEndpointRate',
            sampledRequestsEnabled: false,
          },
        },
      ],
    });
    // CloudFront proves a request came through it with this key: the Function URL stays reachable, and a client
    // calling it directly could otherwise write CloudFront-Viewer-Address itself, a new "client" per request.
    const edgeKey = new secretsmanager.Secret(this, 'EdgeKey', {
      description: 'Key CloudFront adds to the requests it forwards to the subscription endpoint',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
      // Nothing to keep: a new stack generates a new key for its own distribution.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.endpoint.addEnvironment('EDGE_KEY_SECRET', edgeKey.secretArn);
    grantSecretValue(edgeKey, this.endpoint.function);
    Validations.of(edgeKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront sends the key as a deploy-time value: a rotation would make the endpoint stop trusting the edge until the next deploy, which is how it is rotated.',
    });
    const distribution = new cloudfront.Distribution(this, 'Edge', {
      comment: 'Subscription endpoint behind a WAF rate-based rule',
      webAclId: acl.attrArn,
      defaultBehavior: {
        origin: new origins.FunctionUrlOrigin(this.endpointUrl, {
          customHeaders: { [EDGE_KEY_HEADER]: edgeKey.secretValueFromJson('key').unsafeUnwrap() },
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: new cloudfront.OriginRequestPolicy(this, 'EdgeOriginRequest', {
          comment: 'Forwards the query string, form content type and the viewer address, never the Host',
          queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
          headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(
            'content-type',
            'CloudFront-Viewer-Address',
          ),
        }),
      },
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'A newsletter signup is open to every country; the WAF rate rule limits abuse instead.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Access logs would hold client IPs of every signup; WAF metrics count blocked requests.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate; a custom domain (publicBaseUrl) brings its own TLS policy.',
      },
    );
    new CfnOutput(this, 'EdgeUrl', {
      value: `https://${distribution.distributionDomainName}`,
      description: 'Signup endpoint behind WAF: use it as subscribers.publicBaseUrl and in the signup form',
    });
    return distribution;
  }

  /** Easy DKIM and a custom MAIL FROM domain, with the DNS records to add printed as outputs. */
  private addDomainIdentity(domain: string, mailFromLabel: string): void {
    const mailFrom = `${mailFromLabel}.${domain}`;
    const identity = new ses.EmailIdentity(this, 'Identity', {
      identity: ses.Identity.domain(domain),
      configurationSet: this.configurationSet,
      mailFromDomain: mailFrom,
      dkimSigning: true,
    });
    identity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        value: `${record.name} CNAME ${record.value}`,
        description: `DKIM record ${i + 1} of 3 to add to DNS`,
      });
    });
    new CfnOutput(this, 'MailFromMxRecord', {
      value: `${mailFrom} MX 10 feedback-smtp.${Stack.of(this).region}.amazonses.com`,
      description: 'MAIL FROM domain MX record',
    });
    new CfnOutput(this, 'MailFromSpfRecord', {
      value: `${mailFrom} TXT "v=spf1 include:amazonses.com ~all"`,
      description: 'MAIL FROM domain SPF record',
    });
    new CfnOutput(this, 'DmarcRecord', {
      value: `_dmarc.${domain} TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}"`,
      description: 'Starting DMARC policy; tighten p= once reports are clean',
    });
  }

  /** SES pauses sending around 10 % bounces or 0.5 % complaints; alarm well before that. */
  private addReputationAlarms(actions: cloudwatch.IAlarmAction[]): void {
    const alarms = [
      { id: 'BounceRateAlarm', metricName: 'Reputation.BounceRate', threshold: 0.05 },
      { id: 'ComplaintRateAlarm', metricName: 'Reputation.ComplaintRate', threshold: 0.001 },
    ];
    for (const { id, metricName, threshold } of alarms) {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: `SES account ${metricName} is over ${threshold * 100} %`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SES',
          metricName,
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.hours(1),
        }),
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      for (const action of actions) alarm.addAlarmAction(action);
    }
  }

  /**
   * A feedback event left on its dead-letter queue is a bounce or complaint not recorded (the address is mailed
   * again); a signup left there never gets its confirmation mail. Either one is worth a look at once.
   */
  private addDeadLetterAlarms(actions: cloudwatch.IAlarmAction[]): void {
    const queues: [string, sqs.IQueue | undefined, string][] = [
      [
        'FeedbackDeadLettersAlarm',
        this.feedbackDeadLetters,
        'SES feedback events failed every retry (FeedbackDeadLetters): replay them once the cause is fixed',
      ],
      [
        'SignupDeadLettersAlarm',
        this.signupQueue?.deadLetterQueue?.queue,
        'Queued signups failed five times (SignupDeadLetters): no confirmation mail went out',
      ],
    ];
    for (const [id, queue, description] of queues) {
      if (!queue) continue;
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      for (const action of actions) alarm.addAlarmAction(action);
    }
  }

  private acknowledgeNagFindings(): void {
    Validations.of(this.hashKeySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the log-hash key only makes older log lines uncorrelatable; it is rotated by hand (docs/subscribers.md) so counters in flight keep their keys.',
    });
    Validations.of(this.keySecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Keys rotate by adding a key id to the secret (docs/subscribers.md): links already sent must keep verifying for the grace period, which a rotation Lambda replacing the value would break.',
    });
  }
}
