import type { Skipped } from '../core/digest.ts';

/** Tells the person at the terminal which files were left out and why, without stopping the build. */
export function warnSkipped(skipped: readonly Skipped[]): void {
  for (const { id, reason } of skipped) console.error(`warning: skipped ${id}: ${reason}`);
}

/**
 * What a failed read or write of a path the user named means, in a few words ("no such file or folder", "a file
 * is in the way"), for a one-line error instead of Node's stack; undefined when it is not a file-system error.
 */
export function fileProblem(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way where a folder is needed';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ? (error as Error).message : undefined;
  }
}

/** "1 theme", "0 themes", "5 themes": a count with its noun for the terminal (nouns that take an s). */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A failed build's error in one terminal line: its first line and, when it ends in a list ("…valid MJML:"), the
 * first entry and how many more the studio's page shows.
 */
export function buildFailure(error: string): string {
  const [head = '', first, ...rest] = error.split('\n');
  if (first === undefined) return head;
  return `${head} ${first}${rest.length ? ` (and ${rest.length} more in the page)` : ''}`;
}
