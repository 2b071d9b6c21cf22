// How bin/digest.js starts the CLI: in its own process, or, for a command that builds digests from a large folder,
// in a second node process whose V8 background threads fit the machine's cores.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * Commands whose work grows with the folder they read, and the option that names it; the others start in a few tens
 * of milliseconds. The studio (`preview`) builds again after every change to the folder, so its rebuilds gain too.
 */
const FOLDER_OPTIONS: Readonly<Record<string, string>> = {
  build: '--input',
  summarize: '--input',
  preview: '--input',
};

/** V8 background threads (`--v8-pool-size`) Node starts whatever the machine's cores. */
const NODE_DEFAULT_POOL_SIZE = 4;

/** Set in the environment of the process `relaunch` starts (and taken out of it there). */
const RELAUNCHED = 'DIGEST_RELAUNCHED';

/**
 * Signals a terminal or a supervisor sends to stop the command (Ctrl+C, Ctrl+\, a kill, a closed terminal): passed
 * on to the process that runs it. One left out ends the first process alone by its default action, and the second
 * runs on until it notices its parent is gone (between two steps of its work, not during one).
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * Entries of the input folder from which starting a second process pays: it costs about 70 ms, and the fitted
 * threads saved about 150 ms at 1,000 articles (docs/benchmarks.md, "V8's background threads").
 */
export const RELAUNCH_MIN_ENTRIES = 1000;

/**
 * Node flags for a process that builds digests from a folder of `entries` entries on a machine with `cores` cores:
 * V8's background threads (its optimising compiler and the garbage collector's helpers) one fewer than the cores,
 * so they never take the main thread's core. With Node's four on 2 cores, `digest build` took 12 % longer at 1,000
 * articles and 7 % at 10,000 (docs/benchmarks.md). None from 5 cores, where Node's default already leaves the main
 * thread a core, and none below RELAUNCH_MIN_ENTRIES entries, where they would not repay the second process.
 */
export function buildNodeFlags(entries: number, cores = availableParallelism()): string[] {
  const size = Math.max(1, cores - 1);
  return entries >= RELAUNCH_MIN_ENTRIES && size < NODE_DEFAULT_POOL_SIZE ? [`--v8-pool-size=${size}`] : [];
}

/** What `relaunchFlags` reads of this process and machine; tests give their own. */
export interface LaunchContext {
  /** Node's own command-line flags. @default process.execArgv */
  execArgv?: readonly string[];
  /** @default process.env.NODE_OPTIONS */
  nodeOptions?: string;
  /** @default availableParallelism() */
  cores?: number;
  /** Entries in a folder and its subfolders, at least those up to `atLeast`; 0 when it cannot be read. @default a readdir */
  entriesIn?: (dir: string, atLeast: number) => number;
}

/**
 * The node flags to run the CLI `args` with in a new process; none when this process runs them as it is: a command
 * that builds nothing or from a folder too small to gain, a machine whose cores need no flag, or node flags chosen
 * by whoever started it (command-line flags or NODE_OPTIONS, an inspector among them, which a second process would
 * start again).
 */
export function relaunchFlags(args: readonly string[], context: LaunchContext = {}): string[] {
  const {
    execArgv = process.execArgv,
    nodeOptions = process.env.NODE_OPTIONS,
    entriesIn = countEntries,
  } = context;
  if (execArgv.length > 0 || nodeOptions?.trim()) return [];
  const command = args.find((arg) => !arg.startsWith('-'));
  const option = command === undefined ? undefined : FOLDER_OPTIONS[command];
  const folder = option === undefined ? undefined : optionValue(args, option);
  return folder === undefined ? [] : buildNodeFlags(entriesIn(folder, RELAUNCH_MIN_ENTRIES), context.cores);
}

/** The value of `--name value` or `--name=value` in `args`, as commander reads it. */
function optionValue(args: readonly string[], name: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === name) return args[i + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** Entries of `dir` and its subfolders, read until `atLeast` are found; 0 when it cannot be read (the command says why). */
function countEntries(dir: string, atLeast: number): number {
  let count = 0;
  try {
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (++count >= atLeast) return;
        if (entry.isDirectory()) walk(join(folder, entry.name));
      }
    };
    walk(dir);
  } catch {
    return 0;
  }
  return count;
}

/**
 * Runs the CLI module `main` in this process, or in a child node process with `relaunchFlags`: it shares this
 * process's terminal, is sent the stop signals this one gets, ends when this one ends, and its exit (code or signal)
 * is this one's. When the child cannot start, the command runs here.
 */
export async function launch(main: URL): Promise<void> {
  stopWithParent();
  const flags = relaunchFlags(process.argv.slice(2));
  const exit = flags.length > 0 ? await relaunch(flags) : undefined;
  if (!exit) await import(main.href);
  else if (exit.signal) process.kill(process.pid, exit.signal);
  else process.exitCode = exit.code ?? 1;
}

/**
 * In the process `relaunch` started: the channel to the parent, which closes when the parent ends however it ends (even
 * killed outright, with no signal to pass on), ends this one too. The channel alone keeps nothing running.
 */
function stopWithParent(): void {
  if (process.env[RELAUNCHED] !== 'yes') return;
  delete process.env[RELAUNCHED];
  // Nobody is left to read its exit code; exit() ends it the same way on every platform.
  const stop = () => process.exit(1);
  // A parent that ended while this process started took the channel with it before this code ran.
  if (process.channel && process.connected) {
    process.channel.unref();
    process.once('disconnect', stop);
  } else stop();
}

/** How a child process ended. */
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs this command again in a child node process with `flags`: how it exited, or none when it did not start. */
async function relaunch(flags: string[]): Promise<Exit | undefined> {
  // Listening before the child exists: a signal that comes while it starts is passed on once it has started.
  let child: ChildProcess | undefined;
  // Windows sends no SIGHUP or SIGQUIT to a process (ENOSYS): the child is then ended as Node ends one there.
  const pass = (signal: NodeJS.Signals) => {
    try {
      child?.kill(signal);
    } catch {
      child?.kill();
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, pass);
  try {
    const started = spawn(process.execPath, [...flags, ...process.argv.slice(1)], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [RELAUNCHED]: 'yes' },
    });
    child = started;
    return await new Promise<Exit | undefined>((resolve) => {
      let running = false;
      started.once('spawn', () => {
        running = true;
      });
      started.once('exit', (code, signal) => resolve({ code, signal }));
      // Before 'spawn': the child never ran. After it (a signal that could not be passed on): its exit still comes.
      started.on('error', () => {
        if (!running) resolve(undefined);
      });
    });
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, pass);
  }
}
