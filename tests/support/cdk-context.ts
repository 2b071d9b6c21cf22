import { readFileSync } from 'node:fs';
import { App, type AppProps } from 'aws-cdk-lib';

const CDK_JSON = new URL('../../cdk.json', import.meta.url);

/**
 * The context `cdk synth` gives the app from cdk.json (its feature flags), without `digest:config`: each test
 * passes the stack's settings itself.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const { context } = JSON.parse(readFileSync(CDK_JSON, 'utf-8')) as { context: Record<string, unknown> };
  const { 'digest:config': _config, ...flags } = context;
  return flags;
}

/** An App with cdk.json's context, as `cdk synth` builds it, plus the test's own context on top. */
export function testApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...cdkJsonContext(), ...props.context } });
}
