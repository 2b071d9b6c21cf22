import { Command, CommanderError } from 'commander';
import { DigestError } from '../core/errors.ts';
import { registerBuild } from './commands/build.ts';
import { registerDev } from './commands/dev.ts';
import { registerEdit } from './commands/edit.ts';
import { registerOperations } from './commands/operations.ts';
import { registerPreview } from './commands/preview.ts';
import { registerSend } from './commands/send.ts';
import { registerSubscribers } from './commands/subscribers.ts';
import { registerSummarize } from './commands/summarize.ts';

const program = new Command('digest')
  .description('Newsletter digest generator: themed, cited email digests from news articles')
  .showHelpAfterError()
  .exitOverride();

registerBuild(program);
registerSummarize(program);
registerSubscribers(program);
registerOperations(program);
registerEdit(program);
registerPreview(program);
registerSend(program);
registerDev(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof DigestError) {
    console.error(`digest: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
