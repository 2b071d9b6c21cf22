import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseStackConfig } from './config.ts';
import { DigestStack } from './digest-stack.ts';

const app = new App();
const config = parseStackConfig(app.node.tryGetContext('digest:config'));
new DigestStack(app, 'NewsletterDigest', {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
