// Raw files to articles to a digest: apart from pipeline.ts, so what builds from parsed articles (the digest
// Lambda, which reads what the ingest Lambda parsed) loads and bundles none of the format parsers.
import type { Article, SourceFile } from './article.ts';
import type { Digest, Skipped } from './digest.ts';
import { parseArticle } from './ingest/parse.ts';
import { type BuildOptions, buildDigestFromArticles, runDirectly } from './pipeline.ts';

/** Parses raw files, records the ones that cannot be read, and builds the digest from the rest. */
export async function buildDigest(files: readonly SourceFile[], options: BuildOptions = {}): Promise<Digest> {
  const { articles, skipped } = await parseFiles(files, options);
  return buildDigestFromArticles(articles, skipped, options);
}

/** Parses raw files into articles; each file that cannot be read becomes a skipped entry with its reason. */
export async function parseFiles(
  files: readonly SourceFile[],
  options: Pick<BuildOptions, 'maxArticleBytes' | 'runStage'> = {},
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
