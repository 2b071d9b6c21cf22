// The `digest` command: bin/digest.js runs this file compiled to dist/cli/ (npm's `prepare` builds it).
import { CommanderError } from 'commander';
import { DigestError } from '../core/errors.ts';
import { createProgram } from './program.ts';

const args = process.argv.slice(2);
try {
  await (await createProgram(args)).parseAsync(args, { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof DigestError) {
    console.error(`digest: ${error.message}`);
    process.exit(1);
  }
  const aws = awsProblem(error);
  if (aws) {
    console.error(`digest: ${aws}`);
    process.exit(1);
  }
  throw error;
}

/**
 * What an AWS SDK error means to the person at the terminal, in one line: no credentials, no connection, or a
 * refusal (an expired session, a missing permission or table). Anything else is a bug and keeps its stack.
 */
function awsProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError')
    return `no AWS credentials found (${error.message}): set AWS_PROFILE or AWS_ACCESS_KEY_ID, or sign in (aws sso login)`;
  if (!('$metadata' in error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code))
    return `AWS cannot be reached (${error.message})`;
  return `AWS refused the request: ${error.name}: ${error.message}`;
}
