/** Base class of every error the project raises on purpose; `cause` keeps the underlying error. */
export class DigestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An input file that cannot become an article. The message names the file and the reason. */
export class ArticleRejectedError extends DigestError {
  constructor(
    readonly articleId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${articleId}: ${reason}`, options);
  }
}

/** Configuration that failed validation; raised once, at start-up. */
export class ConfigError extends DigestError {}

/** Bad command-line or HTTP input from a person. */
export class UsageError extends DigestError {}

/** Another run holds the digest window's lease; thrown so the invocation is retried or reported, not lost. */
export class WindowLockedError extends DigestError {}
