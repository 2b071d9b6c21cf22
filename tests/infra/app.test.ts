import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../support/cdk-context.ts';

const run = promisify(execFile);

/** Runs infra/app.ts as `cdk synth` does: the context in CDK_CONTEXT_JSON, the output folder in CDK_OUTDIR. */
async function synthApp(context: Record<string, unknown>): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      env: {
        PATH: process.env.PATH,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'cdk-app-')),
      },
    });
    return { code: 0, stderr };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe('infra/app.ts', () => {
  it('stops a bad digest:config with its one message, no stack trace', async () => {
    // Prepare: a misspelt key, as `cdk -c 'digest:config={...}'` hands it over (a string).
    const context = { 'digest:config': '{"sending":{"enabled":false},"ingestBatchSise":5}' };

    // Act
    const { code, stderr } = await synthApp(context);

    // Assess
    expect(code).toBe(1);
    expect(stderr).toContain('unknown key "ingestBatchSise" (did you mean "ingestBatchSize"?)');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('ConfigError');
  });
});

describe('cdk.json', () => {
  it('sets every feature flag the pinned aws-cdk-lib recommends, at its recommended value (what `cdk init` writes)', () => {
    // Prepare: the list `cdk init` copies into a new project's cdk.json, from the installed aws-cdk-lib
    const file = createRequire(import.meta.url).resolve('aws-cdk-lib/recommended-feature-flags.json');
    const recommended = JSON.parse(readFileSync(file, 'utf-8')) as Record<string, unknown>;

    // Act
    const context = cdkJsonContext();

    // Assess
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    const differing = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value))
      .map(
        ([flag, value]) => `${flag}: ${JSON.stringify(context[flag])}, recommended ${JSON.stringify(value)}`,
      );
    expect(differing).toEqual([]);
  });
});
