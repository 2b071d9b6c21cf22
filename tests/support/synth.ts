import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseStackConfig } from '../../infra/config.ts';
import { DigestStack } from '../../infra/digest-stack.ts';
import { testApp } from './cdk-context.ts';

const run = promisify(execFile);

/** The `email` block a stack that wires sending needs. */
export const SENDING_EMAIL = {
  organisation: 'Morning Brief Ltd',
  postalAddress: ['12 Quay Street', 'Galway H91 X2E0', 'Ireland'],
  newsletterName: 'Morning Brief',
};

export interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string }[];
    suppressedViolations: {
      ruleName: string;
      reason: string;
      acknowledgedId: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

export interface SynthesisedStack {
  template: Template;
  report: ValidationReport;
  outdir: string;
  /** Folder of the bundled code of the Lambda function with this logical id prefix. */
  bundleDir(logicalIdPrefix: string): string;
  /**
   * Imports the function's bundled index.mjs in a fresh Node process with only `env` (and PATH) set, as a cold
   * start does, and resolves to `typeof handler`; rejects with the process's error output.
   */
  loadBundle(logicalIdPrefix: string, env: Record<string, string>): Promise<string>;
}

/** Synthesises the app as `cdk synth` does (same config parser, cdk-nag plugin) into a fresh folder. */
export function synthesiseDigestStack(rawConfig: unknown): SynthesisedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
  const app = testApp({ outdir });
  const stack = new DigestStack(app, 'NewsletterDigest', {
    config: parseStackConfig(rawConfig),
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
  const template = Template.fromJSON(
    JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), 'utf-8')),
  );
  const report = JSON.parse(
    readFileSync(join(outdir, 'validation-report.json'), 'utf-8'),
  ) as ValidationReport;
  return {
    template,
    report,
    outdir,
    async loadBundle(logicalIdPrefix, env) {
      const bundle = join(this.bundleDir(logicalIdPrefix), 'index.mjs');
      const load = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m.handler);`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', load], {
        env: { PATH: process.env.PATH, ...env },
        cwd: outdir,
      });
      return stdout.trim();
    },
    bundleDir(logicalIdPrefix) {
      const functions = template.findResources('AWS::Lambda::Function');
      const entry = Object.entries(functions).find(([id]) => id.startsWith(logicalIdPrefix));
      const key = entry?.[1].Properties.Code.S3Key as string | undefined;
      if (!key) throw new Error(`no function ${logicalIdPrefix}* in the template`);
      return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    },
  };
}
