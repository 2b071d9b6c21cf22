import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Run {
  code: number | null;
  stderr: string;
}

/**
 * `digest …` as an editor runs it, with only the environment given (no AWS credentials unless given; a variable
 * given as undefined is left out, as spawn leaves it).
 */
function digestCli(env: Record<string, string | undefined>, ...args: string[]): Promise<Run> {
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

/** What the command said: all of stderr, the SDK's notice about Node versions included were it shown (it is not). */
const said = (run: Run) => run.stderr.trimEnd();

/** Notices the AWS SDK prints of the running Node's version (on Node 20 and 21, as of SDK 3.981). */
const nodeVersionNotices = (run: Run) => run.stderr.split('NodeVersionSupportWarning').length - 1;

/** The SDK of this project still notices Node 20 and 21 (its later versions need Node 22). */
const sdkNoticesThisNode = Number(process.versions.node.split('.')[0]) < 22;

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

  it('says no AWS region is set, or that it is not valid, in one line, not a stack trace', async () => {
    // Prepare: credentials, but no region anywhere (the HOME has no AWS profile), and an empty one.
    const env = { HOME: home, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };

    // Act
    const [none, empty] = await Promise.all([
      digestCli({ ...env, AWS_REGION: undefined }, 'status', '--digests-table', 'digests'),
      digestCli({ ...env, AWS_REGION: '' }, 'status', '--digests-table', 'digests'),
    ]);

    // Assess
    for (const run of [none, empty]) {
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(said(none)).toBe(
      'digest: no AWS region set: pass --region, set AWS_REGION, or give your AWS profile a region (aws configure)',
    );
    expect(said(empty)).toBe(
      'digest: the AWS region is not valid (Region not accepted: region="" is not a valid hostname component): pass --region or set AWS_REGION to one such as eu-west-1',
    );
  });

  it("prints the AWS SDK's notice about Node versions at most once, and not unless asked, but other warnings", async () => {
    // Prepare: a warning of another kind, emitted in the process before the command runs.
    const env = {
      HOME: home,
      NODE_OPTIONS: "--import=data:text/javascript,process.emitWarning('another-kind-of-warning')",
    };
    const args = ['edits', 'digest-20261123T0700Z', ...resources];

    // Act
    const plain = await digestCli(env, ...args);
    const asked = await digestCli(
      { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' },
      ...args,
    );

    // Assess
    expect(plain.code).toBe(1);
    expect(nodeVersionNotices(plain)).toBe(0);
    expect(plain.stderr).toContain('Warning: another-kind-of-warning');
    expect(asked.code).toBe(1);
    expect(nodeVersionNotices(asked)).toBe(sdkNoticesThisNode ? 1 : 0);
    expect(asked.stderr).toContain('Warning: another-kind-of-warning');
  });
});
