import { readFileSync } from 'node:fs';
import { SESClient, type SendRawEmailCommandInput } from '@aws-sdk/client-ses';
import type { SNSEvent } from 'aws-lambda';
import type { ParsedMail } from 'mailparser';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SesRawSender } from '../../src/adapters/ses-raw-sender.ts';
import { templateFolder } from '../../src/adapters/template-folder.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { LedgerEntry, SendLedgerStore } from '../../src/core/ports/sending.ts';
import { parseEmailSettings } from '../../src/core/render/settings.ts';
import { loadTemplates } from '../../src/core/render/templates.ts';
import { DigestMessages } from '../../src/core/sending/message.ts';
import { sendReport } from '../../src/core/sending/report.ts';
import { encodeTagValue } from '../../src/core/sending/tags.ts';
import { TokenSigner } from '../../src/core/signed-links.ts';
import {
  createSubscriber,
  type Subscriber,
  type SubscriberStatus,
  transition,
} from '../../src/core/subscribers/subscriber.ts';
import { createFanoutHandler } from '../../src/handlers/send-fanout.ts';
import { createSendWorker, type SendWorkerOptions } from '../../src/handlers/send-worker.ts';
import { createFeedbackHandler } from '../../src/handlers/ses-feedback.ts';
import { motoClientConfig } from '../support/aws.ts';
import { busyDigest } from '../support/digests.ts';
import { recordingObservability } from '../support/logs.ts';
import {
  drainQueue,
  LINK_BASE,
  LIST_ID,
  REPLY_TO,
  sendingStack,
  sqsEvent,
  virtualTime,
  withoutDailyLimit,
} from '../support/sending.ts';
import { KEY_SECRET, mailsTo, SENDER, subscriberStack } from '../support/subscribers.ts';

const LEASE_MS = 5 * 60_000;

