// Raw files to articles, apart from pipeline.ts: what only parses (`digest summarize`, the preview) loads and
// bundles none of the dedup, themes and headline code.
import type { Article, SourceFile } from './article.ts';
import type { Skipped } from './digest.ts';
import { parseArticle } from './ingest/parse.ts';
import { runDirectly, type StageRunner } from './stages.ts';

/** Parses raw files into articles; each file that cannot be read becomes a skipped entry with its reason. */
export async function parseFiles(
  files: readonly SourceFile[],
  options: { maxArticleBytes?: number; runStage?: StageRunner } = {},
): Promise<{ articles: Article[]; skipped: Skipped[] }> {
  const articles: Article[] = [];
  const skipped: Skipped[] = [];
  // One file at a time: only the file being parsed is held as text.
  await (options.runStage ?? runDirectly)('parse', async () => {
    for (const file of files) {
      const outcome = await parseArticle(file, { maxBytes: options.maxArticleBytes });
      if (outcome.kind === 'article') articles.push(outcome.article);
      else skipped.push({ id: outcome.id, reason: outcome.reason });
    }
  });
  return { articles, skipped };
}
