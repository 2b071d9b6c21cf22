import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  METRICS_NAMESPACE,
  powertoolsLogger,
  powertoolsMetrics,
} from '../../src/adapters/powertools-observability.ts';

/** The JSON lines written to stdout and stderr while `act` runs, as CloudWatch Logs would receive them. */
function linesWrittenBy(act: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  }
  act();
  vi.restoreAllMocks();
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('the Lambdas’ Logger and Metrics ports on Powertools', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON line per entry with level, service, message and the fields', () => {
    // Prepare
    const log = powertoolsLogger('send-worker');

    // Act
    const lines = linesWrittenBy(() => {
      log.info('batch done', { digestId: 'digest-1', sent: 3 });
      log.error('send batch failed', { sqsMessageId: 'm-1', errorType: 'SendThrottledError' });
    });

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'send-worker',
        message: 'batch done',
        digestId: 'digest-1',
        sent: 3,
      }),
      expect.objectContaining({
        level: 'ERROR',
        message: 'send batch failed',
        errorType: 'SendThrottledError',
      }),
    ]);
  });

  it('publishes counts in the embedded metric format under the one namespace, with the service dimension', () => {
    // Prepare
    const metrics = powertoolsMetrics('ingest');

    // Act
    const lines = linesWrittenBy(() => {
      metrics.record({ ArticlesIngested: 2, ArticlesRejected: 0 });
      metrics.record({});
    });

    // Assess: one line, the empty record publishes nothing.
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'ingest',
      ArticlesIngested: 2,
      ArticlesRejected: 0,
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service']],
            Metrics: [
              { Name: 'ArticlesIngested', Unit: 'Count' },
              { Name: 'ArticlesRejected', Unit: 'Count' },
            ],
          },
        ],
      },
    });
  });
});
