import { existsSync } from 'node:fs';

/** The labelled eval corpora beside the repository (../shared/eval), or where DIGEST_EVAL_DIR points. */
export const evalDir = process.env.DIGEST_EVAL_DIR ?? '../shared/eval';

/**
 * Whether the tests that read the eval corpora run. A clone without the corpora beside it (a user's machine)
 * skips them and says why; CI has them, so there a missing folder fails those tests instead of hiding them.
 */
export const evalCorporaPresent = existsSync(evalDir) || process.env.CI === 'true';

if (!evalCorporaPresent)
  console.warn(
    `eval corpora not found at ${evalDir}: the tests that read them are skipped (set DIGEST_EVAL_DIR)`,
  );
