import { readFileSync } from 'node:fs';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignupLimits } from '../../src/core/subscribers/service.ts';
import { createFeedbackHandler } from '../../src/handlers/ses-feedback.ts';
import { createSignupWorker } from '../../src/handlers/signup-worker.ts';
import { createSubscriptionHandler } from '../../src/handlers/subscription-endpoint.ts';
import { recordingObservability } from '../support/logs.ts';
import { type MotoServer, startMoto } from '../support/moto.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';
import {
  confirmToken,
  drainSignups,
  KEY_SECRET,
  LINK_BASE,
  mailsTo,
  rawMessages,
  sesEvent,
  subscriberStack,
  subscriptionService,
} from '../support/subscribers.ts';

type Stack = Awaited<ReturnType<typeof subscriberStack>>;

function signupEvent(body: string, sourceIp = '198.51.100.23'): LambdaFunctionURLEvent {
  const text = readFileSync(new URL('../fixtures/function-url/subscribe-post.json', import.meta.url), 'utf8');
  const event = JSON.parse(text.replace('{{body}}', body)) as LambdaFunctionURLEvent;
  return {
    ...event,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, sourceIp } },
  };
}

function status(value: LambdaFunctionURLResult): number {
  if (typeof value === 'string') throw new Error('expected a structured result');
  return value.statusCode ?? 0;
}

const unique = (tag: string) =>
  `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@mail.example.com`;
const HOUR = 3_600_000;

/** How many mails moto accepted for any of `addresses` (one read of moto's data, not one per address). */
async function mailCount(endpoint: string, addresses: readonly string[]): Promise<number> {
  const wanted = new Set(addresses);
  return (await rawMessages(endpoint)).filter((m) => m.destinations.some((d) => wanted.has(d))).length;
}

async function endpointFor(stack: Stack, limits: Partial<SignupLimits>) {
  const service = subscriptionService(stack, () => new Date(), limits);
  const handler = createSubscriptionHandler({ service, newsletter: 'Morning Brief', signupEnabled: true });
  return { service, handler };
}

