import { describe, expect, it } from 'vitest';
import { ConfigError, QueueMessageRejectedError } from '../../src/core/errors.ts';
import type { LedgerEntry } from '../../src/core/ports/sending.ts';
import { backoffDelay, DEFAULT_BACKOFF, Pacer, perWorkerRate } from '../../src/core/sending/pacing.ts';
import { planBatches } from '../../src/core/sending/plan.ts';
import { sendReport } from '../../src/core/sending/report.ts';
import {
  decodeTagValue,
  encodeTagValue,
  ledgerKeyFromTags,
  messageTags,
} from '../../src/core/sending/tags.ts';
import {
  createSubscriber,
  type SubscriberStatus,
  transition,
} from '../../src/core/subscribers/subscriber.ts';
import { parseBody, sendRequestSchema } from '../../src/handlers/sqs-batch.ts';

describe('message tags', () => {
  it('encode any id into letters, digits, _ and -, and decode back exactly', () => {
    // prepare
    const ids = ['2026-11-23.daily', 'digests/2026/11/23 Über_ñ', 'a_b', '日本'];

    // act
    const encoded = ids.map(encodeTagValue);

    // assess
    for (const value of encoded) expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded.map(decodeTagValue)).toEqual(ids);
    expect(encodeTagValue('a_b')).toBe('a_5Fb');
  });

  it('carry the ledger key, read back from an SES event', () => {
    const tags = Object.fromEntries(
      Object.entries(messageTags('2026-11-23.daily', 'sub-1')).map(([k, v]) => [k, [v]]),
    );
    expect(ledgerKeyFromTags({ ...tags, 'ses:configuration-set': ['x'] })).toEqual({
      digestId: '2026-11-23.daily',
      subscriberId: 'sub-1',
    });
    expect(ledgerKeyFromTags({ 'ses:configuration-set': ['x'] })).toBeUndefined();
  });
});

describe('pacing', () => {
  it('shares MaxSendRate among the workers, never above a configured rate', () => {
    expect(perWorkerRate(14, 2)).toBe(7);
    expect(perWorkerRate(14, 2, 3)).toBe(3);
    expect(perWorkerRate(14, 2, 50)).toBe(7);
    expect(() => perWorkerRate(0, 2)).toThrow(ConfigError);
  });

  it('spaces calls 1/rate apart, the first at once', async () => {
    // prepare
    let now = 1_000;
    const waits: number[] = [];
    const pacer = new Pacer(
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );

    // act
    for (let i = 0; i < 4; i++) await pacer.wait(4);
    now += 1_000;
    await pacer.wait(4);

    // assess
    expect(waits).toEqual([250, 250, 250]);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3].map((retry) => backoffDelay(retry, DEFAULT_BACKOFF, () => 0.999))).toEqual([
      199, 399, 799, 1598,
    ]);
    expect(backoffDelay(10, DEFAULT_BACKOFF, () => 0.5)).toBe(2500);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
  });
});

describe('fan-out plan', () => {
  it('batches active subscribers only', async () => {
    // prepare
    const statuses: SubscriberStatus[] = [
      'active',
      'unsubscribed',
      'active',
      'bounced',
      'complained',
      'active',
    ];
    const people = statuses.map((status, i) => {
      const s = createSubscriber(
        {
          email: `p${i}@example.com`,
          consent: { source: 'cli', at: '2026-11-01T00:00:00Z' },
          confirmed: true,
        },
        new Date(),
      );
      return status === 'active' ? s : transition(s, status, new Date());
    });
    const pending = createSubscriber(
      {
        email: 'pending@example.com',
        consent: { source: 'form', at: '2026-11-01T00:00:00Z' },
        confirmed: false,
      },
      new Date(),
    );

    // act
    const batches = [];
    for await (const batch of planBatches('d1', 'digests/d1/digest.json', [...people, pending], 2))
      batches.push(batch);

    // assess
    expect(batches.map((b) => b.subscriberIds)).toEqual([[people[0]?.id, people[2]?.id], [people[5]?.id]]);
    expect(batches[0]).toMatchObject({ digestId: 'd1', digestKey: 'digests/d1/digest.json' });
  });
});

describe('send report', () => {
  it('counts sent, failed, unknown and abandoned after the lease, feedback outcomes and unsubscribes', async () => {
    // prepare
    const now = new Date('2026-11-23T08:00:00Z');
    const row = (subscriberId: string, extra: Partial<LedgerEntry>): LedgerEntry => ({
      digestId: 'd1',
      subscriberId,
      state: 'sent',
      updatedAt: now.toISOString(),
      ...extra,
    });
    const rows = [
      row('a', { deliveredAt: now.toISOString() }),
      row('b', { bouncedAt: now.toISOString() }),
      row('c', { complainedAt: now.toISOString() }),
      row('d', { state: 'failed', reason: 'SES MessageRejected' }),
      row('e', {
        state: 'sending',
        leaseUntil: '2026-11-23T07:55:00Z',
        sendStartedAt: '2026-11-23T07:50:00Z',
      }),
      row('i', { state: 'sending', leaseUntil: '2026-11-23T07:55:00Z' }),
      row('f', { state: 'sending', leaseUntil: '2026-11-23T08:05:00Z' }),
      row('g', { state: 'skipped', reason: 'unsubscribed' }),
      row('h', {}),
    ];
    async function* entries() {
      yield* rows;
    }

    // act
    const report = await sendReport('d1', entries(), now, async (id) =>
      id === 'h' ? 'unsubscribed' : 'active',
    );

    // assess
    expect(report).toEqual({
      digestId: 'd1',
      sent: 4,
      failed: 1,
      unknown: 1,
      abandoned: 1,
      inProgress: 1,
      skipped: 1,
      delivered: 1,
      bounced: 1,
      complained: 1,
      unsubscribed: 2,
    });
  });
});

describe('hand-off message', () => {
  it('takes the archive prefix the scheduled digest sends, or a digest key', () => {
    const fromPrefix = parseBody(
      sendRequestSchema,
      JSON.stringify({
        digestId: 'digest-20261123T0700Z',
        archivePrefix: 'digests/2026/11/23/d/',
        windowEnd: 'x',
      }),
      'm1',
    );
    const fromKey = parseBody(
      sendRequestSchema,
      JSON.stringify({ digestId: 'd', digestKey: 'digests/2026/11/23/d/digest.json' }),
      'm2',
    );
    expect(fromPrefix).toEqual({
      digestId: 'digest-20261123T0700Z',
      digestKey: 'digests/2026/11/23/d/digest.json',
    });
    expect(fromKey).toEqual({ digestId: 'd', digestKey: 'digests/2026/11/23/d/digest.json' });
  });

  it('names the SQS message and the reason when the body is unusable', () => {
    expect(() => parseBody(sendRequestSchema, 'not json', 'm3')).toThrow(
      new QueueMessageRejectedError('SQS message m3: body is not JSON'),
    );
    expect(() => parseBody(sendRequestSchema, JSON.stringify({ digestId: 'd' }), 'm4')).toThrow(
      /SQS message m4: .*needs digestKey or archivePrefix/s,
    );
    expect(() =>
      parseBody(sendRequestSchema, JSON.stringify({ digestId: 'a/b', digestKey: 'elsewhere.json' }), 'm5'),
    ).toThrow(/SQS message m5: .*digestId.*digestKey/s);
  });
});
