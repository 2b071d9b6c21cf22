import {
  GetSendQuotaCommand,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
} from '@aws-sdk/client-ses';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SesRawSender } from '../../src/adapters/ses-raw-sender.ts';
import type { LedgerEntry } from '../../src/core/ports/sending.ts';
import { encodeTagValue } from '../../src/core/sending/tags.ts';
import { createSubscriber, type Subscriber } from '../../src/core/subscribers/subscriber.ts';
import { createSendWorker } from '../../src/handlers/send-worker.ts';
import { motoClientConfig } from '../support/aws.ts';
import { busyDigest } from '../support/digests.ts';
import { recordingObservability } from '../support/logs.ts';
import { sendingStack, sqsEvent, virtualTime } from '../support/sending.ts';
import { KEY_SECRET, subscriberStack } from '../support/subscribers.ts';

/**
 * What moto cannot do (throttling, quota exhaustion, rejection): SES is mocked with aws-sdk-client-mock;
 * the subscriber table, the ledger and the queue are moto's.
 */
describe('send worker on SES errors', () => {
  let subscribers: Awaited<ReturnType<typeof subscriberStack>>;
  let sending: Awaited<ReturnType<typeof sendingStack>>;
  const ses = new SESClient({ ...motoClientConfig(), maxAttempts: 1 });
  const sesMock = mockClient(ses);
  let time: ReturnType<typeof virtualTime>;
  let recorded: ReturnType<typeof recordingObservability>;

  beforeAll(async () => {
    subscribers = await subscriberStack('send-errors', KEY_SECRET);
    sending = await sendingStack(subscribers, busyDigest(2));
  });

  beforeEach(() => {
    sesMock.reset();
    sesMock.on(GetSendQuotaCommand).resolves({ Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 10 });
    recorded = recordingObservability();
  });

  afterEach(() => vi.restoreAllMocks());

  async function activeSubscribers(count: number): Promise<Subscriber[]> {
    const created: Subscriber[] = [];
    for (let i = 0; i < count; i++) {
      const subscriber = createSubscriber(
        {
          email: `reader${i}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`,
          consent: { source: 'cli', at: new Date().toISOString() },
          confirmed: true,
        },
        new Date(),
      );
      await subscribers.repository.create(subscriber);
      created.push(subscriber);
    }
    return created;
  }

  function worker() {
    time = virtualTime();
    return createSendWorker({
      ledger: sending.ledger,
      subscribers: subscribers.repository,
      addressHash: subscribers.hash,
      sender: new SesRawSender(ses, 'digest-sending'),
      queue: sending.queue,
      digests: sending.digests,
      messages: sending.messages,
      log: recorded.log,
      metrics: recorded.metrics,
      workers: 2,
      leaseMs: 300_000,
      quotaDelaySeconds: 900,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
    });
  }

  function batchFor(digestId: string, recipients: Subscriber[]) {
    const body = JSON.stringify({
      digestId,
      digestKey: sending.digestKey,
      subscriberIds: recipients.map((s) => s.id),
    });
    return sqsEvent({ messageId: `batch-${digestId}`, body });
  }

  async function rows(digestId: string): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    for await (const entry of sending.ledger.entries(digestId)) found.set(entry.subscriberId, entry);
    return found;
  }

  const throttling = (message = 'Maximum sending rate exceeded.') =>
    new SESServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message,
    });

  it('sends with the configuration set and tags that name the ledger row, paced at MaxSendRate / workers', async () => {
    // prepare
    const digestId = 'tags:2026-11-23.daily';
    const recipients = await activeSubscribers(3);
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-message-1' });

    // act
    const result = await worker()(batchFor(digestId, recipients));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    const calls = sesMock.commandCalls(SendRawEmailCommand);
    expect(calls).toHaveLength(3);
    const input = calls[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('digest-sending');
    expect(input?.Tags).toEqual([
      { Name: 'digest', Value: encodeTagValue(digestId) },
      { Name: 'subscriber', Value: recipients[0]?.id },
    ]);
    for (const tag of input?.Tags ?? []) expect(tag.Value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeTagValue(digestId)).toBe('tags_3A2026-11-23_2Edaily');
    expect(Buffer.from(input?.RawMessage?.Data ?? []).toString('utf8')).toContain('List-Unsubscribe-Post');
    // 14 per second shared by 2 workers: 7 per second each.
    // (the virtual clock is a Date, so in whole milliseconds)
    expect(time.waits).toHaveLength(2);
    for (const ms of time.waits) expect(Math.abs(ms - 1000 / 7)).toBeLessThan(1);
  });

  it('retries throttling and 5xx with jittered exponential backoff, then sends once', async () => {
    // prepare
    const digestId = 'throttled-then-sent';
    const [recipient] = await activeSubscribers(1);
    const unavailable = new SESServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      $metadata: { httpStatusCode: 503 },
      message: 'Service unavailable',
    });
    sesMock
      .on(SendRawEmailCommand)
      .rejectsOnce(throttling())
      .rejectsOnce(unavailable)
      .resolves({ MessageId: 'ses-message-2' });

    // act
    const result = await worker()(batchFor(digestId, recipient ? [recipient] : []));

    // assess: waits of random x 200 x 2^retry with random = 0.5 (the pacer's own spacing in between)
    expect(result.batchItemFailures).toEqual([]);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(3);
    expect(time.waits.filter((ms) => ms === 100 || ms === 200)).toEqual([100, 200]);
    expect((await rows(digestId)).get(recipient?.id ?? '')).toMatchObject({
      state: 'sent',
      messageId: 'ses-message-2',
    });
  });

  it('hands a batch back to SQS when throttling outlasts the retries, and the redelivery sends it once', async () => {
    // prepare
    const digestId = 'throttled-redelivered';
    const recipients = await activeSubscribers(2);
    sesMock.on(SendRawEmailCommand).resolvesOnce({ MessageId: 'ses-first' }).rejects(throttling());
    const event = batchFor(digestId, recipients);

    // act
    const first = await worker()(event);
    const afterFirst = await rows(digestId);
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-second' });
    const second = await worker()(event);

    // assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(afterFirst.get(recipients[0]?.id ?? '')?.state).toBe('sent');
    expect(afterFirst.has(recipients[1]?.id ?? '')).toBe(false);
    expect(second.batchItemFailures).toEqual([]);
    // 1 + 4 attempts in the first delivery, 1 in the second: the first recipient is not sent again.
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(6);
    expect((await rows(digestId)).get(recipients[1]?.id ?? '')).toMatchObject({
      state: 'sent',
      messageId: 'ses-second',
    });
  });

  it('records a permanent rejection as failed and goes on with the batch', async () => {
    // prepare
    const digestId = 'rejected';
    const recipients = await activeSubscribers(2);
    sesMock
      .on(SendRawEmailCommand)
      .rejectsOnce(
        // In the sandbox SES names the recipient it could not verify: theirs alone.
        new MessageRejected({
          $metadata: { httpStatusCode: 400 },
          message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${recipients[0]?.email}`,
        }),
      )
      .resolves({ MessageId: 'ses-message-3' });

    // act
    const result = await worker()(batchFor(digestId, recipients));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    const ledger = await rows(digestId);
    expect(ledger.get(recipients[0]?.id ?? '')).toMatchObject({
      state: 'failed',
      reason: 'SES MessageRejected',
    });
    expect(ledger.get(recipients[1]?.id ?? '')).toMatchObject({ state: 'sent' });
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(2);
  });

  it('stops before the daily quota, puts the rest back on the queue delayed, and emits the alarm metric', async () => {
    // prepare
    const digestId = 'quota';
    const recipients = await activeSubscribers(3);
    sesMock.on(GetSendQuotaCommand).resolves({ Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: 199 });
    sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'ses-message-4' });
    const queued = await delayedMessages();

    // act
    const result = await worker()(batchFor(digestId, recipients));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    const ledger = await rows(digestId);
    expect([...ledger.values()].map((e) => e.state)).toEqual(['sent']);
    expect(await delayedMessages()).toBe(queued + 1);
    const lines = recorded.lines.map((line) => JSON.parse(line));
    expect(lines).toContainEqual({ metrics: { QuotaDeferred: 2 } });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'WARN', digestId, deferred: 2 }));
  });

  it('defers the rest when SES itself says the daily quota is used up', async () => {
    // prepare
    const digestId = 'quota-from-ses';
    const recipients = await activeSubscribers(2);
    sesMock.on(SendRawEmailCommand).rejects(throttling('Daily message quota exceeded.'));
    const queued = await delayedMessages();

    // act
    const result = await worker()(batchFor(digestId, recipients));

    // assess: nothing claimed, nothing dropped
    expect(result.batchItemFailures).toEqual([]);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect((await rows(digestId)).size).toBe(0);
    expect(await delayedMessages()).toBe(queued + 1);
  });

  it('leaves the row sending, and does not retry, when the outcome of a call is unknown', async () => {
    // prepare
    const digestId = 'network';
    const [recipient] = await activeSubscribers(1);
    sesMock
      .on(SendRawEmailCommand)
      .rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    // act
    const result = await worker()(batchFor(digestId, recipient ? [recipient] : []));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    expect(sesMock.commandCalls(SendRawEmailCommand)).toHaveLength(1);
    expect((await rows(digestId)).get(recipient?.id ?? '')).toMatchObject({ state: 'sending' });
  });

  async function delayedMessages(): Promise<number> {
    const { Attributes } = await sending.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: sending.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0);
  }
});
