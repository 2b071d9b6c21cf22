// `npm test`'s set-up step (the `pretest` script): the browser tests need Debian's chromium. Installed here when
// this is root on a machine with apt-get; otherwise the run stops at once with one line naming what to install.
// The browser tests are never skipped silently, and no browser is ever downloaded.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface MachineFacts {
  chromiumPresent: boolean;
  isRoot: boolean;
  hasAptGet: boolean;
}

export type ChromiumPlan =
  | { action: 'ready' }
  | { action: 'install'; commands: string[][] }
  | { action: 'stop'; message: string };

/** What the set-up step does on a machine with these facts. */
export function planChromium(facts: MachineFacts): ChromiumPlan {
  if (facts.chromiumPresent) return { action: 'ready' };
  if (facts.isRoot && facts.hasAptGet)
    return {
      action: 'install',
      commands: [
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', 'chromium'],
      ],
    };
  return {
    action: 'stop',
    message: `npm test needs Debian's chromium at ${CHROMIUM_PATH} for the browser tests: install it with \`sudo apt-get install chromium\`, then run npm test again.`,
  };
}

function machineFacts(): MachineFacts {
  return {
    chromiumPresent: existsSync(CHROMIUM_PATH),
    isRoot: process.getuid?.() === 0,
    hasAptGet: spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0,
  };
}

/** Carries out the plan; returns the exit code. */
function ensureChromium(): number {
  const plan = planChromium(machineFacts());
  if (plan.action === 'ready') return 0;
  if (plan.action === 'install') {
    console.error(`Installing Debian's chromium for the browser tests (${CHROMIUM_PATH} is missing)...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const [command = '', ...args] of plan.commands) {
      if (spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env }).status !== 0) break;
    }
    if (existsSync(CHROMIUM_PATH)) return 0;
    console.error(
      'apt-get could not install chromium: install it by hand (`apt-get install chromium`), then run npm test again.',
    );
    return 1;
  }
  console.error(plan.message);
  return 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = ensureChromium();
