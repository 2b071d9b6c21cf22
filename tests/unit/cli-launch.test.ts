import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNodeFlags, RELAUNCH_MIN_ENTRIES, relaunchFlags } from '../../src/cli/launch.ts';

/** A plain start on a 2-core machine, with an input folder of `entries` entries. */
const twoCores = (entries: number) => ({
  execArgv: [],
  nodeOptions: undefined,
  cores: 2,
  entriesIn: () => entries,
});

describe('the CLI launcher', () => {
  it("fits V8's background threads to one fewer than the cores for a large folder, and leaves Node's four from 5 cores", () => {
    // Act
    const byCores = [1, 2, 3, 4, 5, 64].map((cores) => buildNodeFlags(RELAUNCH_MIN_ENTRIES, cores));
    const smallFolder = buildNodeFlags(RELAUNCH_MIN_ENTRIES - 1, 2);

    // Assess
    expect(byCores).toEqual([
      ['--v8-pool-size=1'],
      ['--v8-pool-size=1'],
      ['--v8-pool-size=2'],
      ['--v8-pool-size=3'],
      [],
      [],
    ]);
    expect(smallFolder).toEqual([]);
  });

  it('starts a second process only for a build, summary or studio of a large folder', () => {
    // Act
    const large = relaunchFlags(['build', '--input', 'news', '--out', 'out'], twoCores(RELAUNCH_MIN_ENTRIES));
    const inline = relaunchFlags(['summarize', '--input=news'], twoCores(RELAUNCH_MIN_ENTRIES));
    const small = relaunchFlags(
      ['build', '--input', 'news', '--out', 'out'],
      twoCores(RELAUNCH_MIN_ENTRIES - 1),
    );
    const studio = relaunchFlags(['preview', '--input', 'news', '--no-open'], twoCores(RELAUNCH_MIN_ENTRIES));
    const seeds = relaunchFlags(['preview', '--no-open'], twoCores(RELAUNCH_MIN_ENTRIES));
    const watch = relaunchFlags(['dev', '--watch', 'news'], twoCores(RELAUNCH_MIN_ENTRIES));
    const help = relaunchFlags(['--help'], twoCores(RELAUNCH_MIN_ENTRIES));
    const noInput = relaunchFlags(['build', '--out', 'out'], twoCores(RELAUNCH_MIN_ENTRIES));

    // Assess
    expect(large).toEqual(['--v8-pool-size=1']);
    expect(inline).toEqual(['--v8-pool-size=1']);
    expect(studio).toEqual(['--v8-pool-size=1']);
    expect([small, seeds, watch, help, noInput]).toEqual([[], [], [], [], []]);
  });

  it('keeps node flags chosen by whoever started the CLI, and needs none on many cores', () => {
    // Prepare
    const args = ['build', '--input', 'news', '--out', 'out'];
    const start = twoCores(RELAUNCH_MIN_ENTRIES);

    // Act
    const inspected = relaunchFlags(args, { ...start, execArgv: ['--inspect'] });
    const fromEnvironment = relaunchFlags(args, { ...start, nodeOptions: '--max-old-space-size=4096' });
    const manyCores = relaunchFlags(args, { ...start, cores: 8 });

    // Assess
    expect([inspected, fromEnvironment, manyCores]).toEqual([[], [], []]);
  });

  it('counts the entries of a real folder and its subfolders, and none of a missing one', async () => {
    // Prepare
    const folder = await mkdtemp(join(tmpdir(), 'digest-launch-'));
    try {
      await writeFile(join(folder, 'top.txt'), 'x');
      const nested = await mkdtemp(join(folder, 'day-'));
      for (let i = 0; i < RELAUNCH_MIN_ENTRIES - 2; i++) await writeFile(join(nested, `${i}.txt`), 'x');
      const start = { execArgv: [], nodeOptions: undefined, cores: 2 };

      // Act
      const exactly = relaunchFlags(['build', '--input', folder], start);
      await rm(join(folder, 'top.txt'));
      const oneShort = relaunchFlags(['build', '--input', folder], start);
      const missing = relaunchFlags(['build', '--input', join(folder, 'nope')], start);

      // Assess
      expect(exactly).toEqual(['--v8-pool-size=1']);
      expect([oneShort, missing]).toEqual([[], []]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
