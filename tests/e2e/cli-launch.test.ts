import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNodeFlags, RELAUNCH_MIN_ENTRIES } from '../../src/cli/launch.ts';
import type { Digest } from '../../src/core/digest.ts';

/** `bin/digest.js` as a user starts it: no node flags, no NODE_OPTIONS (vitest's own are not the user's). */
function startCli(...args: string[]): ChildProcess {
  const { NODE_OPTIONS: _, ...env } = process.env;
  return spawn(process.execPath, ['bin/digest.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
}

/**
 * The process id and command line of the node process `pid` started, once it runs node with flags (Linux's /proc;
 * until its exec, a new process shows its parent's command line).
 */
async function childCommandLine(pid: number): Promise<[string, string[]]> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    const child = children.trim().split(' ')[0];
    if (child) {
      const line = (await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (line[1]?.startsWith('--')) return [child, line.filter(Boolean)];
    }
    await sleep(10);
  }
  throw new Error(`process ${pid} started no child`);
}

describe.runIf(buildNodeFlags(RELAUNCH_MIN_ENTRIES).length > 0 && existsSync('/proc/self/task'))(
  'digest build of a large folder on a machine of 4 cores or fewer',
  () => {
    let work: string;
    let input: string;
    beforeAll(async () => {
      // Prepare: the seeds, each told again by many outlets (an extra sentence apiece), enough entries to relaunch.
      work = await mkdtemp(join(tmpdir(), 'digest-launch-'));
      input = join(work, 'news');
      await mkdir(input);
      const seeds = (await readdir('seeds')).sort();
      const texts = await Promise.all(seeds.map((name) => readFile(join('seeds', name), 'utf8')));
      for (let i = 0; i < RELAUNCH_MIN_ENTRIES; i++)
        await writeFile(
          join(input, `${String(i).padStart(4, '0')}.txt`),
          `${texts[i % texts.length]}\nOutlet ${i} filed this report from its own desk today.\n`,
        );
    });
    afterAll(async () => {
      await rm(work, { recursive: true, force: true });
    });

    it("runs in a second node process with V8's threads fitted to the cores, and its exit is the command's", async () => {
      // Act
      const out = join(work, 'out');
      const cli = startCli('build', '--input', input, '--out', out);
      const [, commandLine] = await childCommandLine(cli.pid as number);
      const [code] = await once(cli, 'exit');

      // Assess
      expect(commandLine.slice(1)).toEqual([
        ...buildNodeFlags(RELAUNCH_MIN_ENTRIES),
        expect.stringMatching(/bin\/digest\.js$/),
        'build',
        '--input',
        input,
        '--out',
        out,
      ]);
      expect(code).toBe(0);
      const digest = JSON.parse(await readFile(join(out, 'digest.json'), 'utf8')) as Digest;
      expect(digest.themes.length).toBeGreaterThan(0);
    });

    it('passes a stop signal on to the second process, and ends by it', async () => {
      // Prepare
      const cli = startCli('build', '--input', input, '--out', join(work, 'stopped'));
      const [child] = await childCommandLine(cli.pid as number);

      // Act
      cli.kill('SIGINT');
      const [code, signal] = await once(cli, 'exit');

      // Assess
      expect([code, signal]).toEqual([null, 'SIGINT']);
      expect(existsSync(`/proc/${child}`)).toBe(false);
    });

    it('passes SIGQUIT on too: the second process ends by it, not left running', async () => {
      // Prepare: the studio, which would serve on for ever.
      const cli = startCli('preview', '--input', input, '--port', '0', '--no-open');
      const [child] = await childCommandLine(cli.pid as number);

      // Act
      cli.kill('SIGQUIT');
      const [code, signal] = await once(cli, 'exit');

      // Assess: the first process ends by the signal once the second has, so the second is gone by then.
      expect([code, signal]).toEqual([null, 'SIGQUIT']);
      expect(existsSync(`/proc/${child}`)).toBe(false);
    });

    it('ends the second process when the first is killed outright, with no signal to pass on', async () => {
      // Prepare: the studio, which would serve on for ever.
      const cli = startCli('preview', '--input', input, '--port', '0', '--no-open');
      const [child] = await childCommandLine(cli.pid as number);

      // Act
      cli.kill('SIGKILL');
      await once(cli, 'exit');

      // Assess: the second process notices at once that its parent is gone (its channel closes).
      await expect.poll(() => existsSync(`/proc/${child}`), { timeout: 5_000, interval: 20 }).toBe(false);
    });

    it('serves the studio of a large folder from the second process, and stops both on Ctrl+C', async () => {
      // Prepare
      const cli = startCli('preview', '--input', input, '--port', '0', '--no-open');
      const [child, commandLine] = await childCommandLine(cli.pid as number);
      let output = '';
      cli.stdout?.on('data', (chunk: Buffer) => {
        output += chunk;
      });

      // Act
      await expect
        .poll(() => /preview at (http:\/\/\S+)/.exec(output)?.[1], { timeout: 20_000 })
        .toBeTruthy();
      const page = await fetch(/preview at (http:\/\/\S+)/.exec(output)?.[1] as string);
      cli.kill('SIGINT');
      const [code] = await once(cli, 'exit');

      // Assess
      expect(commandLine).toContain(buildNodeFlags(RELAUNCH_MIN_ENTRIES)[0]);
      expect(page.status).toBe(200);
      expect(code).toBe(0);
      expect(existsSync(`/proc/${child}`)).toBe(false);
    });
  },
);
