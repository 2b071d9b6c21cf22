import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * The zod every module validates with: zod/mini, whose schemas are plain functions (`z.optional(s)`,
 * `s.check(z.minLength(1))`) instead of objects carrying fifty methods each. That is what a Lambda's cold start
 * and the CLI's start pay for: building the classic schemas of one handler took longer than the rest of its
 * own code, and the classic package is four times the size. Messages in English, configured once here; import
 * it as `import * as z from '…/zod.ts'` so the bundles keep only the functions they call.
 */
config(en());

export * from 'zod/mini';
