import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  type ICommandHooks,
  NodejsFunction,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { LambdaEnvironment, LambdaName, OptionalVariable } from '../../src/handlers/environment.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

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

/** The SDK's default credential provider chain, which every client's runtime config imports. */
const AWS_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';

/** How every BundledFunction is bundled; exported so the benchmark builds the very same bundles. */
export const BUNDLED_FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  // Node 20 syntax: the same bundle must load on the developers' Node 20.
  target: 'node20',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // Bundled, not taken from the runtime: the tested SDK version is the deployed one.
  externalModules: [],
  mainFields: ['module', 'main'],
  // Some bundled CommonJS dependencies call require() for Node built-ins.
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  // Stack traces point at the TypeScript sources; the source map is read when a stack is first formatted, not at
  // every cold start as NODE_OPTIONS=--enable-source-maps would (src/adapters/lazy-source-maps.ts).
  inject: [`${projectRoot}src/adapters/lazy-source-maps.ts`],
  esbuildArgs: {
    // Lambda passes credentials in the environment: the SDK's default chain beyond that is never reached there
    // (src/adapters/lambda-credentials.ts). Paths are relative to the project root, where bundling runs.
    '--alias': [`${AWS_CREDENTIAL_CHAIN}=./src/adapters/lambda-credentials.ts`],
  },
  forceDockerBundling: false,
} satisfies BundlingOptions;

/**
 * Writes the email templates beside a bundle, precompiled by the CLI the `prepare` script built (`digest
 * templates`): esbuild does not copy them, and with the MJML compiled to HTML the handler needs no mjml.
 */
export const PRECOMPILED_TEMPLATES_HOOKS: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) => [
    `node "${inputDir}/bin/digest.js" templates --templates "${inputDir}/templates" --out "${outputDir}/templates"`,
  ],
};

/**
 * Every Lambda of the stack: bundled locally by esbuild (no Docker), Node.js 24 on arm64, one minified ESM file
 * with source maps and every dependency inside, its own log group kept a month, a role that starts with no permissions
 * beyond writing that log group, and alarms on errors and throttles.
 */
export class BundledFunction<N extends LambdaName> extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps<N>) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      // One retention for every Lambda's logs.
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole: log writes to this log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}functions/${props.handler}.ts`,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
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
      bundling: {
        ...BUNDLED_FUNCTION_BUNDLING,
        ...(props.templates && { commandHooks: PRECOMPILED_TEMPLATES_HOOKS }),
      },
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
