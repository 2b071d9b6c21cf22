import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../src/core/errors.ts';
import { parseStackConfig } from './config.ts';
import { DigestStack } from './digest-stack.ts';

const app = new App();
try {
  const config = parseStackConfig(app.node.tryGetContext('digest:config'));
  new DigestStack(app, 'NewsletterDigest', {
    config,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // A setting to fix, not a bug: its message alone, which names the setting, without a stack trace.
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
