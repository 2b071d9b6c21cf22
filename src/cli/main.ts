// The `digest` command: bin/digest.js runs this file compiled to dist/cli/ (npm's `prepare` builds it).
import { CommanderError } from 'commander';
import { awsProblem } from '../adapters/aws-errors.ts';
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
