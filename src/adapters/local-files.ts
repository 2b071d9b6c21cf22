import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SourceFile } from '../core/article.ts';
import { UsageError } from '../core/errors.ts';

/**
 * Reads every regular file below `dir` (recursively, hidden files excluded) as a SourceFile whose id is
 * its path relative to `dir` with forward slashes, in a stable order.
 */
export async function readSourceFolder(dir: string): Promise<SourceFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`input folder ${dir} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`input ${dir} is not a folder`);
  const paths = await listVisibleFiles(dir);
  return Promise.all(
    paths.map(async (path): Promise<SourceFile> => {
      const id = relative(dir, path).split(sep).join('/');
      try {
        return { id, bytes: new Uint8Array(await readFile(path)) };
      } catch (error) {
        // One unreadable file (permissions, removed meanwhile) is skipped; the others are still built.
        return {
          id,
          bytes: new Uint8Array(),
          readError: (error as NodeJS.ErrnoException).code ?? String(error),
        };
      }
    }),
  );
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
