import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
import { Subscribers } from './constructs/subscribers.ts';

export interface DigestStackProps extends StackProps {
  config: StackConfig;
}

/** The whole product in one stack: one construct per capability, wired together here. */
export class DigestStack extends Stack {
  constructor(scope: Construct, id: string, props: DigestStackProps) {
    super(scope, id, props);
    new Subscribers(this, 'Subscribers', {
      ...props.config.subscribers,
      retainData: props.config.retainData,
    });
  }
}
