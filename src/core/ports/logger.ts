/** A JSON value in a log line. */
export type LogValue =
  | string
  | number
  | boolean
  | undefined
  | readonly LogValue[]
  | { readonly [key: string]: LogValue };

/** Structured log fields: ids, counts and reasons only, never article text or email addresses. */
export type LogFields = Record<string, LogValue>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** What a log line says of an error: its type only, as messages (SDK ones especially) can quote addresses. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
