import type { LogFields, Logger } from '../../src/core/ports/logger.ts';
import type { Metrics } from '../../src/core/ports/metrics.ts';

/**
 * The Logger and Metrics ports recorded as JSON lines (`{"level","message",...fields}` and
 * `{"metrics":{...}}`), so a test reads what a handler decided to log and count. The Powertools adapter
 * that writes them in Lambda has its own test (tests/unit/powertools-observability.test.ts).
 */
export function recordingObservability(): { log: Logger; metrics: Metrics; lines: string[] } {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      void lines.push(JSON.stringify({ level, message, ...fields }));
  return {
    log: { info: write('INFO'), warn: write('WARN'), error: write('ERROR') },
    metrics: { record: (counts) => void lines.push(JSON.stringify({ metrics: counts })) },
    lines,
  };
}
