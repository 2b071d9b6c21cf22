import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerBuild } from '../../src/cli/commands/build.ts';
import { UsageError } from '../../src/core/errors.ts';
import { runDigestInProcess } from '../support/cli-in-process.ts';

const build = (...args: string[]) => runDigestInProcess([registerBuild], ['build', ...args]);

describe('digest build --out', () => {
  let work: string;
  let input: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'build-out-'));
    input = join(work, 'articles');
    await cp('seeds', input, { recursive: true });
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('refuses a folder inside the articles, whose digest the next build would read as articles', async () => {
    // Act
    const inside = await build('--input', input, '--out', join(input, 'out'));
    const same = await build('--input', `${input}/`, '--out', input);

    // Assess: nothing is written among the articles.
    expect(inside.error).toEqual(
      new UsageError(
        `--out ${join(input, 'out')} is inside --input ${input}: the next build would read the digest as articles; write it elsewhere (or to a hidden folder such as ${join(input, '.digest')})`,
      ),
    );
    expect(same.error).toBeInstanceOf(UsageError);
    expect((await readdir(input)).sort()).toEqual((await readdir('seeds')).sort());
  });

  it('writes beside the articles, or into a hidden folder among them, which no build reads', async () => {
    // Act
    const beside = await build('--input', input, '--out', join(work, 'out'));
    const hidden = await build('--input', input, '--out', join(input, '.digest'));
    const again = await build('--input', input, '--out', join(work, 'again'), '--json');

    // Assess
    expect([beside.error, hidden.error, again.error]).toEqual([undefined, undefined, undefined]);
    expect((await readdir(join(input, '.digest'))).sort()).toEqual([
      'digest.eml',
      'digest.html',
      'digest.json',
      'digest.txt',
    ]);
    expect(JSON.parse(again.out.join('\n')).skipped).toEqual([]);
  });
});
