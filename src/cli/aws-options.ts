import { type Command, Option } from 'commander';
import { UsageError } from '../core/errors.ts';

/** Options every command that talks to AWS shares; names default from the environment (see docs/operations.md). */
export interface AwsOptions {
  endpoint?: string;
  region?: string;
}

export function withAwsOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--endpoint <url>', 'AWS endpoint, e.g. a local moto server').env('AWS_ENDPOINT_URL'),
    )
    .addOption(new Option('--region <region>', 'AWS region').env('AWS_REGION'));
}

/** SDK client settings for the options: path-style S3 addressing when an endpoint is given. */
export function clientConfig(options: AwsOptions) {
  return {
    ...(options.region && { region: options.region }),
    ...(options.endpoint && { endpoint: options.endpoint, forcePathStyle: true }),
  };
}

/** A named resource option that falls back to an environment variable (a stack output). */
export function resourceOption(flags: string, description: string, env: string): Option {
  return new Option(flags, `${description} (stack output)`).env(env);
}

export function required<T>(value: T | undefined, option: string): T {
  if (value === undefined || value === '')
    throw new UsageError(`${option} is required (flag or environment)`);
  return value;
}

/** Parses `--window`, the end of a digest window (the schedule's time); default now. */
export function parseWindowEnd(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--window ${text} is not an ISO 8601 date`);
  return date;
}
