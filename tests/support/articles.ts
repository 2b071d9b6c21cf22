import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Article, CanonicalArticle, SourceFile } from '../../src/core/article.ts';
import { type ParseOptions, parseArticle } from '../../src/core/ingest/parse.ts';

/** An article as the parser makes it, from a title and its sentences. */
export function article(
  id: string,
  title: string,
  sentences: string[],
  extra: Partial<CanonicalArticle> = {},
): CanonicalArticle {
  const text = sentences.join(' ');
  return {
    id,
    title,
    text,
    sentences,
    contentHash: createHash('sha256').update(text).digest('hex'),
    duplicates: [],
    ...extra,
  };
}

/** A fixed permutation (no randomness in tests): reversed, then odd positions before even ones. */
export function shuffled<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  return [...reversed.filter((_, i) => i % 2 === 1), ...reversed.filter((_, i) => i % 2 === 0)];
}

/** A file from the repository as the adapters would hand it over: id relative to its folder, raw bytes. */
export function sourceFile(path: string, id = path.split('/').pop() ?? path): SourceFile {
  return { id, bytes: new Uint8Array(readFileSync(path)) };
}

/** A SourceFile made from text, for small inline cases. */
export function textFile(id: string, text: string): SourceFile {
  return { id, bytes: new TextEncoder().encode(text) };
}

/** Parses a file that must become an article; fails the test with the skip reason otherwise. */
export async function parsedArticle(file: SourceFile, options?: ParseOptions): Promise<Article> {
  const outcome = await parseArticle(file, options);
  if (outcome.kind !== 'article') throw new Error(`${file.id} was skipped: ${outcome.reason}`);
  return outcome.article;
}
