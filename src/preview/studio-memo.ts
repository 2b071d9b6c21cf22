import { hash } from 'node:crypto';
import {
  fileStamp,
  listSourceFiles,
  readSourceFile,
  requireFolder,
  type SourcePath,
} from '../adapters/local-files.ts';
import { withParseWorkers } from '../adapters/thread-parse-workers.ts';
import type { Article, SourceFile } from '../core/article.ts';
import type { Digest, Skipped } from '../core/digest.ts';
import { parseFiles } from '../core/parse-files.ts';
import { buildDigestFromArticles, ThemeMemo } from '../core/pipeline.ts';
import { ArticleTerms } from '../core/text/article-terms.ts';
import { ClientSupportMemo } from './client-support.ts';

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
  /** Its fileStamp when it was read, when there was one: the same stamp, the same bytes. */
  stamp?: string;
  article?: Article;
  skipped?: Skipped;
}

/**
 * What the studio keeps from one build to the next, so a rebuild redoes only what its input changed. An edit or
 * a template change leaves the articles as they were: the digest built from them is used again, and only the
 * edits and the email are done anew, not the parsing, grouping and summarising of every article (seconds for a
 * folder of thousands; see docs/benchmarks.md). When files change, only those are read and parsed again.
 */
export class StudioMemo {
  /** The folder's files as last parsed, by id. */
  private files = new Map<string, ParsedFile>();
  private built: { key: string; digest: Digest } | undefined;
  /** Each theme's headline and summary: after a file changes, only themes whose articles changed are written. */
  private readonly themes = new ThemeMemo();
  /** The articles' tokens: after a file changes, only its article is tokenised again. */
  private terms = new ArticleTerms(true);

  /** The email's client issues: after an edit of text only, not checked again. */
  readonly clientSupport = new ClientSupportMemo();

  /**
   * `now`: the clock files' times are compared with (fileStamp), and digests are dated by. `read`: how a file
   * is read (a test counts the reads, or makes one fail). `renewTermsSlack`: articles the vocabulary may read
   * beyond twice the folder's before it is renewed (a test makes it small to renew within a few changes).
   * @default RENEW_TERMS_SLACK
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly read: (path: SourcePath) => SourceFile = readSourceFile,
    private readonly renewTermsSlack = RENEW_TERMS_SLACK,
  ) {}

  /**
   * The articles of a folder's files, as parsing `readSourceFolder(dir)` gives them, reading only the files whose
   * stamp (size, times, inode) changed since the last read, or that have none (changed in the last seconds), and
   * parsing only those whose bytes changed.
   */
  async parseFolder(dir: string): Promise<KeyedArticles> {
    await requireFolder(dir);
    const input = (await listSourceFiles(dir)).map((path) => {
      // Stamped before reading: a write in between leaves a newer stamp, and the file is read again next time.
      const stamp = fileStamp(path.path, this.now());
      const known = this.files.get(path.id);
      if (stamp !== undefined && known?.stamp === stamp) return { id: path.id, known };
      const file = this.read(path);
      // A file that could not be read is read again next time, whatever its stamp.
      const parsed = this.parsedAsBefore(file);
      return {
        id: path.id,
        known: { ...parsed, stamp: file.readError === undefined ? stamp : undefined },
        file,
      };
    });
    const changed = input.flatMap(({ known, file }) =>
      file && !known.article && !known.skipped ? [file] : [],
    );
    const parsed = await withParseWorkers(changed, (parseWorkers) => parseFiles(changed, { parseWorkers }));
    const fresh = new Map<string, Omit<ParsedFile, 'hash'>>([
      ...parsed.articles.map((article) => [article.id, { article }] as const),
      ...parsed.skipped.map((skipped) => [skipped.id, { skipped }] as const),
    ]);
    // Files no longer in the folder are forgotten.
    this.files = new Map(input.map(({ id, known }) => [id, { ...known, ...fresh.get(id) }]));
    const all = [...this.files.values()];
    return {
      articles: all.flatMap((file) => (file.article ? [file.article] : [])),
      skipped: all.flatMap((file) => (file.skipped ? [file.skipped] : [])),
      key: sha256(JSON.stringify([...this.files].map(([id, file]) => [id, file.hash]))),
    };
  }

  /** The file as last parsed when its bytes are the same, else only its hash until it is parsed. */
  private parsedAsBefore(file: SourceFile): ParsedFile {
    const hash = fileHash(file);
    const known = this.files.get(file.id);
    return known?.hash === hash ? known : { hash };
  }

  /** Articles collected elsewhere (`digest dev`'s local ingest), keyed by all they hold. */
  collected(input: CollectedArticles): KeyedArticles {
    return { ...input, key: sha256(JSON.stringify(input)) };
  }

  /**
   * The digest of the articles: the one last built when it was built from the same articles and title on the
   * same day (UTC, the day the email is dated), so a studio left open overnight dates its email as a fresh
   * build would.
   */
  digest(input: KeyedArticles, title: string | undefined): Digest {
    const now = new Date(this.now());
    const key = JSON.stringify([input.key, title ?? null, now.toISOString().slice(0, 10)]);
    if (this.built?.key === key) return this.built.digest;
    // Changed articles are read again and the old tokens stay: a fresh vocabulary once they could outgrow it.
    if (this.terms.articlesRead > 2 * input.articles.length + this.renewTermsSlack)
      this.terms = new ArticleTerms(true);
    const digest = buildDigestFromArticles(input.articles, input.skipped, {
      title,
      now: () => now,
      themeMemo: this.themes,
      terms: this.terms,
    });
    this.built = { key, digest };
    return digest;
  }
}

/**
 * Articles the vocabulary may read beyond twice the folder's before it is renewed: a small folder's is renewed
 * after a thousand changed files, not after two or three.
 */
const RENEW_TERMS_SLACK = 1000;

/** The hash of a file's bytes, or why they could not be read (never a hash: hex has no space). */
function fileHash(file: SourceFile): string {
  if (file.readError !== undefined) return `unreadable: ${file.readError}`;
  return file.size === undefined ? sha256(file.bytes) : `unread, ${file.size} bytes`;
}

function sha256(data: string | Uint8Array): string {
  return hash('sha256', data);
}
