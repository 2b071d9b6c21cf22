// The measured parts of the benchmark each run in a fresh node process, bundled with the CLI's esbuild options
// (scripts/build-cli.ts): the code as `digest` runs it, not TypeScript that tsx compiles as it loads.
import { type ExecFileSyncOptionsWithStringEncoding, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../scripts/build-cli.ts';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = 'dist/bench';
const CHILDREN = [
  'build-child.ts',
  'personalise-child.ts',
  'adversarial-child.ts',
  'studio-child.ts',
  'html-child.ts',
];

let bundled: Promise<void> | undefined;

/** Bundles every child, once per benchmark run; call before `runChild`. */
export function bundleChildren(): Promise<void> {
  bundled ??= bundleForNode(
    CHILDREN.map((name) => `bench/${name}`),
    OUT_DIR,
  );
  return bundled;
}

/**
 * Runs a bundled child (`name` as in bench/, e.g. `build-child.ts`), with `nodeFlags` before its script, and
 * returns what it prints.
 */
export function runChild(
  name: string,
  args: string[],
  options: Partial<ExecFileSyncOptionsWithStringEncoding> = {},
  nodeFlags: string[] = [],
): string {
  if (!CHILDREN.includes(name)) throw new Error(`${name} is not a benchmark child`);
  const script = join(projectRoot, OUT_DIR, name.replace(/\.ts$/, '.js'));
  return execFileSync(process.execPath, [...nodeFlags, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    ...options,
  });
}