describe('signup abuse limits against moto', () => {
  let stack: Stack;
  let ownMoto: MotoServer;

  beforeAll(async () => {
    // A server of its own: the mail counts below are of this file's sends only.
    ownMoto = await startMoto();
    stack = await subscriberStack('abuse', KEY_SECRET, ownMoto.endpoint);
  });

  afterAll(async () => {
    await ownMoto?.stop();
  });

  it('sends at most the per-address limit for 40 parallel signups of one address', async () => {
    // prepare
    const { service, handler } = await endpointFor(stack, { perClient: { max: 1000, windowMs: HOUR } });
    const email = unique('parallel');
    const body = `email=${encodeURIComponent(email)}`;

    // act: 40 requests at once, then the queued signups processed by four workers at once, as Lambda would.
    const answers = await Promise.all(Array.from({ length: 40 }, () => handler(signupEvent(body))));
    const { Records } = await receiveAsLambdaEvent(stack.sqs, stack.signupQueueUrl);
    const worker = createSignupWorker(service, LINK_BASE, recordingObservability().log);
    const chunks = [0, 1, 2, 3].map((i) => Records.slice(i * 10, i * 10 + 10));
    const results = await Promise.all(chunks.map((chunk) => worker({ Records: chunk })));

    // assess
    expect(answers.map(status)).toEqual(Array(40).fill(200));
    expect(Records).toHaveLength(40);
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
    expect(await mailsTo(email, ownMoto.endpoint)).toHaveLength(3);
  });

  it('counts the per-address limit per mailbox: plus-addressed spellings of one inbox share it', async () => {
    // prepare: many clients (or one with a whole IPv6 /48) aiming at one inbox through its subaddresses.
    const { service, handler } = await endpointFor(stack, { perClient: { max: 1000, windowMs: HOUR } });
    const base = unique('bombed');
    const addresses = Array.from({ length: 12 }, (_, n) => base.replace('@', `+${n}@`));

    // act
    for (const address of addresses) await handler(signupEvent(`email=${encodeURIComponent(address)}`));
    await drainSignups(stack, service);

    // assess: the inbox gets the day's three confirmation mails, not twelve.
    expect(await mailCount(ownMoto.endpoint, addresses)).toBe(3);
  });

  it('lets one client sign up only its hourly limit of addresses, whatever they are', {
    timeout: 120_000,
  }, async () => {
    // prepare: plus-addressing aims every signup at one inbox.
    const { service, handler } = await endpointFor(stack, { perClient: { max: 10, windowMs: HOUR } });
    const base = unique('flood').replace('@', '+{n}@');
    const addresses = Array.from({ length: 200 }, (_, n) => base.replace('{n}', String(n)));

    // act
    const answers = await Promise.all(
      addresses.map((a) => handler(signupEvent(`email=${encodeURIComponent(a)}`, '203.0.113.99'))),
    );
    await drainSignups(stack, service);
    const mails = await mailCount(ownMoto.endpoint, addresses);
    const other = await handler(signupEvent(`email=${encodeURIComponent(unique('other'))}`, '203.0.113.7'));

    // assess
    const codes = answers.map(status);
    expect(codes.filter((c) => c === 200)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(190);
    // Ten signups reach the worker; the inbox behind them gets its day's three mails (per mailbox).
    expect(mails).toBe(3);
    expect(status(other)).toBe(200);
    await drainSignups(stack, service);
  });

  it('counts an IPv6 client by its /64: addresses rotated within the prefix share one limit', async () => {
    // prepare: one home or cloud host gets a whole /64, so a new source address per request costs nothing.
    const { service, handler } = await endpointFor(stack, { perClient: { max: 10, windowMs: HOUR } });
    const sources = Array.from({ length: 20 }, (_, n) => `2001:db8:5:6:${(n + 1).toString(16)}::${n + 7}`);
    const signup = (source: string) =>
      handler(signupEvent(`email=${encodeURIComponent(unique('v6'))}`, source));

    // act: one at a time, so exactly the first ten fit; the written forms of one prefix vary as they may.
    const codes: number[] = [];
    for (const source of sources) codes.push(status(await signup(source)));
    const sameHostOtherForm = status(await signup('2001:0db8:0005:0006:0000:0000:0000:0001'));
    const otherPrefix = status(await signup('2001:db8:5:7::1'));

    // assess
    expect(codes).toEqual([...Array(10).fill(200), ...Array(10).fill(429)]);
    expect(sameHostOtherForm).toBe(429);
    expect(otherPrefix).toBe(200);
    await drainSignups(stack, service);
  });

  it('behind CloudFront, counts the viewer address only on requests that carry the edge key', async () => {
    // prepare: CloudFront adds the key to what it forwards; a client calling the Function URL directly can
    // write CloudFront's viewer header itself, a new address on each request, but not the key.
    const edgeKey = 'edge-key-of-this-stack-0123456789abcdef';
    const service = subscriptionService(stack, () => new Date(), { perClient: { max: 10, windowMs: HOUR } });
    const handler = createSubscriptionHandler({
      service,
      newsletter: 'Morning Brief',
      signupEnabled: true,
      edgeKey,
    });
    const signup = (viewer: string, key?: string) => {
      const event = signupEvent(`email=${encodeURIComponent(unique('edge'))}`, '203.0.113.50');
      event.headers['cloudfront-viewer-address'] = viewer;
      if (key !== undefined) event.headers['x-digest-edge-key'] = key;
      return handler(event);
    };

    // act
    const forged: number[] = [];
    for (let n = 1; n <= 20; n++)
      forged.push(status(await signup(`192.0.2.${n}:443`, n % 2 ? 'guess' : undefined)));
    const throughEdge = [
      status(await signup('198.51.100.201:50000', edgeKey)),
      status(await signup('2001:db8:9::1:50000', edgeKey)),
    ];

    // assess: the forged ones all counted as their real source; the edge's as their viewers.
    expect(forged).toEqual([...Array(10).fill(200), ...Array(10).fill(429)]);
    expect(throughEdge).toEqual([200, 200]);
    await drainSignups(stack, service);
  });

  it('mails no more confirmations to an address whose owner marked one as spam, until it is erased', async () => {
    // prepare: a stranger signs up someone who never asked; they mark the confirmation mail as spam.
    const { service, handler } = await endpointFor(stack, { perClient: { max: 1000, windowMs: HOUR } });
    const feedback = createFeedbackHandler({
      log: recordingObservability().log,
      repository: stack.repository,
      addressHash: stack.hash,
    });
    const email = unique('spam-button');
    const subaddress = email.replace('@', '+again@');
    const signup = async (address: string) => {
      await handler(signupEvent(`email=${encodeURIComponent(address)}`));
      await drainSignups(stack, service);
      return mailCount(ownMoto.endpoint, [email, subaddress]);
    };
    const first = await signup(email);

    // act
    await feedback(sesEvent('complaint', { from: 'annoyed@mail.example.com', to: email }));
    const afterComplaint = [await signup(email), await signup(subaddress)];
    await service.erase(email);
    const afterErasure = await signup(email);

    // assess: each further mail would be another complaint against the account (SES reviews it at 0.1 %).
    expect(first).toBe(1);
    expect(afterComplaint).toEqual([1, 1]);
    expect(afterErasure).toBe(2);
  });

  it('stops confirmation mails at the hourly global cap, whichever clients ask', async () => {
    // prepare: a fresh table, so the global counter starts at zero.
    const fresh = await subscriberStack('global-cap', KEY_SECRET, ownMoto.endpoint);
    const { service, handler } = await endpointFor(fresh, { global: { max: 5, windowMs: HOUR } });
    const addresses = Array.from({ length: 12 }, () => unique('cap'));

    // act
    await Promise.all(
      addresses.map((a, i) => handler(signupEvent(`email=${encodeURIComponent(a)}`, `192.0.2.${i + 1}`))),
    );
    await drainSignups(fresh, service);

    // assess
    expect(await mailCount(ownMoto.endpoint, addresses)).toBe(5);
  });
});

describe('identity comes from the person who confirms', () => {
  let stack: Stack;
  let service: Awaited<ReturnType<typeof endpointFor>>['service'];
  let handler: Awaited<ReturnType<typeof endpointFor>>['handler'];
  const scam = 'Your account is suspended - call 555 0100 now';

  beforeAll(async () => {
    stack = await subscriberStack('identity', KEY_SECRET);
    ({ service, handler } = await endpointFor(stack, { perClient: { max: 1000, windowMs: HOUR } }));
  });

  const signup = async (email: string, name: string, ip: string) => {
    await handler(signupEvent(`email=${encodeURIComponent(email)}&name=${encodeURIComponent(name)}`, ip));
    await drainSignups(stack, service);
  };
  const confirm = (token: string) =>
    handler({
      ...signupEvent(`token=${encodeURIComponent(token)}`),
      rawPath: '/confirm',
    });

  it('never lets a stranger’s signup rename an active subscriber', async () => {
    // prepare
    const email = unique('active');
    await signup(email, 'Ada', '198.51.100.1');
    const [own] = await mailsTo(email);
    await confirm(confirmToken(own ?? ({} as never)));

    // act
    await signup(email, scam, '203.0.113.66');

    // assess
    expect(await mailsTo(email)).toHaveLength(1);
    expect(await stack.repository.findByEmail(email)).toMatchObject({ status: 'active', name: 'Ada' });
  });

  it('takes the name of the request the person confirms, and a stranger’s later link changes nothing', async () => {
    // prepare: the person signs up, then a stranger signs the same pending address up with a scam name.
    const email = unique('pending');
    await signup(email, 'Grace', '198.51.100.2');
    await signup(email, scam, '203.0.113.66');
    const [own, strangers] = await mailsTo(email);

    // act
    await confirm(confirmToken(own ?? ({} as never)));
    const afterOwn = await stack.repository.findByEmail(email);
    await confirm(confirmToken(strangers ?? ({} as never)));
    const afterStrangers = await stack.repository.findByEmail(email);

    // assess
    expect(afterOwn).toMatchObject({ status: 'active', name: 'Grace' });
    expect(afterStrangers).toEqual(afterOwn);
    expect(JSON.stringify(await mailsTo(email))).not.toContain('suspended');
  });
});
