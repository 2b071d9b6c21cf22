/** Structured log fields: ids, counts and reasons only, never article text or email addresses. */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Records named counts as metrics (CloudWatch embedded metric format in Lambda). */
  metrics(counts: Record<string, number>): void;
}
