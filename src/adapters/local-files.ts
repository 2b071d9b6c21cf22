import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../core/article.ts';
import { UsageError } from '../core/errors.ts';

/**
 * Reads every regular file below `dir` (recursively, hidden files excluded) as a SourceFile whose id is
 * its path relative to `dir` with forward slashes, in a stable order.
 */
export async function readSourceFolder(dir: string): Promise<SourceFile[]> {
  await requireFolder(dir);
  const paths = await listVisibleFiles(dir);
  // One file after another, synchronously: a folder of 10,000 articles reads in a tenth of the time that as many
  // concurrent fs.promises reads take (each is a chain of thread-pool round trips), and the caller needs them all.
  return paths.map((path): SourceFile => {
    const id = relative(dir, path).split(sep).join('/');
    try {
      return { id, bytes: new Uint8Array(readFileSync(path)) };
    } catch (error) {
      // One unreadable file (permissions, removed meanwhile) is skipped; the others are still built.
      return {
        id,
        bytes: new Uint8Array(),
        readError: (error as NodeJS.ErrnoException).code ?? String(error),
      };
    }
  });
}

/** Throws a UsageError unless `dir` is a folder: a missing input folder is a mistake, not an empty digest. */
export async function requireFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`input folder ${dir} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`input ${dir} is not a folder`);
}

/** Paths of every regular file below `dir`, recursively, hidden files and folders excluded, sorted. */
export async function listVisibleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !isHiddenPath(relative(dir, p)))
    .sort();
}

/** Whether a relative path has a part starting with a dot (an editor's or a tool's file, not an article). */
export function isHiddenPath(relativePath: string): boolean {
  return relativePath.split(sep).some((part) => part.startsWith('.'));
}
