import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTemplates } from '../../../src/cli/commands/templates.ts';
import { UsageError } from '../../../src/core/errors.ts';
import { runDigestInProcess } from '../../support/cli-in-process.ts';

const templates = (...args: string[]) => runDigestInProcess([registerTemplates], ['templates', ...args]);

describe('digest templates --out', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'templates-out-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes a new folder, and replaces one it wrote before', async () => {
    // Prepare
    const out = join(work, 'bundle', 'templates');

    // Act
    const first = await templates('--out', out);
    await writeFile(join(out, 'partials', 'old.txt.hbs'), 'left from an older set');
    const again = await templates('--out', out);

    // Assess
    expect(first.error).toBeUndefined();
    expect(again.error).toBeUndefined();
    expect(again.out).toEqual([`10 templates written to ${out}`]);
    expect(await readdir(join(out, 'partials'))).not.toContain('old.txt.hbs');
  });

  it('refuses to replace a file, a folder of other files or the template sources, and leaves them as they were', async () => {
    // Prepare: what a typo could name: a file, the articles, the templates themselves.
    const file = join(work, 'README.md');
    await writeFile(file, '# Read me\n');
    const articles = join(work, 'articles');
    await cp('seeds', articles, { recursive: true });
    const sources = join(work, 'templates');
    await cp('templates', sources, { recursive: true });
    const mjmlOnly = join(work, 'mjml-only');
    await mkdir(mjmlOnly);
    await cp(join('templates', 'digest.mjml.hbs'), join(mjmlOnly, 'digest.mjml.hbs'));
    const contents = async () => [
      await readFile(file, 'utf8'),
      await readdir(articles),
      await readdir(sources, { recursive: true }),
      await readdir(mjmlOnly),
    ];
    const kept = await contents();

    // Act
    const runs = [
      await templates('--out', file),
      await templates('--out', articles),
      await templates('--templates', sources, '--out', sources),
      await templates('--out', mjmlOnly),
    ];

    // Assess
    expect(runs.map((run) => run.error)).toEqual([
      new UsageError(`--out ${file} is a file, not a folder`),
      new UsageError(
        `--out ${articles} holds other files than compiled templates (000_e134260b7217c83b.txt, …): give a new or empty folder, or one digest templates wrote`,
      ),
      new UsageError(
        `--out ${sources} holds other files than compiled templates (client-support-baseline.json, …): give a new or empty folder, or one digest templates wrote`,
      ),
      new UsageError(
        `--out ${mjmlOnly} holds other files than compiled templates (digest.mjml.hbs): give a new or empty folder, or one digest templates wrote`,
      ),
    ]);
    expect(await contents()).toEqual(kept);
  });

  it('says in one line that --out cannot be written when a file is in its path', async () => {
    // Prepare: --out under a file, where no folder can be made.
    const file = join(work, 'README.md');
    await writeFile(file, '# Read me\n');
    const out = join(file, 'templates');

    // Act
    const run = await templates('--out', out);

    // Assess: a UsageError (exit 1, one line), not Node's ENOTDIR with its stack.
    expect(run.error).toEqual(
      new UsageError(`--out ${out} cannot be written: a file is in the way where a folder is needed`),
    );
    expect(await readFile(file, 'utf8')).toBe('# Read me\n');
  });
});
