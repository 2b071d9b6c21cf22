import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Run {
  code: number | null;
  stderr: string;
}

/** `digest …` as an editor runs it, with only the environment given (no AWS credentials unless given). */
function digestCli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/digest.js', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: 'eu-west-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** stderr without the SDK's notice that its later versions need a newer Node. */
const said = (run: Run) =>
  run.stderr
    .split('\n')
    .filter((line) => line.startsWith('digest:'))
    .join('\n');

describe('digest commands that reach AWS, when AWS cannot be reached', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'no-aws-home-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const resources = ['--digests-table', 'digests', '--bucket', 'articles'];

  it('says there are no AWS credentials in one line, not a stack trace', async () => {
    // Act
    const run = await digestCli({ HOME: home }, 'edits', 'digest-20261123T0700Z', ...resources);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(said(run)).toBe(
      'digest: no AWS credentials found (Could not load credentials from any providers): set AWS_PROFILE or AWS_ACCESS_KEY_ID, or sign in (aws sso login)',
    );
  });

  it('says AWS cannot be reached in one line, not a stack trace', async () => {
    // Act
    const run = await digestCli(
      { HOME: home, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
      'preview',
      '--digest',
      'digest-20261123T0700Z',
      '--no-open',
      '--endpoint',
      'http://127.0.0.1:9',
      ...resources,
    );

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(said(run)).toBe('digest: AWS cannot be reached (connect ECONNREFUSED 127.0.0.1:9)');
  });
});
