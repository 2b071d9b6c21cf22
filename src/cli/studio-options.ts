import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.ts';
import { escapeHtml } from '../core/render/html.ts';

/** The options `digest preview` and `digest dev` share: where the studio listens and how the email looks. */
export interface StudioOptions {
  port: string;
  open: boolean;
  title?: string;
  maxThemes?: string;
  settings?: string;
  templates?: string;
}

export function withStudioOptions(command: Command): Command {
  return command
    .option('--port <n>', 'port to try first (a busy port falls back to a free one)', '3000')
    .option('--no-open', 'do not open a browser')
    .option('--title <text>', 'digest title')
    .option('--max-themes <n>', 'themes shown in full (default 8)')
    .option('--settings <file>', 'JSON email settings (lang, footer); see docs/email.md')
    .option('--templates <dir>', 'email templates folder (default: templates/ of this package)');
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${text} is not a port`);
  return port;
}

/**
 * Signals that stop the studio (Ctrl+C, a kill, a closed terminal): each closes it and removes the opener file.
 * The launcher passes these on to a relaunched studio (src/cli/launch.ts), which a Ctrl+C then reaches twice: from
 * the terminal, which signals the whole process group, and from the first process.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A stop signal this soon after the first is the launcher's copy of it, not a second Ctrl+C. */
const REPEATED_STOP_MS = 1000;

/**
 * Prints where the studio is (and, when the asked port was taken, which one it uses), opens it unless --no-open,
 * and closes it cleanly when stopped (STOP_SIGNALS). The URL carries the studio's secret: it is printed for the
 * editor, and the browser is sent to it through a file only the editor can read, never on a command line (any
 * local user can read a process's, xdg-open's and the browser's).
 */
export async function announceStudio(
  studio: { close(): Promise<void> },
  served: { url: string; portTaken?: number },
  message: string,
  open: boolean,
): Promise<void> {
  const { url, portTaken } = served;
  if (portTaken !== undefined)
    console.log(`port ${portTaken} is taken: the studio uses port ${new URL(url).port} instead`);
  console.log(`preview at ${url} (${message}; Ctrl+C stops it)`);
  const opener = open ? await openBrowser(url) : undefined;
  // A browser installed as a snap (Ubuntu's Firefox and Chromium) cannot read the temporary folder.
  if (opener !== undefined)
    console.log('opening it in the browser; if the browser shows no studio, open the URL above');
  const removeOpener = () => {
    if (opener !== undefined) rmSync(opener, { recursive: true, force: true });
  };
  let stoppedAt: number | undefined;
  const stop = () => {
    if (stoppedAt === undefined) {
      stoppedAt = Date.now();
      void studio
        .close()
        .then(removeOpener)
        .then(() => process.exit(0));
    } else if (Date.now() - stoppedAt >= REPEATED_STOP_MS) {
      // Another Ctrl+C while the close takes its time: stop now, as without a handler.
      removeOpener();
      process.exit(130);
    }
  };
  // Kept while closing: without a listener a second signal would end the process by its default action, before
  // the close and the opener file's removal.
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
}

/**
 * Best effort: without a desktop opener the printed URL is enough. Opens a page in a folder of the user's own (0700)
 * that sends the browser on to `url`, as Jupyter does; answers that folder, removed when the studio stops.
 */
async function openBrowser(url: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'digest-studio-'));
  const page = join(folder, 'open.html');
  const link = escapeHtml(url);
  await writeFile(
    page,
    `<!doctype html>\n<html lang="en"><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${link}">\n<title>Digest studio</title>\n<p>Opening the digest studio. If nothing happens, <a href="${link}">open it here</a>.</p>\n</html>\n`,
    { mode: 0o600 },
  );
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(opener, [pathToFileURL(page).href], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
  return folder;
}
