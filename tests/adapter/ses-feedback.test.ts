import { beforeAll, describe, expect, it } from 'vitest';
import type { SendLedger, SubscriberRepository } from '../../src/core/ports/subscribers.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import {
  createSubscriber,
  hashedAddress,
  legacyAddressHash,
  type Subscriber,
  transition,
} from '../../src/core/subscribers/subscriber.ts';
import { createFeedbackHandler } from '../../src/handlers/ses-feedback.ts';
import { recordingObservability } from '../support/logs.ts';
import { KEY_SECRET, sesEvent, subscriberStack, subscriptionService } from '../support/subscribers.ts';

const fixture = sesEvent;

describe('SES feedback handler on recorded events, against moto', () => {
  let stack: Awaited<ReturnType<typeof subscriberStack>>;
  const settled: Parameters<SendLedger['settle']>[] = [];
  const ledger: SendLedger = { settle: async (...args) => void settled.push(args) };
  let handler: ReturnType<typeof createFeedbackHandler>;
  let recorded: ReturnType<typeof recordingObservability>;

  beforeAll(async () => {
    stack = await subscriberStack('feedback', KEY_SECRET);
    recorded = recordingObservability();
    handler = createFeedbackHandler({
      log: recorded.log,
      repository: stack.repository,
      ledger,
      transientBounceLimit: 3,
      addressHash: stack.hash,
    });
  });

  async function activeSubscriber(local: string): Promise<Subscriber> {
    const email = `${local}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`;
    const subscriber = createSubscriber(
      { email, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
      new Date(),
    );
    await stack.repository.create(subscriber);
    return subscriber;
  }

  it('marks a permanently bounced subscriber and settles the ledger, without logging the address', async () => {
    // prepare
    const subscriber = await activeSubscriber('gone');
    recorded.lines.length = 0;

    // act
    await handler(fixture('bounce-permanent', { from: 'gone@mail.example.com', to: subscriber.email }));

    // assess
    expect((await stack.repository.get(subscriber.id))?.status).toBe('bounced');
    expect(settled).toContainEqual([
      '0102017d1c2b3a4f-aaaa0001-000000',
      hashedAddress(stack.hash, subscriber.email),
      'bounced',
      new Date('2026-11-23T07:00:03.669Z'),
      // The event's mail.tags, by which the send ledger finds its row.
      expect.objectContaining({ 'ses:configuration-set': ['NewsletterDigest-feedback'] }),
    ]);
    const logged = recorded.lines.join('\n');
    // Keyed (HMAC): the plain SHA-256 a list of known addresses could be tested against is not logged.
    expect(logged).toContain(stack.hash(subscriber.email));
    expect(logged).not.toContain(legacyAddressHash(subscriber.email));
    expect(logged).not.toContain(subscriber.email);
  });

  it('marks a complaint, which stops mail', async () => {
    // prepare
    const subscriber = await activeSubscriber('annoyed');

    // act
    await handler(fixture('complaint', { from: 'annoyed@mail.example.com', to: subscriber.email }));

    // assess
    expect((await stack.repository.get(subscriber.id))?.status).toBe('complained');
  });

  it('counts transient bounces, resets on delivery, and treats three in a row as a bounce', async () => {
    // prepare
    const subscriber = await activeSubscriber('full');
    const swap = { from: 'full@mail.example.com', to: subscriber.email };

    // act
    await handler(fixture('bounce-transient', swap));
    await handler(fixture('bounce-transient', swap));
    const afterTwo = await stack.repository.get(subscriber.id);
    await handler(fixture('delivery', swap));
    const afterDelivery = await stack.repository.get(subscriber.id);
    for (let i = 0; i < 3; i++) await handler(fixture('bounce-transient', swap));
    const afterThree = await stack.repository.get(subscriber.id);

    // assess
    expect(afterTwo).toMatchObject({ status: 'active', transientBounces: 2 });
    expect(afterDelivery).toMatchObject({ status: 'active', transientBounces: 0 });
    expect(afterThree?.status).toBe('bounced');
    expect(settled).toContainEqual([
      '0102017d1c2b3a4f-aaaa0004-000000',
      hashedAddress(stack.hash, subscriber.email),
      'delivered',
      new Date('2026-11-23T07:00:02.500Z'),
      // The event's mail.tags, by which the send ledger finds its row.
      expect.objectContaining({ 'ses:configuration-set': ['NewsletterDigest-feedback'] }),
    ]);
  });

  it('reports a recipient that cannot be a subscriber as unknown and still settles the ledger', async () => {
    // prepare
    recorded.lines.length = 0;

    // act
    await handler(
      fixture('bounce-permanent', { from: 'gone@mail.example.com', to: 'jörg@mail.example.com' }),
    );

    // assess
    expect(recorded.lines.join('\n')).toContain('"action":"unknown-recipient"');
    expect(
      settled.some(
        ([id, hash]) =>
          id === '0102017d1c2b3a4f-aaaa0001-000000' && hash.hash === stack.hash('jörg@mail.example.com'),
      ),
    ).toBe(true);
  });

  it('ignores Send events and skips a record that is not an SES event, keeping the others', async () => {
    // prepare
    const subscriber = await activeSubscriber('gone');
    const bounce = fixture('bounce-permanent', { from: 'gone@mail.example.com', to: subscriber.email });
    const broken = fixture('send');
    const [brokenRecord] = broken.Records;
    if (!brokenRecord || !bounce.Records[0]) throw new Error('fixture has no record');
    brokenRecord.Sns.Message = '{"not":"ses"}';
    recorded.lines.length = 0;

    // act
    await handler(fixture('send'));
    await handler({ Records: [brokenRecord, bounce.Records[0]] });

    // assess
    expect((await stack.repository.get(subscriber.id))?.status).toBe('bounced');
    const errors = recorded.lines.map((line) => JSON.parse(line)).filter((line) => line.level === 'ERROR');
    expect(errors).toContainEqual(expect.objectContaining({ snsMessageId: brokenRecord.Sns.MessageId }));
  });

  /**
   * The subscriber repository of the stack, where `meanwhile` runs once, right after the first read of a
   * subscriber: another request changing the record between this one's read and its write.
   */
  function racedRepository(meanwhile: () => Promise<void>): SubscriberRepository {
    const raced: SubscriberRepository = Object.create(stack.repository);
    let pending: (() => Promise<void>) | undefined = meanwhile;
    const once = async () => {
      const run = pending;
      pending = undefined;
      await run?.();
    };
    raced.get = async (id) => {
      const read = await stack.repository.get(id);
      await once();
      return read;
    };
    raced.findByEmail = async (email) => {
      const read = await stack.repository.findByEmail(email);
      await once();
      return read;
    };
    return raced;
  }

  it('keeps an unsubscribe that lands while a delivery event is applied', async () => {
    // prepare: a transient bounce to reset; the one-click unsubscribe lands between the handler's read and write
    const subscriber = await activeSubscriber('leaving');
    const swap = { from: 'full@mail.example.com', to: subscriber.email };
    await handler(fixture('bounce-transient', swap));
    const raced = createFeedbackHandler({
      log: recordingObservability().log,
      repository: racedRepository(async () => {
        const current = await stack.repository.get(subscriber.id);
        if (current) await stack.repository.put(transition(current, 'unsubscribed', new Date()));
      }),
      ledger,
      transientBounceLimit: 3,
      addressHash: stack.hash,
    });

    // act
    await raced(fixture('delivery', swap));

    // assess
    expect(await stack.repository.get(subscriber.id)).toMatchObject({
      status: 'unsubscribed',
      transientBounces: 0,
    });
  });

  it('keeps a complaint that lands while an unsubscribe is applied', async () => {
    // prepare: the complaint is handled between the unsubscribe's read and its write
    const subscriber = await activeSubscriber('annoyed');
    const token = await new TokenSigner(stack.keys).sign(subscriber.id, 'unsubscribe', new Date());
    const service = subscriptionService({
      ...stack,
      repository: racedRepository(() =>
        handler(fixture('complaint', { from: 'annoyed@mail.example.com', to: subscriber.email })),
      ) as typeof stack.repository,
    });

    // act
    await service.unsubscribe(token);

    // assess: a complained address gets no more mail, not even a confirmation a stranger asks for
    expect((await stack.repository.get(subscriber.id))?.status).toBe('complained');
  });
});
