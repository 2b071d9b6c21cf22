import { readSourceFolder } from '../adapters/local-files.ts';
import { withParseWorkers } from '../adapters/thread-parse-workers.ts';
import type { Article } from '../core/article.ts';
import type { Skipped } from '../core/digest.ts';
import { UsageError } from '../core/errors.ts';
import { DEFAULT_MAX_ARTICLE_BYTES } from '../core/ingest/parse.ts';
import { parseFiles } from '../core/parse-files.ts';
import { warnSkipped } from './output.ts';

export interface FolderArticlesOptions {
  /** Largest file read and parsed: the one limit the folder's reader and the parser both apply. @default 1 MiB */
  maxArticleBytes?: number;
}

/**
 * The articles of an input folder for `digest build` and `digest summarize`: every file read and parsed with one size
 * limit, the skipped ones warned about on stderr with their reasons. A folder with nothing to build from is a
 * UsageError naming it (a non-zero exit), not an empty digest: one with no files, or one whose every file was skipped.
 */
export async function readFolderArticles(
  dir: string,
  options: FolderArticlesOptions = {},
): Promise<{ articles: Article[]; skipped: Skipped[] }> {
  const maxArticleBytes = options.maxArticleBytes ?? DEFAULT_MAX_ARTICLE_BYTES;
  const files = await readSourceFolder(dir, maxArticleBytes);
  if (files.length === 0)
    throw new UsageError(`input folder ${dir} has no files (hidden files and folders are not read)`);
  const parsed = await withParseWorkers(files, (parseWorkers) =>
    parseFiles(files, { maxArticleBytes, parseWorkers }),
  );
  warnSkipped(parsed.skipped);
  if (parsed.articles.length === 0) throw new UsageError(nothingReadable(dir, parsed.skipped.length));
  return parsed;
}

/** The error of a folder whose every file was skipped; the warnings printed before it give each file's reason. */
function nothingReadable(dir: string, skipped: number): string {
  const all =
    skipped === 1
      ? 'its only file was skipped, for the reason in the warning above'
      : `all ${skipped} of its files were skipped, each for the reason in its warning above`;
  return `input folder ${dir} has no article to read: ${all}`;
}
