import { execFileSync } from 'node:child_process';

const shared = globalThis as { cliBuilt?: boolean };

/** Global setup of the projects whose tests run bin/digest.js: the compiled CLI, rebuilt once per run from the sources under test. */
export default function setup(): void {
  if (shared.cliBuilt) return;
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  shared.cliBuilt = true;
}
