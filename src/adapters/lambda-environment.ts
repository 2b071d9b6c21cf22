import * as z from 'zod';
import { ConfigError } from '../core/errors.ts';

/** Environment of the ingest Lambda, set by infra/constructs/article-ingest.ts. */
export const ingestEnvironmentSchema = z.object({
  ARTICLES_BUCKET: z.string().min(3),
  ARTICLE_INDEX_TABLE: z.string().min(3),
  MAX_ARTICLE_BYTES: z.coerce.number().int().positive(),
});

/** Environment of the digest Lambda, set by infra/constructs/scheduled-digest.ts. */
export const digestEnvironmentSchema = z.object({
  ARTICLES_BUCKET: z.string().min(3),
  ARTICLE_INDEX_TABLE: z.string().min(3),
  DIGESTS_TABLE: z.string().min(3),
  APPROVED_QUEUE_URL: z.url(),
  WINDOW_HOURS: z.coerce.number().int().positive(),
  SEND_MODE: z.enum(['auto', 'review']),
  REVIEW_HOURS: z.coerce.number().int().positive(),
  ON_REVIEW_DEADLINE: z.enum(['send', 'drop']),
  LEASE_SECONDS: z.coerce.number().int().positive(),
  DIGEST_TITLE: z.string().min(1).optional(),
  DIGEST_INTRO: z.string().min(1).optional(),
  /** Where the templates/ folder is; beside the bundled handler by default (tests point it at the sources). */
  TEMPLATES_DIR: z.string().min(1).optional(),
  /** Email settings JSON (docs/email.md), the same the send worker renders with. */
  EMAIL_SETTINGS: z.string().default('{}'),
});

/** Validates a Lambda's environment once, at cold start; the error names every bad variable. */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(`invalid Lambda environment: ${z.prettifyError(result.error)}`);
  return result.data;
}
