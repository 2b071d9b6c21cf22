import type { LogFields, Logger } from '../core/ports/logger.ts';

/** CloudWatch namespace of the metrics the Lambdas emit; alarms in infra/ read them. */
export const METRICS_NAMESPACE = 'NewsletterDigest';

/**
 * One JSON object per line on stdout, which CloudWatch Logs keeps as structured fields; metrics use the embedded
 * metric format, so they need no API call. Callers pass ids, counts and reasons, never article text or addresses.
 */
export function createJsonLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (level: string, message: string, fields: LogFields = {}) =>
    write(JSON.stringify({ level, timestamp: new Date().toISOString(), service, message, ...fields }));
  return {
    info: (message, fields) => log('INFO', message, fields),
    warn: (message, fields) => log('WARN', message, fields),
    error: (message, fields) => log('ERROR', message, fields),
    metrics(counts) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              {
                Namespace: METRICS_NAMESPACE,
                Dimensions: [['service']],
                Metrics: Object.keys(counts).map((name) => ({ Name: name, Unit: 'Count' })),
              },
            ],
          },
          service,
          ...counts,
        }),
      );
    },
  };
}
