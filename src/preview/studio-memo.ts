import { hash } from 'node:crypto';
import { withParseWorkers } from '../adapters/thread-parse-workers.ts';
import type { Article, SourceFile } from '../core/article.ts';
import type { Digest, Skipped } from '../core/digest.ts';
import { parseFiles } from '../core/parse-files.ts';
import { buildDigestFromArticles, ThemeMemo } from '../core/pipeline.ts';

/** A digest's input: the articles, and the files that did not become articles with the reason. */
export interface CollectedArticles {
  articles: Article[];
  skipped: Skipped[];
}

/** Articles with a key that is equal for two inputs exactly when they would build the same digest. */
export interface KeyedArticles extends CollectedArticles {
  key: string;
}

/** One file as last parsed: what the hash of its bytes gave, an article or the reason it was skipped. */
interface ParsedFile {
  hash: string;
  article?: Article;
  skipped?: Skipped;
}

/**
 * What the studio keeps from one build to the next, so a rebuild redoes only what its input changed. An edit or
 * a template change leaves the articles as they were: the digest built from them is used again, and only the
 * edits and the email are done anew, not the parsing, grouping and summarising of every article (seconds for a
 * folder of thousands; see docs/benchmarks.md). When files change, only those are parsed again.
 */
export class StudioMemo {
  /** The folder's files as last parsed, by id. */
  private files = new Map<string, ParsedFile>();
  private built: { key: string; digest: Digest } | undefined;
  /** Each theme's headline and summary: after a file changes, only the themes whose articles changed are written again. */
  private readonly themes = new ThemeMemo();

  /** The articles of a folder's files, parsing only the files that are new or whose bytes changed. */
  async parse(files: readonly SourceFile[]): Promise<KeyedArticles> {
    const hashes = files.map(fileHash);
    // Each file as last parsed, when its bytes are the same.
    const unchanged = files.map((file, i) => {
      const known = this.files.get(file.id);
      return known?.hash === hashes[i] ? known : undefined;
    });
    const changed = files.filter((_, i) => unchanged[i] === undefined);
    const parsed = await withParseWorkers(changed, (parseWorkers) => parseFiles(changed, { parseWorkers }));
    const fresh = new Map<string, Omit<ParsedFile, 'hash'>>([
      ...parsed.articles.map((article) => [article.id, { article }] as const),
      ...parsed.skipped.map((skipped) => [skipped.id, { skipped }] as const),
    ]);
    // Files no longer in the folder are forgotten.
    const next = new Map<string, ParsedFile>();
    files.forEach((file, i) => {
      next.set(file.id, unchanged[i] ?? { hash: hashes[i] as string, ...fresh.get(file.id) });
    });
    this.files = next;
    const all = [...next.values()];
    return {
      articles: all.flatMap((file) => (file.article ? [file.article] : [])),
      skipped: all.flatMap((file) => (file.skipped ? [file.skipped] : [])),
      key: sha256(JSON.stringify([...next].map(([id, file]) => [id, file.hash]))),
    };
  }

  /** Articles collected elsewhere (`digest dev`'s local ingest), keyed by all they hold. */
  collected(input: CollectedArticles): KeyedArticles {
    return { ...input, key: sha256(JSON.stringify(input)) };
  }

  /** The digest of the articles: the one last built when it was built from the same articles and title. */
  digest(input: KeyedArticles, title: string | undefined): Digest {
    const key = JSON.stringify([input.key, title ?? null]);
    if (this.built?.key !== key)
      this.built = {
        key,
        digest: buildDigestFromArticles(input.articles, input.skipped, {
          title,
          themeMemo: this.themes,
        }),
      };
    return this.built.digest;
  }
}

/** The hash of a file's bytes, or why they could not be read (never a hash: hex has no space). */
function fileHash(file: SourceFile): string {
  return file.readError === undefined ? sha256(file.bytes) : `unreadable: ${file.readError}`;
}

function sha256(data: string | Uint8Array): string {
  return hash('sha256', data);
}
