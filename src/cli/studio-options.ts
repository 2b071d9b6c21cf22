import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.ts';

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

/** Prints where the studio is, opens it unless --no-open, and closes it cleanly on Ctrl+C. */
export function announceStudio(
  studio: { close(): Promise<void> },
  url: string,
  message: string,
  open: boolean,
): void {
  console.log(`preview at ${url} (${message}; Ctrl+C stops it)`);
  if (open) openBrowser(url);
  process.once('SIGINT', () => void studio.close().then(() => process.exit(0)));
}

/** Best effort: without a desktop opener the printed URL is enough. */
function openBrowser(url: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(opener, [url], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}
