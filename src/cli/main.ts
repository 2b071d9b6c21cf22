// The `digest` command: bin/digest.js runs this file compiled to dist/cli/ (npm's `prepare` builds it).
import { CommanderError } from 'commander';
import { awsProblem } from '../adapters/aws-errors.ts';
import { DigestError } from '../core/errors.ts';
import { createProgram } from './program.ts';

/**
 * The AWS SDK's notice that its versions published after the first week of January 2027 need Node 22: printed by
 * every AWS command on Node 20 and 21 (nine lines before the command's own), though the SDK that package-lock.json
 * installs runs on Node 20, which this package supports (`engines`). It concerns whoever updates the SDK, and
 * README.md (Requirements) says it there. Only this notice is turned off, with the SDK's own switch, and only when
 * the user has not set that switch: `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false` shows it (once).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
