// Raw files to articles to a digest: apart from pipeline.ts, so what builds from parsed articles (the digest
// Lambda, which reads what the ingest Lambda parsed) loads and bundles none of the format parsers.
import type { SourceFile } from './article.ts';
import type { Digest } from './digest.ts';
import { type ParseFilesOptions, parseFiles } from './parse-files.ts';
import { type BuildOptions, buildDigestFromArticles } from './pipeline.ts';

/** Parses raw files, records the ones that cannot be read, and builds the digest from the rest. */
export async function buildDigest(
  files: readonly SourceFile[],
  options: BuildOptions & ParseFilesOptions = {},
): Promise<Digest> {
  const { articles, skipped } = await parseFiles(files, options);
  return buildDigestFromArticles(articles, skipped, options);
}
