import { relative } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const BUILD_CLI = 'tests/support/build-cli.ts';
const MOTO = 'tests/support/moto-setup.ts';

/**
 * The files that take longest (a minute or more on 2 cores), started first so that neither is left running alone at
 * the end. vitest orders the rest: by the durations of the last run where it has them, largest file first on a fresh
 * clone.
 */
const LONGEST = ['tests/e2e/regex-safety.test.ts', 'tests/e2e/bench.test.ts'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST.indexOf(relative(this.ctx.config.root, file.moduleId));
      return index === -1 ? LONGEST.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/** A project of the folder's tests: `npx vitest run --project NAME` runs one. */
function project(
  name: string,
  include: string[],
  globalSetup: string[],
  options: Partial<TestProjectInlineConfiguration['test']> = {},
): TestProjectInlineConfiguration {
  return { extends: true, test: { name, include, globalSetup, ...options } };
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // moto is one shared account: files that use it clean up their own resources by unique names.
    pool: 'forks',
    // One file per core at once, where vitest's default leaves a core free: most files wait on moto, Chromium or
    // a child process (the CLI, esbuild, recheck) as much as they compute, and on 2 cores the default is one file
    // at a time.
    maxWorkers: '100%',
    sequence: { sequencer: LongestFirst },
    projects: [
      // The quick loop (`npm run test:unit`): no moto, no browser, no Python; two tests run the built CLI.
      // Pure tests share one module graph in worker threads: a fork and a fresh import per file tripled the time.
      project('unit', ['tests/unit/**/*.test.ts'], [BUILD_CLI], { pool: 'threads', isolate: false }),
      // Adapters, handlers and CLI commands against a local moto server.
      project('aws', ['tests/adapter/**/*.test.ts'], [BUILD_CLI, MOTO]),
      // CDK Template assertions and cdk-nag; bundles that send run against moto.
      // Files share a process (`isolate: false`): aws-cdk-lib loads once, and the CloudFormation schema engine its
      // synth validates with (seconds to start) is started once per process, not once per file.
      project('infra', ['tests/infra/**/*.test.ts'], [MOTO], { isolate: false }),
      // End to end and whole-program: the built CLI, `npm run bench` on tiny inputs, every regular expression
      // in src/ through recheck, the studio and subscription pages in headless Chromium.
      project('e2e', ['tests/e2e/**/*.test.ts'], [BUILD_CLI, MOTO]),
    ],
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'tests/artifacts/vitest-results.json' }]],
  },
});
