import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { SesConfirmationMailer } from '../../src/adapters/ses-confirmation-mailer.ts';
import { SqsSignupQueue } from '../../src/adapters/sqs-signup-queue.ts';
import { parseKeySecret, TokenSigner } from '../../src/core/signed-links.ts';
import { SubscriptionService } from '../../src/core/subscribers/service.ts';
import { createSignupWorker } from '../../src/handlers/signup-worker.ts';
import { createSubscriptionHandler } from '../../src/handlers/subscription-endpoint.ts';
import { motoClientConfig } from '../support/aws.ts';
import { recordingObservability } from '../support/logs.ts';
import { receiveAsLambdaEvent } from '../support/sqs-lambda.ts';
import {
  confirmToken,
  drainSignups,
  endpointAnswer,
  functionUrlEvent,
  KEY_SECRET,
  LINK_BASE,
  mailsTo,
  SENDER,
  subscriberStack,
  subscriptionService,
} from '../support/subscribers.ts';

type Stack = Awaited<ReturnType<typeof subscriberStack>>;

const fixture = functionUrlEvent;
const result = endpointAnswer;

const unique = () => `reader-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@Mail.Example.COM`;
const canonical = (email: string) => email.replace(/@.*$/, (d) => d.toLowerCase());

describe('subscription endpoint against moto', () => {
  let stack: Stack;
  let now = new Date();
  let handle: (event: LambdaFunctionURLEvent) => Promise<ReturnType<typeof result>>;

  let service: SubscriptionService;

  beforeAll(async () => {
    stack = await subscriberStack('endpoint', KEY_SECRET);
    // Every request of this block comes from the fixture's one source IP: the client limit is tested below.
    service = subscriptionService(stack, () => now, { perClient: { max: 10_000, windowMs: 3_600_000 } });
    const handler = createSubscriptionHandler({ service, newsletter: 'Morning Brief', signupEnabled: true });
    handle = async (event) => result(await handler(event));
  });

  /** POST /subscribe, then the signup worker on the queued signup. */
  const signup = async (email: string, extra = '') => {
    const answer = await handle(
      fixture('subscribe-post', { body: `email=${encodeURIComponent(email)}&name=Ada${extra}` }),
    );
    await drainSignups(stack, service);
    return answer;
  };

  async function activeSubscriber(email = unique()) {
    await signup(email);
    const [mail] = await mailsTo(canonical(email));
    if (!mail) throw new Error('no confirmation mail');
    await handle(fixture('confirm-post', { token: confirmToken(mail) }));
    const subscriber = await stack.repository.findByEmail(canonical(email));
    if (subscriber?.status !== 'active') throw new Error('subscriber not active');
    return subscriber;
  }

  async function linkToken(subscriberId: string, purpose: 'unsubscribe' | 'preferences') {
    return new TokenSigner(stack.keys).sign(subscriberId, purpose, now);
  }

  it('mails an https confirmation link for a pending signup, and subscribes only on POST', async () => {
    // prepare
    const email = unique();

    // act
    const answer = await signup(email, '&topics=climate%2C+Energy');
    const beforeConfirm = await stack.repository.findByEmail(canonical(email));
    const [mail] = await mailsTo(canonical(email));
    const token = confirmToken(mail ?? ({} as never));
    const page = await handle(fixture('confirm-get', { token }));
    const afterGet = await stack.repository.findByEmail(canonical(email));
    const confirmed = await handle(fixture('confirm-post', { token }));
    const active = await stack.repository.findByEmail(canonical(email));

    // assess
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your inbox');
    expect(beforeConfirm).toBeUndefined();
    expect(active).toMatchObject({ status: 'active', name: 'Ada', topics: ['climate', 'energy'] });
    expect(active?.consent.source).toBe('form');
    expect(mail?.from?.value).toEqual([{ name: 'Morning Brief', address: SENDER }]);
    expect(mail?.subject).toBe('Please confirm your subscription to Morning Brief');
    expect(mail?.text).toContain(
      'https://abcdefghijklmnopqrstuvwxyz0123.lambda-url.eu-west-1.on.aws/confirm?token=',
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('<form method="post" action="confirm">');
    expect(afterGet).toBeUndefined();
    expect(confirmed.status).toBe(200);
  });

  it('answers a known and an unknown address the same way and sends nothing new to an active one', async () => {
    // prepare
    const known = await activeSubscriber();
    const mailsBefore = (await mailsTo(known.email)).length;

    // act
    const forKnown = await signup(known.email);
    const forUnknown = await signup(unique());

    // assess
    expect(forKnown).toEqual(forUnknown);
    expect(await mailsTo(known.email)).toHaveLength(mailsBefore);
    expect((await stack.repository.get(known.id))?.status).toBe('active');
  });

  it('sends nothing to an address that complained, with the usual answer', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    await stack.repository.put({ ...subscriber, status: 'complained' });
    const mailsBefore = (await mailsTo(subscriber.email)).length;

    // act
    const answer = await signup(subscriber.email);

    // assess
    expect(answer.body).toContain('Check your inbox');
    expect(await mailsTo(subscriber.email)).toHaveLength(mailsBefore);
    expect((await stack.repository.get(subscriber.id))?.status).toBe('complained');
  });

  it('limits confirmation mails per address and stores no subscriber before a confirmation', async () => {
    // prepare
    const email = unique();

    // act
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await signup(email));

    // assess
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await mailsTo(canonical(email))).toHaveLength(3);
    const records = [];
    for await (const s of stack.repository.list()) if (s.email === canonical(email)) records.push(s);
    expect(records).toHaveLength(0);
  });

  it('does not count a confirmation mail SES throttled against the address, and sends it on the redelivery', async () => {
    // prepare: SES throttles the first confirmation mail (moto cannot; aws-sdk-client-mock in front of it)
    const email = unique();
    const throttledSes = new SESClient({ ...motoClientConfig(), endpoint: stack.endpoint, maxAttempts: 1 });
    mockClient(throttledSes)
      .on(SendRawEmailCommand)
      .rejectsOnce(
        Object.assign(new Error('Maximum sending rate exceeded.'), {
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .callsFake((input) => stack.ses.send(new SendRawEmailCommand(input)));
    const throttled = new SubscriptionService({
      repository: stack.repository,
      limiter: stack.limiter,
      tokens: new TokenSigner(stack.keys),
      addressHash: stack.hash,
      mailer: new SesConfirmationMailer(throttledSes, { from: SENDER, newsletter: 'Morning Brief' }),
      queue: new SqsSignupQueue(stack.sqs, stack.signupQueueUrl),
      clientHash: stack.hash,
      limits: { perClient: { max: 10_000, windowMs: 3_600_000 } },
      clock: () => now,
    });
    const worker = createSignupWorker(throttled, LINK_BASE, recordingObservability().log);
    await throttled.requestSignup({ email }, '192.0.2.7');
    const job = await receiveAsLambdaEvent(stack.sqs, stack.signupQueueUrl);

    // act: the throttled delivery, SQS's redelivery of the same job, then two more signups that day
    const first = await worker(job);
    const redelivered = await worker(job);
    for (let i = 0; i < 2; i++) {
      await throttled.requestSignup({ email }, '192.0.2.7');
      await worker(await receiveAsLambdaEvent(stack.sqs, stack.signupQueueUrl));
    }

    // assess: the throttled attempt is handed back to SQS and costs none of the three mails a day
    expect(first.batchItemFailures).toHaveLength(1);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(await mailsTo(canonical(email))).toHaveLength(3);
  });

  it("does not count signups the stack's hourly limit turned away against the address's mails of the day", async () => {
    // prepare: the stack's hourly ceiling is used up (by a flood of strangers' signups, say)
    let at = new Date('2026-11-23T10:00:00Z');
    const limited = subscriptionService(stack, () => at, {
      perClient: { max: 10_000, windowMs: 3_600_000 },
      global: { max: 1, windowMs: 3_600_000 },
    });
    const worker = createSignupWorker(limited, LINK_BASE, recordingObservability().log);
    const signupOf = async (email: string) => {
      await limited.requestSignup({ email }, '192.0.2.8');
      await worker(await receiveAsLambdaEvent(stack.sqs, stack.signupQueueUrl));
    };
    const reader = unique();
    await signupOf(unique());

    // act: the reader tries three times in that hour, and once more in the next
    for (let i = 0; i < 3; i++) await signupOf(reader);
    at = new Date('2026-11-23T11:00:00Z');
    await signupOf(reader);

    // assess: the refused attempts sent nothing and cost nothing; the next hour's signup is mailed
    expect(await mailsTo(canonical(reader))).toHaveLength(1);
  });

  it('stores nothing when the honeypot field is filled, with the usual answer', async () => {
    const email = unique();

    const answer = await signup(email, '&website=http%3A%2F%2Fspam.example');

    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Check your inbox');
    expect(await stack.repository.findByEmail(canonical(email))).toBeUndefined();
  });

  it('refuses expired, forged and malformed confirmation links with 400 and no detail', async () => {
    // prepare
    const email = unique();
    await signup(email);
    const [mail] = await mailsTo(canonical(email));
    const token = confirmToken(mail ?? ({} as never));
    const forged = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    const otherSubscriber = token.replace(/^(v1\.\w+\.)[^.]+/, '$1f00dbabe-0000-4000-8000-000000000000');

    // act
    const answers = [];
    for (const bad of [forged, otherSubscriber, 'nonsense', '']) {
      answers.push(await handle(fixture('confirm-post', { token: bad })));
    }
    now = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000);
    const expired = await handle(fixture('confirm-post', { token }));
    now = new Date();

    // assess
    for (const answer of [...answers, expired]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toBe(answers[0]?.body);
    }
    expect(await stack.repository.findByEmail(canonical(email))).toBeUndefined();
  });

  it('shows the unsubscribe page on GET without unsubscribing, then unsubscribes on the urlencoded one-click POST', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    const token = await linkToken(subscriber.id, 'unsubscribe');

    // act
    const page = await handle(fixture('unsubscribe-get', { token }));
    const afterGet = await stack.repository.get(subscriber.id);
    const done = await handle(fixture('unsubscribe-post-urlencoded', { token }));
    const afterPost = await stack.repository.get(subscriber.id);
    const replay = await handle(fixture('unsubscribe-post-urlencoded', { token }));
    const afterReplay = await stack.repository.get(subscriber.id);

    // assess
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(afterGet?.status).toBe('active');
    expect(done.status).toBe(200);
    expect(done.body).toContain('Subscribe again');
    expect(afterPost?.status).toBe('unsubscribed');
    expect(replay).toEqual(done);
    expect(afterReplay).toEqual(afterPost);
  });

  it('unsubscribes on a base64-encoded multipart/form-data one-click POST', async () => {
    const subscriber = await activeSubscriber();
    const token = await linkToken(subscriber.id, 'unsubscribe');

    const done = await handle(fixture('unsubscribe-post-multipart', { token }));

    expect(done.status).toBe(200);
    expect((await stack.repository.get(subscriber.id))?.status).toBe('unsubscribed');
  });

  it('answers an unknown subscriber like a known one, and a forged token with 400', async () => {
    // prepare
    const known = await activeSubscriber();
    const knownToken = await linkToken(known.id, 'unsubscribe');
    const unknownToken = await linkToken('0b5e7d1c-1111-4222-8333-444455556666', 'unsubscribe');

    // act
    const forKnown = await handle(fixture('unsubscribe-post-urlencoded', { token: knownToken }));
    const forUnknown = await handle(fixture('unsubscribe-post-urlencoded', { token: unknownToken }));
    const forged = await handle(
      fixture('unsubscribe-post-urlencoded', { token: `${knownToken.slice(0, -1)}x` }),
    );

    // assess
    expect(forUnknown.status).toBe(forKnown.status);
    expect(forUnknown.body.replace(unknownToken, 'T')).toBe(forKnown.body.replace(knownToken, 'T'));
    expect(forged.status).toBe(400);
    expect(forged.body).not.toContain('signature');
  });

  it('accepts links signed with a rotated key during the grace period', async () => {
    // prepare: a link signed when k1 was current, verified after rotating to k2 (k1 retired today).
    const subscriber = await activeSubscriber();
    const beforeRotation = { current: 'k1', keys: { k1: KEY_SECRET.keys.k1 } };
    const oldToken = await new TokenSigner({
      keys: async () => parseKeySecret(JSON.stringify(beforeRotation)),
    }).sign(subscriber.id, 'unsubscribe', now);
    const stored = await stack.secrets.send(new GetSecretValueCommand({ SecretId: stack.secretArn }));

    // act
    const done = await handle(fixture('unsubscribe-post-urlencoded', { token: oldToken }));

    // assess
    expect(JSON.parse(stored.SecretString ?? '{}').current).toBe('k2');
    expect(oldToken.startsWith('v1.k1.')).toBe(true);
    expect(done.status).toBe(200);
    expect((await stack.repository.get(subscriber.id))?.status).toBe('unsubscribed');
  });

  it('re-subscribes from the done page through a new confirmation mail', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    const token = await linkToken(subscriber.id, 'unsubscribe');
    await handle(fixture('unsubscribe-post-urlencoded', { token }));
    const mailsBefore = (await mailsTo(subscriber.email)).length;

    // act
    const again = await handle({
      ...fixture('confirm-post', { token }),
      rawPath: '/resubscribe',
    });

    // assess
    expect(again.status).toBe(200);
    expect((await stack.repository.get(subscriber.id))?.status).toBe('unsubscribed');
    expect(await mailsTo(subscriber.email)).toHaveLength(mailsBefore + 1);
  });

  it('re-subscribes through the signup form after unsubscribing, with double opt-in again', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    await handle(
      fixture('unsubscribe-post-urlencoded', { token: await linkToken(subscriber.id, 'unsubscribe') }),
    );

    // act
    await signup(subscriber.email);
    const pending = await stack.repository.get(subscriber.id);
    const mails = await mailsTo(subscriber.email);
    await handle(fixture('confirm-post', { token: confirmToken(mails[mails.length - 1] ?? ({} as never)) }));

    // assess
    expect(pending?.status).toBe('unsubscribed');
    expect(mails).toHaveLength(2);
    expect((await stack.repository.get(subscriber.id))?.status).toBe('active');
  });

  it('shows and saves topic preferences by signed link', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    const token = await linkToken(subscriber.id, 'preferences');
    const get = { ...fixture('unsubscribe-get', { token }), rawPath: '/preferences' };
    const post = fixture('confirm-post', { token });

    // act
    const before = await handle(get);
    const saved = await handle({
      ...post,
      rawPath: '/preferences',
      body: `token=${encodeURIComponent(token)}&topics=AI%2C+chips&topicsOnly=yes`,
    });

    // assess
    expect(before.body).toContain('name="topics" value=""');
    expect(saved.body).toContain('value="ai, chips"');
    expect(saved.body).toContain('checked');
    expect(await stack.repository.get(subscriber.id)).toMatchObject({
      topics: ['ai', 'chips'],
      topicsOnly: true,
    });
  });

  it('says why "only these topics" did not stick when it was ticked with no topic', async () => {
    // prepare
    const subscriber = await activeSubscriber();
    const token = await linkToken(subscriber.id, 'preferences');
    const post = { ...fixture('confirm-post', { token }), rawPath: '/preferences' };

    // act
    const saved = await handle({
      ...post,
      body: `token=${encodeURIComponent(token)}&topics=+%2C+&topicsOnly=yes`,
    });

    // assess
    expect(saved.status).toBe(200);
    expect(saved.body).not.toContain(' checked');
    expect(saved.body).toContain('Add at least one topic to get only stories on your topics.');
    expect(await stack.repository.get(subscriber.id)).toMatchObject({ topics: [], topicsOnly: false });
  });

  it('escapes what the pages echo and sets strict headers', async () => {
    const token = '"><script>alert(1)</script>';
    const get = {
      ...fixture('unsubscribe-get', { token: encodeURIComponent(token) }),
      rawPath: '/preferences',
    };

    const page = await handle(get);

    expect(page.status).toBe(400);
    expect(page.body).not.toContain('<script>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('tells a reader whose form was too long so, rather than that a link is not valid', async () => {
    // prepare
    const body = `email=${encodeURIComponent(unique())}&topics=${'space, '.repeat(3000)}`;

    // act
    const answer = await handle(fixture('subscribe-post', { body }));

    // assess
    expect(answer.status).toBe(413);
    expect(answer.body).not.toContain('This link is not valid');
    expect(answer.body).toContain('<h1>That was too long</h1>');
  });

  it('answers HEAD on every page as its GET, without the body and without changing anything', async () => {
    // prepare: one request per page a link or a person opens, an unknown route and a page with trailing slashes
    const subscriber = await activeSubscriber();
    const email = unique();
    await signup(email);
    const [mail] = await mailsTo(canonical(email));
    const confirm = confirmToken(mail ?? ({} as never));
    const page = (rawPath: string, token?: string) => ({
      ...fixture('unsubscribe-get', { token: token ?? '' }),
      rawPath,
      rawQueryString: token === undefined ? '' : `token=${encodeURIComponent(token)}`,
    });
    const requests = [
      page('/'),
      page('/subscribe'),
      page('/confirm', confirm),
      page('/unsubscribe', await linkToken(subscriber.id, 'unsubscribe')),
      page('/preferences', await linkToken(subscriber.id, 'preferences')),
      page('/unsubscribe', 'forged'),
      page('/no-such-page'),
      page('/subscribe/'),
    ];
    const head = (event: LambdaFunctionURLEvent) => ({
      ...event,
      requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'HEAD' } },
    });

    // act
    const heads: Awaited<ReturnType<typeof handle>>[] = [];
    for (const request of requests) heads.push(await handle(head(request)));
    const gets: Awaited<ReturnType<typeof handle>>[] = [];
    for (const request of requests) gets.push(await handle(request));

    // assess
    expect(gets.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 400, 404, 308]);
    heads.forEach((answer, i) => {
      expect(answer).toEqual({ ...gets[i], body: '' });
    });
    expect(await stack.repository.get(subscriber.id)).toMatchObject({ status: 'active' });
    expect(await stack.repository.findByEmail(canonical(email))).toBeUndefined();
  });

  it('sends a page asked for with trailing slashes to its address without them, so its form posts where it should', async () => {
    // Prepare
    const signupPage = {
      ...fixture('unsubscribe-get', { token: '' }),
      rawPath: '/subscribe/',
      rawQueryString: '',
    };
    const linkPage = { ...fixture('unsubscribe-get', { token: 'abc' }), rawPath: '/unsubscribe//' };

    // Act
    const [signup, link] = [await handle(signupPage), await handle(linkPage)];
    const resolved = (location: unknown, path: string) =>
      new URL(String(location), `https://example.org${path}`);

    // Assess
    expect(signup.status).toBe(308);
    expect(resolved(signup.headers.location, '/subscribe/').href).toBe('https://example.org/subscribe');
    expect(link.status).toBe(308);
    expect(resolved(link.headers.location, '/unsubscribe//').href).toBe(
      'https://example.org/unsubscribe?token=abc',
    );
    const form = await handle({ ...signupPage, rawPath: '/subscribe' });
    expect(form.body).toContain('action="subscribe"');
  });
});

