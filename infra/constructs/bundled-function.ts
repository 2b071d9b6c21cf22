import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, type ILocalBundling, type RemovalPolicy, Token } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../../src/core/errors.ts';
import type { LambdaEnvironment, LambdaName, OptionalVariable } from '../../src/handlers/environment.ts';
import { copyKeptBundle } from '../bundle-cache.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Lambda refuses, at deploy, a function whose environment variables (names and values) pass 4 KB. */
const ENVIRONMENT_LIMIT_BYTES = 4 * 1024;

/**
 * Refuses at synth an environment that is over Lambda's limit already without the values only known at deploy
 * (table names, queue URLs: counted as empty, so a refusal is never wrong), naming its longest variables.
 */
function checkEnvironmentSize(path: string, environment: Record<string, string>): void {
  const sizes = Object.entries(environment).map(([name, value]) => ({
    name,
    bytes: Token.isUnresolved(value) ? 0 : Buffer.byteLength(value),
    total: Buffer.byteLength(name) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(value)),
  }));
  const total = sizes.reduce((sum, size) => sum + size.total, 0);
  if (total <= ENVIRONMENT_LIMIT_BYTES) return;
  const longest = sizes
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((size) => `${size.name} (${size.bytes})`)
    .join(', ');
  throw new ConfigError(
    `${path}: the function's environment is at least ${total} bytes, over Lambda's 4 KB (4096), which would fail the deploy; shorten the settings behind ${longest}`,
  );
}

export interface BundledFunctionProps<N extends LambdaName> {
  /** The handler: `functions/<handler>.ts`, which exports `handler` and parses its environment with the schema of this name. */
  handler: N;
  description: string;
  /** The handler's environment, typed by its schema (src/handlers/environment.ts): a missing variable fails to compile. */
  environment: LambdaEnvironment<N>;
  /** @default Duration.seconds(30) */
  timeout?: Duration;
  /** @default 512 */
  memorySize?: number;
  /** What happens to the log group when the stack is deleted. */
  logRemovalPolicy: RemovalPolicy;
  /** Where the Errors and Throttles alarms notify; none still leaves the alarms in CloudWatch. */
  alarmActions: readonly IAlarmAction[];
  /** Most concurrent executions: a flood is throttled beyond it. @default unreserved */
  reservedConcurrentExecutions?: number;
  /** Where failed asynchronous invocations are kept after Lambda's retries. @default none */
  deadLetterQueue?: IQueue;
  /**
   * Ship the email templates beside the bundle, precompiled (`digest templates`: MJML compiled to HTML once, so
   * the handler renders with Handlebars alone), for handlers that render. @default false
   */
  templates?: boolean;
}

/**
 * Builds the asset of `functions/<handler>.ts` with infra/lambda-bundle.ts in a child process (CDK stages assets
 * synchronously; esbuild's plugins need its asynchronous API), or copies the bundle an earlier synth made from the
 * same files (infra/bundle-cache.ts). Its fields are part of CDK's asset cache key, so each handler gets its own
 * bundle.
 */
class LocalLambdaBundling implements ILocalBundling {
  constructor(
    readonly handler: string,
    readonly templates: boolean,
  ) {}

  tryBundle(outputDir: string): boolean {
    if (copyKeptBundle({ handler: this.handler, templates: this.templates, outdir: outputDir })) return true;
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/lambda-bundle.ts',
        this.handler,
        outputDir,
        ...(this.templates ? ['--templates'] : []),
      ],
      { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return true;
  }
}

/**
 * Every Lambda of the stack: bundled locally by esbuild (no Docker; infra/lambda-bundle.ts), Node.js 24 on arm64,
 * one minified ESM file with source maps and every dependency inside (what it imports on first use in chunks
 * beside it), its own log group kept a month, a role that starts with no permissions beyond writing that log
 * group, and alarms on errors and throttles.
 */
export class BundledFunction<N extends LambdaName> extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps<N>) {
    super(scope, id);
    checkEnvironmentSize(this.node.path, props.environment as Record<string, string>);
    this.logGroup = new LogGroup(this, 'Logs', {
      // One retention for every Lambda's logs.
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole: log writes to this log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.function = new LambdaFunction(this, 'Function', {
      // Bundled here by esbuild (no Docker): the hash of the bundle is the asset's, as NodejsFunction does.
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling either succeeds or fails the synth.
          image: Runtime.NODEJS_24_X.bundlingImage,
          local: new LocalLambdaBundling(props.handler, props.templates ?? false),
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.reservedConcurrentExecutions !== undefined && {
        reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      }),
      ...(props.deadLetterQueue && { deadLetterQueue: props.deadLetterQueue }),
      environment: props.environment as Record<string, string>,
    });
    for (const [name, metric] of [
      ['Errors', this.function.metricErrors({ period: Duration.minutes(5) })],
      ['Throttles', this.function.metricThrottles({ period: Duration.minutes(5) })],
    ] as const) {
      new Alarm(this, `${name}Alarm`, {
        alarmDescription: `${props.description}: ${name.toLowerCase()} in the last 5 minutes`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(...props.alarmActions);
    }
  }

  /** Sets a variable the handler's schema has as optional, once another construct knows its value. */
  addEnvironment(name: OptionalVariable<N>, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
