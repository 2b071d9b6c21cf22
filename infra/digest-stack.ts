import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
import { Sending } from './constructs/sending.ts';
import { Subscribers } from './constructs/subscribers.ts';

export interface DigestStackProps extends StackProps {
  config: StackConfig;
}

/** The whole product in one stack: one construct per capability, wired together here. */
export class DigestStack extends Stack {
  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    const subscribers = new Subscribers(this, 'Subscribers', {
      ...props.config.subscribers,
      retainData: props.config.retainData,
    });
    const { senderAddress, mailDomain, newsletterName, publicBaseUrl } = props.config.subscribers;
    const sender = senderAddress ?? (mailDomain ? `digest@${mailDomain}` : undefined);
    if (sender) {
      new Sending(this, 'Sending', {
        ...props.config.sending,
        subscriberTable: subscribers.table,
        keySecret: subscribers.keySecret,
        configurationSet: subscribers.configurationSet,
        feedbackFunction: subscribers.feedbackFunction,
        linkBase: publicBaseUrl ?? subscribers.endpointUrl.url,
        senderAddress: sender,
        senderName: newsletterName ?? 'the digest',
        retainData: props.config.retainData,
      });
    }
  }
}
