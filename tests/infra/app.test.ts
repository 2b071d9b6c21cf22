import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
