import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sqsBatchHandler } from '../../src/handlers/sqs-batch.ts';
import { recordingObservability } from '../support/logs.ts';

const event = (...ids: string[]): SQSEvent => ({
  Records: ids.map((id) => ({ messageId: id, body: `{"id":"${id}"}` }) as SQSRecord),
});

describe('SQS batches through Powertools batch processing', () => {
  it('handles records one at a time in order and reports only the ones that threw', async () => {
    // Prepare
    const { log, lines } = recordingObservability();
    const seen: string[] = [];
    let running = 0;
    const handler = sqsBatchHandler({ log, failureMessage: 'record failed' }, async (record) => {
      running++;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(record.messageId);
      running--;
      if (record.messageId === 'b') throw new Error('refused reader@example.com');
    });

    // Act
    const response = await handler(event('a', 'b', 'c'));

    // Assess: the failure is logged by type only (an error message can quote an address).
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { level: 'ERROR', message: 'record failed', sqsMessageId: 'b', errorType: 'Error' },
    ]);
  });

  it('reports a batch that fails whole record by record instead of throwing', async () => {
    // Prepare
    const handler = sqsBatchHandler(
      { log: recordingObservability().log, failureMessage: 'failed' },
      async () => {
        throw new Error('down');
      },
    );

    // Act
    const response = await handler(event('a', 'b'));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
  });
});