describe('sending a digest through SES, against moto', () => {
  let subscribers: Awaited<ReturnType<typeof subscriberStack>>;
  let sending: Awaited<ReturnType<typeof sendingStack>>;
  let time: ReturnType<typeof virtualTime>;

  beforeAll(async () => {
    subscribers = await subscriberStack('sending', KEY_SECRET);
    sending = await sendingStack(subscribers, busyDigest(3));
  });

  afterEach(() => vi.restoreAllMocks());

  async function subscriber(
    local: string,
    status: SubscriberStatus,
    extra: Partial<Subscriber> = {},
  ): Promise<Subscriber> {
    const email = `${local}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`;
    let created = createSubscriber(
      { email, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: status !== 'pending' },
      new Date(),
    );
    if (status !== 'active' && status !== 'pending') created = transition(created, status, new Date());
    created = { ...created, ...extra };
    await subscribers.repository.create(created);
    return created;
  }

  function worker(overrides: Partial<SendWorkerOptions> = {}) {
    time = virtualTime();
    return createSendWorker({
      ledger: sending.ledger,
      subscribers: subscribers.repository,
      addressHash: subscribers.hash,
      sender: withoutDailyLimit(sending.sender),
      queue: sending.queue,
      digests: sending.digests,
      messages: sending.messages,
      ...recordingObservability(),
      workers: 1,
      leaseMs: LEASE_MS,
      quotaDelaySeconds: 900,
      clock: time.clock,
      sleep: time.sleep,
      ...overrides,
    });
  }

  async function rows(digestId = sending.digestId): Promise<Map<string, LedgerEntry>> {
    const found = new Map<string, LedgerEntry>();
    for await (const entry of sending.ledger.entries(digestId)) found.set(entry.subscriberId, entry);
    return found;
  }

  it('refuses to send with the placeholder postal address, before any mail', async () => {
    // prepare
    const placeholder = new DigestMessages({
      templates: await loadTemplates(templateFolder()),
      settings: parseEmailSettings({}),
      signer: new TokenSigner(subscribers.keys),
      identity: {
        from: { name: 'Morning Brief', address: SENDER },
        listId: 'l.example.org',
        linkBase: LINK_BASE,
      },
    });

    // act
    const make = () => worker({ messages: placeholder });

    // assess
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/placeholder postal address/);
  });

  it('fans out to active subscribers only and sends each one complete, paced message', async () => {
    // prepare
    const ana = await subscriber('ana', 'active', { name: 'Ana Müller' });
    const ben = await subscriber('ben', 'active', { topics: ['theme'], topicsOnly: false });
    const stopped = [
      await subscriber('left', 'unsubscribed'),
      await subscriber('gone', 'bounced'),
      await subscriber('annoyed', 'complained'),
      await subscriber('unconfirmed', 'pending'),
    ];
    const erased = await subscriber('erased', 'active');
    await subscribers.repository.remove(erased.id);
    const fanout = createFanoutHandler({
      subscribers: subscribers.repository,
      queue: sending.queue,
      batchSize: 2,
      log: recordingObservability().log,
    });
    // The hand-off as the scheduled digest sends it (archivePrefix holds digest.json).
    const request = JSON.stringify({
      digestId: sending.digestId,
      archivePrefix: sending.digestKey.replace(/digest\.json$/, ''),
      windowStart: '2026-11-22T07:00:00.000Z',
      windowEnd: '2026-11-23T07:00:00.000Z',
    });
    const send = worker();

    // act
    const fanned = await fanout(sqsEvent({ messageId: 'request-1', body: request }));
    const batches = await drainQueue(sending.sqs, sending.queueUrl);
    const result = await send(batches);

    // assess: the plan holds every active subscriber of the shared table, nobody else
    expect(fanned.batchItemFailures).toEqual([]);
    expect(result.batchItemFailures).toEqual([]);
    const planned = batches.Records.flatMap((r) => JSON.parse(r.body).subscriberIds as string[]);
    expect(planned).toEqual(expect.arrayContaining([ana.id, ben.id]));
    for (const s of [...stopped, erased]) expect(planned).not.toContain(s.id);
    for (const s of [...stopped, erased]) expect(await mailsTo(s.email)).toEqual([]);

    const [mail] = await mailsTo(ana.email);
    expect(await mailsTo(ana.email)).toHaveLength(1);
    await expectCompleteMessage(mail, ana);
    expect(await mailsTo(ben.email)).toHaveLength(1);

    const ledger = await rows();
    expect(ledger.get(ana.id)).toMatchObject({ state: 'sent', messageId: expect.any(String) });
    expect(ledger.get(ana.id)?.leaseUntil).toBeUndefined();
    // moto's MaxSendRate is 1 per second and there is one worker: the calls are a second apart.
    expect(time.waits.length).toBe(planned.length - 1);
    for (const wait of time.waits) expect(wait).toBeGreaterThanOrEqual(999);
  });

  async function expectCompleteMessage(mail: ParsedMail | undefined, to: Subscriber) {
    expect(mail).toBeDefined();
    if (!mail) return;
    expect(mail.from?.value).toEqual([{ name: 'Morning Brief', address: SENDER }]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([
      { name: to.name ?? '', address: to.email },
    ]);
    expect(mail.replyTo?.value[0]?.address).toBe(REPLY_TO);
    expect(mail.date).toBeInstanceOf(Date);
    expect(mail.messageId).toBe(`<${encodeTagValue(sending.digestId)}.${to.id}@news.example.org>`);
    const list = mail.headers.get('list') as { unsubscribe: { url: string } };
    expect(list).toEqual({
      unsubscribe: { url: expect.stringMatching(/^https:\/\//) },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
      id: { name: 'Morning Brief', id: LIST_ID },
    });
    const unsubscribe = list.unsubscribe.url;
    expect(unsubscribe.startsWith(`${LINK_BASE}/unsubscribe?token=`)).toBe(true);
    expect(mail.headers.get('x-digest-id')).toBe(encodeTagValue(sending.digestId));
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toContain('Hello Ana Müller,');
    expect(mail.html).toContain('Hello Ana Müller,');
    expect(mail.html).toContain(unsubscribe.replaceAll('&', '&amp;'));
    expect(mail.text).toContain(unsubscribe);
    // The token in the link is valid, for this subscriber and for unsubscribing.
    const token = new URL(unsubscribe).searchParams.get('token') ?? '';
    const claims = await new TokenSigner(subscribers.keys).verify(token, 'unsubscribe', new Date());
    expect(claims.subscriberId).toBe(to.id);
  }

  it('skips subscribers who left after the fan-out, and a second delivery of a batch sends nothing new', async () => {
    // prepare
    const stays = await subscriber('stays', 'active');
    const leaves = await subscriber('leaves', 'active');
    const bounces = await subscriber('bounces', 'active');
    const batch = JSON.stringify({
      digestId: sending.digestId,
      digestKey: sending.digestKey,
      subscriberIds: [stays.id, leaves.id, bounces.id],
    });
    await subscribers.repository.put(transition(leaves, 'unsubscribed', new Date()));
    await subscribers.repository.put(transition(bounces, 'bounced', new Date()));
    const send = worker();

    // act
    await send(sqsEvent({ messageId: 'batch-1', body: batch }));
    const first = await rows();
    await send(sqsEvent({ messageId: 'batch-1', body: batch }));

    // assess
    expect(await mailsTo(stays.email)).toHaveLength(1);
    expect(await mailsTo(leaves.email)).toEqual([]);
    expect(await mailsTo(bounces.email)).toEqual([]);
    expect(first.get(leaves.id)).toMatchObject({ state: 'skipped', reason: 'unsubscribed' });
    expect(first.get(bounces.id)).toMatchObject({ state: 'skipped', reason: 'bounced' });
    expect(await rows()).toEqual(first);
  });

  it('records a subscriber whose address cannot go into To as failed, and sends the rest of the batch', async () => {
    // prepare: an address stored before the checks of today (a quoted local part), between two sound ones
    const first = await subscriber('first', 'active');
    const odd = await subscriber('odd', 'active', { email: '"odd one"@mail.example.com' });
    const last = await subscriber('last', 'active');
    const batch = JSON.stringify({
      digestId: sending.digestId,
      digestKey: sending.digestKey,
      subscriberIds: [first.id, odd.id, last.id],
    });
    const observability = recordingObservability();
    const send = worker(observability);

    // act
    await send(sqsEvent({ messageId: 'batch-odd', body: batch }));

    // assess
    expect(await mailsTo(first.email)).toHaveLength(1);
    expect(await mailsTo(last.email)).toHaveLength(1);
    const ledger = await rows();
    expect(ledger.get(odd.id)).toMatchObject({
      state: 'failed',
      reason: 'cannot compose the message: to: invalid email address',
    });
    expect(ledger.get(first.id)?.state).toBe('sent');
    const logs = observability.lines.join('\n');
    expect(logs).toContain(odd.id);
    expect(logs).not.toContain('odd one');
  });

  it("links each message to its digest's page on the archive site, header and footer; no site, no link", async () => {
    // prepare
    const linked = await subscriber('linked', 'active');
    const plain = await subscriber('plain', 'active');
    const batchFor = (s: Subscriber) =>
      JSON.stringify({ digestId: sending.digestId, digestKey: sending.digestKey, subscriberIds: [s.id] });
    const archiveBase = 'https://d111111abcdef8.cloudfront.net/';
    const page = `https://d111111abcdef8.cloudfront.net/digests/2026/11/23/${sending.digestId}/digest.html`;

    // act
    const withSite = await worker({ archiveBase })(
      sqsEvent({ messageId: 'linked-1', body: batchFor(linked) }),
    );
    const withoutSite = await worker()(sqsEvent({ messageId: 'plain-1', body: batchFor(plain) }));

    // assess
    expect(withSite.batchItemFailures).toEqual([]);
    expect(withoutSite.batchItemFailures).toEqual([]);
    const [mail] = await mailsTo(linked.email);
    expect(page).toBe(`${archiveBase}${sending.digestKey.replace(/json$/, 'html')}`);
    expect(mail?.html && mail.html.split(`<a href="${page}">View in browser</a>`).length - 1).toBe(2);
    expect(mail?.text).toContain(`View in browser: ${page}`);
    const [other] = await mailsTo(plain.email);
    expect(other?.html).not.toContain('View in browser');
    expect(other?.text).not.toContain('View in browser');
  });

  it('never resends after a crash between the send and the ledger update; an SES event settles the row', async () => {
    // prepare
    const digestId = `${sending.digestId}-crash`;
    const first = await subscriber('first', 'active');
    const second = await subscriber('second', 'active');
    const crashingLedger: SendLedgerStore = Object.create(sending.ledger);
    crashingLedger.markSent = async () => {
      throw new Error('the worker died before recording the MessageId');
    };
    const batch = JSON.stringify({
      digestId,
      digestKey: sending.digestKey,
      subscriberIds: [first.id, second.id],
    });

    // act: the first delivery crashes after each send; SQS redelivers to a healthy worker
    const crashed = await worker({ ledger: crashingLedger })(sqsEvent({ messageId: 'batch-2', body: batch }));
    const send = worker();
    await send(sqsEvent({ messageId: 'batch-2', body: batch }));
    const during = await sendReport(
      digestId,
      sending.ledger.entries(digestId),
      time.clock(),
      async () => 'active',
    );
    time.advance(LEASE_MS + 1);
    const afterLease = await sendReport(
      digestId,
      sending.ledger.entries(digestId),
      time.clock(),
      async () => 'active',
    );
    const [mail] = await mailsTo(first.email);
    const delivery = deliveryEvent(digestId, first, mail?.messageId ?? '');
    await createFeedbackHandler({
      repository: subscribers.repository,
      ledger: sending.ledger,
      addressHash: subscribers.hash,
      log: recordingObservability().log,
    })(delivery);
    const settled = await sendReport(
      digestId,
      sending.ledger.entries(digestId),
      time.clock(),
      async () => 'active',
    );

    // assess: the failed ledger updates left the rows `sending`; the redelivery sent nothing twice
    expect(crashed.batchItemFailures).toEqual([]);
    expect(await mailsTo(first.email)).toHaveLength(1);
    expect(await mailsTo(second.email)).toHaveLength(1);
    expect(during).toMatchObject({ sent: 0, inProgress: 2, unknown: 0 });
    expect(afterLease).toMatchObject({ sent: 0, unknown: 2 });
    expect(settled).toMatchObject({ sent: 1, unknown: 1, delivered: 1 });
    expect((await rows(digestId)).get(first.id)).toMatchObject({
      state: 'sent',
      deliveredAt: expect.any(String),
    });
  });

  it('hands the rest of a batch back to the queue before the function timeout instead of being cut off mid-send', async () => {
    // prepare: one message per 100 s, so five recipients need 400 s of a 300 s timeout
    const digestId = `${sending.digestId}-slow`;
    const people = [];
    for (const local of ['s1', 's2', 's3', 's4', 's5']) people.push(await subscriber(local, 'active'));
    const batch = JSON.stringify({
      digestId,
      digestKey: sending.digestKey,
      subscriberIds: people.map((p) => p.id),
    });
    const sentAt: number[] = [];
    const send = worker({
      ratePerWorker: 0.01,
      sender: {
        ...withoutDailyLimit(sending.sender),
        sendRaw: (raw, tags) => {
          sentAt.push(time.clock().getTime());
          return sending.sender.sendRaw(raw, tags);
        },
      },
    });
    const invoked = time.clock().getTime();

    // act: the first invocation, then whatever it put back on the queue
    const first = await send(sqsEvent({ messageId: 'slow-1', body: batch }));
    const firstCalls = sentAt.length;
    const handedBack = await drainQueue(sending.sqs, sending.queueUrl);
    await send(handedBack);

    // assess: every SES call of the first invocation starts well inside its timeout, the rest comes back
    // as one message, and in the end everybody has exactly one message and a `sent` row
    expect(first.batchItemFailures).toEqual([]);
    expect(firstCalls).toBeGreaterThan(0);
    for (const at of sentAt.slice(0, firstCalls)) expect(at - invoked).toBeLessThan(LEASE_MS);
    expect(handedBack.Records).toHaveLength(1);
    expect(JSON.parse(handedBack.Records[0]?.body ?? '{}').subscriberIds).toEqual(
      people.slice(firstCalls).map((p) => p.id),
    );
    const ledger = await rows(digestId);
    for (const p of people) {
      expect(await mailsTo(p.email)).toHaveLength(1);
      expect(ledger.get(p.id)).toMatchObject({ state: 'sent' });
    }
  });

  /**
   * A client on moto whose SendRawEmail SES answers with this HTTP 400 error while `refusing` says so (moto cannot
   * pause an account or unverify an identity with SES's own words: a middleware answers for it, and the SDK parses
   * that answer as it would SES's).
   */
  function refusingSes(
    code: string,
    message: string,
    refusing: (input: SendRawEmailCommandInput) => boolean,
  ) {
    const ses = new SESClient({ ...motoClientConfig(), maxAttempts: 1 });
    const escaped = message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    ses.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          context.commandName !== 'SendRawEmailCommand' ||
          !refusing(args.input as SendRawEmailCommandInput)
        )
          return next(args);
        const body = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>
<Code>${code}</Code><Message>${escaped}</Message></Error>
<RequestId>7f6b5a4e-0000-4000-8000-000000000001</RequestId></ErrorResponse>`;
        return {
          response: {
            statusCode: 400,
            reason: 'Bad Request',
            headers: { 'content-type': 'text/xml' },
            body: Buffer.from(body),
          },
          output: undefined,
        } as never;
      },
      { step: 'deserialize', priority: 'low', name: 'sesRefusal' },
    );
    return ses;
  }

  // SES's own answers (Amazon SES developer guide, "Amazon SES email sending errors"; the account pause as SES
  // words it in MessageRejected): none of them is the recipient's doing.
  it.each([
    ['sending paused for the account', 'AccountSendingPausedException', 'Account sending paused.'],
    [
      'sending paused for the account, as a MessageRejected',
      'MessageRejected',
      'Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.',
    ],
    [
      'the From address no longer verified',
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region US-EAST-1: ${SENDER}`,
    ],
    [
      'the From address, with its display name, no longer verified',
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region EU-WEST-1: Morning Brief <${SENDER}>, ${SENDER}`,
    ],
    [
      'the sender domain no longer verified',
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region US-EAST-1: ${SENDER.split('@')[1]}`,
    ],
  ])(
    'hands a batch back to SQS when SES refuses the sender (%s), and sends it once that is put right',
    async (label, code, message) => {
      // prepare
      const digestId = `${sending.digestId}-refused-${label.replaceAll(/[^a-z]+/g, '-')}`;
      const people = [await subscriber('p1', 'active'), await subscriber('p2', 'active')];
      let refusing = true;
      const ses = refusingSes(code, message, () => refusing);
      const send = worker({ sender: withoutDailyLimit(new SesRawSender(ses, 'digest-sending')) });
      const batch = JSON.stringify({
        digestId,
        digestKey: sending.digestKey,
        subscriberIds: people.map((p) => p.id),
      });

      // act: the refused delivery, then SQS's redelivery once the operator put it right
      const refused = await send(sqsEvent({ messageId: 'refused-1', body: batch }));
      const during = await rows(digestId);
      refusing = false;
      const resumed = await send(sqsEvent({ messageId: 'refused-1', body: batch }));

      // assess: nothing failed for good or left in doubt; the redelivery sent each one message
      expect(refused.batchItemFailures).toEqual([{ itemIdentifier: 'refused-1' }]);
      expect([...during.values()].filter((row) => row.state === 'sending' || row.state === 'failed')).toEqual(
        [],
      );
      expect(resumed.batchItemFailures).toEqual([]);
      const ledger = await rows(digestId);
      for (const p of people) {
        expect(await mailsTo(p.email)).toHaveLength(1);
        expect(ledger.get(p.id)).toMatchObject({ state: 'sent' });
      }
    },
  );

  it('records a sandbox recipient SES names as not verified as failed, and sends the rest of the batch', async () => {
    // prepare: in the sandbox SES checks the recipients too, and names the one that is not verified
    const digestId = `${sending.digestId}-unverified-recipient`;
    const unverified = await subscriber('unverified', 'active');
    const verified = await subscriber('verified', 'active');
    const ses = refusingSes(
      'MessageRejected',
      `Email address is not verified. The following identities failed the check in region US-EAST-1: ${unverified.email}`,
      (input) =>
        input.Tags?.find((tag) => tag.Name === 'subscriber')?.Value === encodeTagValue(unverified.id),
    );
    const send = worker({ sender: withoutDailyLimit(new SesRawSender(ses, 'digest-sending')) });
    const batch = JSON.stringify({
      digestId,
      digestKey: sending.digestKey,
      subscriberIds: [unverified.id, verified.id],
    });

    // act
    const result = await send(sqsEvent({ messageId: 'unverified-1', body: batch }));

    // assess
    expect(result.batchItemFailures).toEqual([]);
    const ledger = await rows(digestId);
    expect(ledger.get(unverified.id)).toMatchObject({ state: 'failed', reason: 'SES MessageRejected' });
    expect(ledger.get(verified.id)).toMatchObject({ state: 'sent' });
    expect(await mailsTo(unverified.email)).toHaveLength(0);
    expect(await mailsTo(verified.email)).toHaveLength(1);
  });

  /** The recorded SES Delivery event, for this subscriber and with this message's tags. */
  function deliveryEvent(digestId: string, to: Subscriber, messageId: string): SNSEvent {
    const event = JSON.parse(
      readFileSync(new URL('../fixtures/ses/delivery.json', import.meta.url), 'utf8'),
    ) as SNSEvent;
    const record = event.Records[0];
    if (!record) throw new Error('fixture has no record');
    const message = JSON.parse(record.Sns.Message.replaceAll('full@mail.example.com', to.email));
    message.mail.messageId = messageId;
    message.mail.tags.digest = [encodeTagValue(digestId)];
    message.mail.tags.subscriber = [to.id];
    record.Sns.Message = JSON.stringify(message);
    return event;
  }
});
