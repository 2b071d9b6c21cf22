import type { ParseOutcome, SourceFile } from '../article.ts';

/**
 * Parses a batch of files on other threads as well as this one. Each file's outcome is what `here` (parseArticle
 * on this thread) would give for it, so the batch comes out the same whichever thread parsed which file.
 */
export interface ParseWorkers {
  /** Every file's outcome, in the files' order; `here` parses the files this thread takes. */
  parseAll(
    files: readonly SourceFile[],
    maxBytes: number | undefined,
    here: (file: SourceFile) => Promise<ParseOutcome>,
  ): Promise<ParseOutcome[]>;
}
