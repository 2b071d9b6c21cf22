import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every command module, loaded only when one of its commands runs: the AWS SDK, mjml and Readability cost
 * hundreds of milliseconds to load, and `digest --help` or `digest build` need none of the others.
 * `commands` names what the module registers (as commander spells it, with arguments) and describes it for the
 * top-level help, which lists them without loading anything; tests/unit/cli-program.test.ts checks that these
 * match what the modules register. A new command is one entry here.
 */
export const COMMAND_MODULES: { load: () => Promise<Register>; commands: Record<string, string> }[] = [
  {
    load: () => import('./commands/build.ts').then((m) => m.registerBuild),
    commands: { build: 'build a digest from a folder of articles' },
  },
  {
    load: () => import('./commands/summarize.ts').then((m) => m.registerSummarize),
    commands: { summarize: 'summarise a folder of articles about one story in whole sentences' },
  },
  {
    load: () => import('./commands/subscribers.ts').then((m) => m.registerSubscribers),
    commands: { subscribers: 'manage subscribers in the DynamoDB table' },
  },
  {
    load: () => import('./commands/operations.ts').then((m) => m.registerOperations),
    commands: {
      'status [digestId]':
        'recent digests (or one, with its send report) with window, counts and state; and whether digests are paused',
      'approve <digestId>': 'review mode: hand a pending digest to sending',
      'reject <digestId>': 'review mode: never send a pending digest',
      pause: 'stop scheduled digests until resume',
      resume: 'let scheduled digests run again',
      'run-now': 'invoke the deployed digest Lambda for the window ending at --window (default now)',
    },
  },
  {
    load: () => import('./commands/edit.ts').then((m) => m.registerEdit),
    commands: {
      'edit <digestId> <action> [args...]':
        'review mode: change a pending digest; its approve renders the archive',
      'edits <digestId>':
        'review mode: a digest as edited (numbered themes, points and alternatives) and its edits',
      'undo <digestId>': 'review mode: take the last edit of a pending digest back',
    },
  },
  {
    load: () => import('./commands/preview.ts').then((m) => m.registerPreview),
    commands: {
      preview:
        'serve a live preview of the digest built from a folder of articles, or (--bucket) build the one the scheduled run would send',
    },
  },
  {
    load: () => import('./commands/send.ts').then((m) => m.registerSend),
    commands: {
      'send-test <digestId>': 'send one copy of an archived digest to an editor (not recorded in the ledger)',
    },
  },
  {
    load: () => import('./commands/dev.ts').then((m) => m.registerDev),
    commands: {
      dev: 'ingest files dropped into a folder as the Lambda would, and preview the digest they make',
    },
  },
  {
    load: () => import('./commands/templates.ts').then((m) => m.registerTemplates),
    commands: {
      templates: 'compile the email templates once (MJML to HTML) into the folder a Lambda bundle ships',
    },
  },
];

/** The command the arguments name (`digest help NAME` names NAME), if any. */
function requestedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program with the requested command's module registered for real, and every other command as a
 * described placeholder for the help; `all` registers every module (the tests compare the two).
 */
export async function createProgram(args: readonly string[], all = false): Promise<Command> {
  const program = new Command('digest')
    .description('Newsletter digest generator: themed, cited email digests from news articles')
    .showHelpAfterError()
    .exitOverride();
  const requested = requestedCommand(args);
  for (const module of COMMAND_MODULES) {
    const specs = Object.entries(module.commands);
    if (all || specs.some(([spec]) => spec.split(' ')[0] === requested)) (await module.load())(program);
    else for (const [spec, description] of specs) program.command(spec).description(description);
  }
  return program;
}
