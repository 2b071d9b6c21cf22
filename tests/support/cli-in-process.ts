import { Command } from 'commander';
import { vi } from 'vitest';

/** What `digest …` printed in-process (console.log and console.error lines), and the error it failed with. */
export interface CliRun {
  out: string[];
  err: string[];
  error: unknown;
}

/**
 * Runs `digest …` in this process with the given command modules registered, as moto's test credentials;
 * the console output is captured, not shown.
 */
export async function runDigestInProcess(
  registers: readonly ((program: Command) => void)[],
  args: readonly string[],
): Promise<CliRun> {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const program = new Command('digest').exitOverride();
  for (const register of registers) register(program);
  let error: unknown;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err, error };
}
