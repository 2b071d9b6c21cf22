import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGINT');
});

/**
 * Starts `digest preview` and resolves with the URL it prints, or rejects with what it said when it exits.
 * `nodeOptions`: options of its node process before the script.
 */
function startPreview(
  args: string[],
  nodeOptions: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  said: string[] = [],
): Promise<string> {
  const open = args.includes('--open') ? [] : ['--no-open'];
  const rest = args.filter((arg) => arg !== '--open');
  const child = spawn(process.execPath, [...nodeOptions, 'bin/digest.js', 'preview', ...open, ...rest], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      said.splice(0, said.length, ...output.split('\n'));
      const url = /preview at (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`exit ${code}: ${output}`)));
  });
}

describe('digest preview (command line)', () => {
  it('falls back to a free port when the asked one is taken, says so, and serves the studio there', async () => {
    // Prepare
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const taken = (blocker.address() as { port: number }).port;

    try {
      // Act
      const said: string[] = [];
      const url = await startPreview(['--input', 'seeds', '--port', String(taken)], [], process.env, said);
      const page = await fetch(url);

      // Assess
      const used = new URL(url).port;
      expect(used).not.toBe(String(taken));
      expect(said.filter((line) => line.includes('is taken'))).toEqual([
        `port ${taken} is taken: the studio uses port ${used} instead`,
      ]);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Digest preview');
    } finally {
      blocker.close();
    }
  });

  it('refuses a missing input folder with a clear message and a non-zero exit', async () => {
    // Act
    const failure = startPreview(['--input', 'no-such-folder']);

    // Assess
    await expect(failure).rejects.toThrow(/exit 1: digest: input folder no-such-folder does not exist/);
  });

  it('refuses --test-to without --digest, saying a folder studio sends nothing, instead of ignoring it', async () => {
    // Act: an editor expecting "Send a test to me" in the folder's studio.
    const failure = startPreview(['--input', 'seeds', '--port', '0', '--test-to', 'me@example.com']);

    // Assess
    await expect(failure).rejects.toThrow(
      /exit 1: digest: --test-to me@example\.com works only with --digest ID: a folder's studio sends nothing/,
    );
  });

  it('refuses a missing templates folder with a clear message, not a stack trace', async () => {
    // Act
    const failure = startPreview(['--input', 'seeds', '--port', '0', '--templates', 'no-such-templates']);

    // Assess
    await expect(failure).rejects.toThrow(
      /^exit 1: digest: template folder no-such-templates does not exist\n$/,
    );
  });

  it('loads no AWS SDK client for a folder: only --digest and --bucket need one', async () => {
    // Prepare: a preloaded module that writes the CommonJS modules loaded (the SDK's are) when the process exits.
    const work = await mkdtemp(join(tmpdir(), 'preview-modules-'));
    const loaded = join(work, 'loaded.json');
    const reporter = join(work, 'report-modules.mjs');
    await writeFile(
      reporter,
      `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => writeFileSync(${JSON.stringify(loaded)}, JSON.stringify(Object.keys(require.cache))));`,
    );

    try {
      // Act
      const url = await startPreview(['--input', 'seeds', '--port', '0'], ['--import', reporter]);
      await (await fetch(url)).text();
      const child = children.pop() as ChildProcess;
      await new Promise((exited) => {
        child.on('exit', exited);
        child.kill('SIGINT');
      });

      // Assess
      const modules = JSON.parse(await readFile(loaded, 'utf8')) as string[];
      expect(modules.length).toBeGreaterThan(0);
      expect(modules.filter((path) => path.includes('@aws-sdk'))).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('prints a URL with a secret, and opens the browser through a private file: the secret is on no command line', async () => {
    // Prepare: an xdg-open first on the PATH that writes down its arguments (any local user can read a process's).
    const work = await mkdtemp(join(tmpdir(), 'preview-open-'));
    const opened = join(work, 'opened.txt');
    const opener = join(work, 'xdg-open');
    await writeFile(opener, `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(opened)}\n`);
    await chmod(opener, 0o755);
    const env = { ...process.env, PATH: `${work}:${process.env.PATH}` };
    const browser = await launchChromium();

    try {
      // Act
      const url = await startPreview(['--input', 'seeds', '--port', '0', '--open'], [], env);
      await expect.poll(() => readFile(opened, 'utf8').catch(() => ''), { timeout: 10_000 }).not.toBe('');
      const argument = (await readFile(opened, 'utf8')).trim();
      const file = fileURLToPath(argument);
      const mode = (await stat(file)).mode & 0o777;
      const folderMode = (await stat(join(file, '..'))).mode & 0o777;
      const leads = await readFile(file, 'utf8');
      const page = await browser.context.newPage();
      await page.goto(argument);
      await page.locator('#frame').waitFor({ timeout: 10_000 });
      const child = children.pop() as ChildProcess;
      await new Promise((exited) => {
        child.on('exit', exited);
        child.kill('SIGINT');
      });

      // Assess: the secret is in the printed URL only; the file that leads the browser to it is the user's alone.
      const secret = new URL(url).searchParams.get('token') ?? '';
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(argument).toMatch(/^file:\/\//);
      expect(argument).not.toContain(secret);
      expect(mode).toBe(0o600);
      expect(folderMode).toBe(0o700);
      expect(leads).toContain(url);
      expect(new URL(page.url()).origin).toBe(new URL(url).origin);
      expect(await page.locator('#counts').textContent()).toMatch(/articles/);
      // Removed when the studio stops.
      await expect(stat(file)).rejects.toThrow(/ENOENT/);
    } finally {
      await browser.close();
      await rm(work, { recursive: true, force: true });
    }
  });

  /**
   * Starts tests/support/announced-studio.ts with an xdg-open on the PATH that writes down the opener file; resolves
   * once it is announced, with the process, its output so far and the folder of the opener file.
   */
  async function announcedStudio(work: string) {
    const opened = join(work, 'opened.txt');
    await writeFile(join(work, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(opened)}\n`);
    await chmod(join(work, 'xdg-open'), 0o755);
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/announced-studio.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PATH: `${work}:${process.env.PATH}` },
    });
    children.push(child);
    const output = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => {
      output.text += chunk;
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output.text += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    await expect.poll(() => readFile(opened, 'utf8').catch(() => ''), { timeout: 20_000 }).not.toBe('');
    const folder = join(fileURLToPath((await readFile(opened, 'utf8')).trim()), '..');
    return { child, output, exited, folder };
  }

  // A relaunched studio (a large folder) gets each Ctrl+C from the terminal, which signals the whole process group,
  // and again from the first process, which passes its own on (src/cli/launch.ts): the second comes while it closes.
  it.each([
    ['a Ctrl+C that reaches it twice (the terminal’s and the launcher’s copy)', ['SIGINT', 'SIGINT']],
    ['SIGTERM (a kill)', ['SIGTERM']],
    ['SIGHUP (a closed terminal)', ['SIGHUP']],
  ] as const)('stops cleanly on %s, the opener file removed', async (_name, signals) => {
    // Prepare
    const work = await mkdtemp(join(tmpdir(), 'preview-stop-'));
    try {
      const { child, output, exited, folder } = await announcedStudio(work);

      // Act: each signal after the first is sent while the studio is closing
      for (const [i, signal] of signals.entries()) {
        if (i > 0) await expect.poll(() => output.text, { timeout: 10_000 }).toContain('closing');
        child.kill(signal);
      }
      const exit = await exited;

      // Assess: the close ran to its end, the process exited 0, and the file that held the secret URL is gone
      expect(exit).toEqual({ code: 0, signal: null });
      expect(output.text).toContain('closed');
      await expect(stat(folder)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
