// Raw files to articles, apart from pipeline.ts: what only parses (`digest summarize`, the preview) loads and
// bundles none of the dedup, themes and headline code.
import type { Article, ParseOutcome, SourceFile } from './article.ts';
import type { Skipped } from './digest.ts';
import { parseArticle } from './ingest/parse.ts';
import type { ParseWorkers } from './ports/parse-workers.ts';
import { runDirectly, type StageRunner } from './stages.ts';

export interface ParseFilesOptions {
  /** Largest accepted input file. @default 1 MiB */
  maxArticleBytes?: number;
  /** Runs the parse stage; the benchmark injects a timer here. @default runs it as is */
  runStage?: StageRunner;
  /** Threads that parse some of the files (src/adapters/thread-parse-workers.ts). @default this thread only */
  parseWorkers?: ParseWorkers;
}

/** Parses raw files into articles; each file that cannot be read becomes a skipped entry with its reason. */
export async function parseFiles(
  files: readonly SourceFile[],
  options: ParseFilesOptions = {},
): Promise<{ articles: Article[]; skipped: Skipped[] }> {
  const maxBytes = options.maxArticleBytes;
  const here = (file: SourceFile) => parseArticle(file, { maxBytes });
  const articles: Article[] = [];
  const skipped: Skipped[] = [];
  const add = (outcome: ParseOutcome) => {
    if (outcome.kind === 'article') articles.push(outcome.article);
    else skipped.push({ id: outcome.id, reason: outcome.reason });
  };
  await (options.runStage ?? runDirectly)('parse', async () => {
    const workers = options.parseWorkers;
    if (workers) for (const outcome of await workers.parseAll(files, maxBytes, here)) add(outcome);
    // One file at a time: only the file being parsed is held as text.
    else for (const file of files) add(await here(file));
  });
  return { articles, skipped };
}
