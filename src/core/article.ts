/** A raw input file as it arrives from a folder or an S3 object. */
export interface SourceFile {
  /** File name relative to the input folder; in S3 the object key. */
  id: string;
  bytes: Uint8Array;
  /** Content-Type reported by the store, when there is one. */
  contentType?: string;
  /** Why the file's bytes could not be read (then `bytes` is empty): it is skipped with this reason. */
  readError?: string;
  /**
   * The file's size when its bytes were left unread because it is over the article size limit (then `bytes` is
   * empty): it is skipped as too large without holding it in memory.
   */
  size?: number;
}

/** One cleaned, normalised news article. */
export interface Article {
  id: string;
  title: string;
  /**
   * False when the file had no headline and `title` is its lead sentence (also its first sentence); absent
   * when `title` is a real headline. Readers are shown such an article by outlet and date, never by its lead.
   */
  headline?: boolean;
  /** The outlet, from front matter or JSON `source`, or the page's og:site_name or JSON-LD publisher. */
  source?: string;
  /** Only http(s) URLs are kept. */
  url?: string;
  /** ISO 8601 timestamp. */
  published?: string;
  tags?: string[];
  /** Cleaned body text, paragraphs separated by a blank line (title excluded). */
  text: string;
  /** Body sentences in reading order. */
  sentences: string[];
  /** sha256 hex of the normalised body text. */
  contentHash: string;
}

/** An article that stands for itself and every duplicate copy collapsed into it. */
export interface CanonicalArticle extends Article {
  /** Ids of the copies collapsed into this article (not including its own id). */
  duplicates: string[];
}

export type ParseOutcome =
  | { kind: 'article'; article: Article }
  | { kind: 'skipped'; id: string; reason: string };