describe('signup service without a mailer', () => {
  it('is refused by the endpoint with 503 when no sender is configured', async () => {
    const stack = await subscriberStack('nosender', KEY_SECRET);
    const service = new SubscriptionService({
      repository: stack.repository,
      limiter: stack.limiter,
      tokens: new TokenSigner(stack.keys),
      addressHash: stack.hash,
    });
    const handler = createSubscriptionHandler({ service, newsletter: 'Morning Brief', signupEnabled: false });

    const answer = result(await handler(fixture('subscribe-post', { body: 'email=a%40example.org' })));

    expect(answer.status).toBe(503);
    expect(await stack.repository.findByEmail('a@example.org')).toBeUndefined();
  });

  it('tells a reader that signup is closed, not to try again, and offers no form or button that cannot work', async () => {
    // prepare
    const stack = await subscriberStack('closed', KEY_SECRET);
    const service = new SubscriptionService({
      repository: stack.repository,
      limiter: stack.limiter,
      tokens: new TokenSigner(stack.keys),
      addressHash: stack.hash,
    });
    const email = `closed-${Date.now()}@example.org`;
    await service.add(
      { email, consent: { source: 'cli', at: new Date().toISOString() }, confirmed: true },
      undefined,
    );
    const subscriber = await stack.repository.findByEmail(email);
    const token = await new TokenSigner(stack.keys).sign(subscriber?.id ?? '', 'unsubscribe', new Date());
    const handler = createSubscriptionHandler({ service, newsletter: 'Morning Brief', signupEnabled: false });
    const signupPage = {
      ...fixture('unsubscribe-get', { token: '' }),
      rawPath: '/subscribe',
      rawQueryString: '',
    };

    // act
    const form = result(await handler(signupPage));
    const posted = result(await handler(fixture('subscribe-post', { body: 'email=a%40example.org' })));
    const unsubscribed = result(await handler(fixture('unsubscribe-post-urlencoded', { token })));

    // assess
    expect(form.status).toBe(503);
    expect(form.body).not.toContain('<form');
    expect(posted.body).toBe(form.body);
    expect(posted.body).toContain('Morning Brief is not taking new subscriptions');
    expect(posted.body).not.toContain('try again');
    expect(unsubscribed.status).toBe(200);
    expect(unsubscribed.body).toContain('You are unsubscribed');
    expect(unsubscribed.body).not.toContain('Subscribe again');
    expect((await stack.repository.get(subscriber?.id ?? ''))?.status).toBe('unsubscribed');
  });
});
