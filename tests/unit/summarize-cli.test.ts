import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Point } from '../../src/core/digest.ts';
import { wordCount } from '../../src/core/text/tokens.ts';

const run = promisify(execFile);
const folders: string[] = [];
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function storyFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'digest-summarize-'));
  folders.push(dir);
  await writeFile(
    join(dir, 'one.txt'),
    'Minister resigns over budget leak\n\nThe finance minister resigned on Tuesday after the budget was leaked to reporters.\nThe opposition welcomed the resignation of the finance minister on Tuesday evening.\n',
  );
  await writeFile(
    join(dir, 'two.txt'),
    'Finance minister quits\n\nThe finance minister resigned on Tuesday after the budget was leaked to reporters.\nA new finance minister will be named by the prime minister before the budget vote.\n',
  );
  await writeFile(join(dir, 'empty.txt'), '');
  return dir;
}

describe('digest summarize', () => {
  it('prints the points with every article they come from, and warns about bad files', async () => {
    // Prepare
    const dir = await storyFolder();

    // Act
    const { stdout, stderr } = await run('node', [
      'bin/digest.js',
      'summarize',
      '--input',
      dir,
      '--words',
      '40',
      '--json',
    ]);

    // Assess
    const points = JSON.parse(stdout) as Point[];
    expect(points.reduce((n, p) => n + wordCount(p.text), 0)).toBeLessThanOrEqual(40);
    expect(points).toContainEqual({
      text: 'The finance minister resigned on Tuesday after the budget was leaked to reporters.',
      sources: ['one.txt', 'two.txt'],
    });
    expect(stderr).toMatch(/warning: skipped empty\.txt/);
  });

  it('prints the summary as plain sentences and rejects a bad word budget', async () => {
    // Prepare
    const dir = await storyFolder();

    // Act
    const { stdout } = await run('node', ['bin/digest.js', 'summarize', '--input', dir]);
    const failure = await run('node', [
      'bin/digest.js',
      'summarize',
      '--input',
      dir,
      '--words',
      'many',
    ]).catch((error: { code: number; stderr: string }) => error);

    // Assess
    expect(stdout.trim().split('\n')[0]).toMatch(/^The finance minister/);
    expect('code' in failure && failure.code).toBe(1);
    expect('stderr' in failure && failure.stderr).toMatch(/--words many is not a positive whole number/);
  });
});
