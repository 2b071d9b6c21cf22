import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * Address subscribed to the topic (it must confirm the subscription).
   * @default - no subscription; subscribe in the console or with `aws sns subscribe`
   */
  alarmEmail?: string;
}

/** The SNS topic every operational alarm notifies: encrypted with its own key, HTTPS only. */
export class AlarmTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // CloudWatch acts for an alarm: only this account's alarms in this region, not another account's (confused deputy).
    const ownAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, so the topic gets a key of its own.
    const key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: `${stack.stackName} alarm topic`,
      // It encrypts alarm messages in transit only, nothing kept: retained, it would outlive the stack and bill.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: ownAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    // The topic policy enforceSSL creates replaces SNS's default one, which let the account's services publish:
    // without this statement CloudWatch is refused (no resource-based policy allows SNS:Publish).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: ownAlarms,
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
  }
}
