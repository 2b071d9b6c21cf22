import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSendQuotaCommand,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
  type SendRawEmailCommandInput,
} from '@aws-sdk/client-ses';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbSendLedger, SEND_LEDGER_SCHEMA } from '../../src/adapters/dynamodb-send-ledger.ts';
import { DynamoDbSubscriberRepository, SUBSCRIBERS_SCHEMA } from '../../src/adapters/dynamodb-subscribers.ts';
import { createTableInput } from '../../src/adapters/dynamodb-table-schema.ts';
import { SesRawSender } from '../../src/adapters/ses-raw-sender.ts';
import { SqsBatchQueue } from '../../src/adapters/sqs-batch-queue.ts';
import type { Digest } from '../../src/core/digest.ts';
import type { LedgerEntry } from '../../src/core/ports/sending.ts';
import { sendReport } from '../../src/core/sending/report.ts';
import { decodeTagValue } from '../../src/core/sending/tags.ts';
import {
  createSubscriber,
  hashedAddress,
  type Subscriber,
  transition,
} from '../../src/core/subscribers/subscriber.ts';
import { createFanoutHandler } from '../../src/handlers/send-fanout.ts';
import { createSendWorker } from '../../src/handlers/send-worker.ts';
import type { SqsHandler } from '../../src/handlers/sqs-batch.ts';
import { motoClientConfig } from '../support/aws.ts';
import { busyDigest } from '../support/digests.ts';
import { type CallFault, CallFaults } from '../support/faults.ts';
import { recordingObservability } from '../support/logs.ts';
import { sendingStack, sqsEvent, virtualTime } from '../support/sending.ts';
import { KEY_SECRET, rawMessages, sentTo, subscriberStack } from '../support/subscribers.ts';

/**
 * Model-based fault injection on the send path (docs/sending.md, "Never doubled, never silently lost"):
 * seeded random scenarios of subscribers, fan-out and send worker, driven over a real moto queue with
 * SQS's at-least-once delivery, while a wrapper around the real DynamoDB, SQS and SES clients throws
 * before or after their calls. SES is moto's; aws-sdk-client-mock stands in front of it only for what
 * moto cannot do (throttling, the daily quota, a permanent rejection).
 */

const LEASE_MS = 5 * 60_000;
/** The send queue's visibility timeout: a batch that failed comes back this much later (past any lease). */
const VISIBILITY_MS = 30 * 60_000;
/** The send queue's maxReceiveCount before the dead-letter queue. */
const MAX_RECEIVES = 5;
const MAX_ROUNDS = 25;

/** The AWS calls a fault can hit: the ledger's and subscriber table's, the queue's, and SES's. */
const COMMANDS = [
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'ScanCommand',
  'SendMessageBatchCommand',
  'GetSendQuotaCommand',
  'SendRawEmailCommand',
] as const;
type Command = (typeof COMMANDS)[number];

/**
 * The n-th call of a command in the scenario (tests/support/faults.ts): DynamoDB and SQS keep the SDK's
 * retries for a lost answer; SES's client makes one attempt, so a SendRawEmail is never retried.
 */
type AwsFault = CallFault<Command>;
/** What SES answers the n-th SendRawEmail of the scenario (and the next `times - 1` for throttling). */
interface SesFault {
  command: 'SendRawEmailCommand';
  nth: number;
  effect: 'throttle' | 'quota' | 'reject';
  times: number;
}
type Fault = AwsFault | SesFault;
const isSesFault = (fault: Fault): fault is SesFault => 'times' in fault;

interface Scenario {
  /**
   * Each subscriber's fate: `left` before the fan-out, or, before worker event `at`, unsubscribed, bounced,
   * complained, or erased (record removed, address hash suppressed).
   */
  subscribers: {
    fate: 'stays' | 'left' | 'unsubscribed' | 'bounced' | 'complained' | 'erased';
    at: number;
  }[];
  batchSize: number;
  recordsPerEvent: number;
  /** Messages SES accepts per day (each round of the queue is a new day); undefined: no limit in reach. */
  dailyLimit: number | undefined;
  fanoutTwice: boolean;
  /** Per worker event: delivered once, twice in a row, or twice at the same time (two containers). */
  deliveries: ('once' | 'twice' | 'concurrently')[];
  /** Worker events whose SQS delete is lost, so SQS delivers the batch again. */
  lostDeletes: number[];
  faults: Fault[];
}

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  subscribers: fc.array(
    fc.record({
      fate: fc.constantFrom(
        'stays',
        'stays',
        'stays',
        'stays',
        'stays',
        'left',
        'unsubscribed',
        'bounced',
        'complained',
        'erased',
      ),
      at: fc.nat(3),
    }),
    { minLength: 2, maxLength: 4 },
  ),
  batchSize: fc.integer({ min: 1, max: 3 }),
  recordsPerEvent: fc.integer({ min: 1, max: 3 }),
  dailyLimit: fc.option(fc.integer({ min: 2, max: 4 }), { nil: undefined }),
  fanoutTwice: fc.boolean(),
  deliveries: fc.array(fc.constantFrom('once', 'once', 'twice', 'concurrently'), { maxLength: 8 }),
  lostDeletes: fc.array(fc.nat(8), { maxLength: 2 }),
  faults: fc.array(
    fc.oneof(
      fc.record({
        // Weighted to the ledger writes and the send, where doubling and losing happen.
        command: fc.constantFrom(
          ...COMMANDS,
          'PutItemCommand',
          'PutItemCommand',
          'UpdateItemCommand',
          'SendRawEmailCommand',
          'SendRawEmailCommand',
        ),
        nth: fc.nat(3),
        when: fc.constantFrom('before', 'after'),
        effect: fc.constantFrom('crash', 'crash', 'error', 'stall', 'retried'),
      }),
      fc.record({
        command: fc.constant('SendRawEmailCommand'),
        nth: fc.nat(4),
        effect: fc.constantFrom('throttle', 'quota', 'reject'),
        times: fc.integer({ min: 1, max: 5 }),
      }),
    ),
    { minLength: 2, maxLength: 5 },
  ),
}) as fc.Arbitrary<Scenario>;

type Time = ReturnType<typeof virtualTime>;

/** The SES call and the ledger writes after the claim (sent, failed, release): the window of doubt. */
const SEND_TO_RECORD = new Set<string>(['SendRawEmailCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/**
 * Throws the scenario's faults into the AWS calls of the code under test (CallFaults), answers SES's
 * refusals, and remembers whom each fault touched.
 */
class FaultInjector {
  private readonly calls: CallFaults<Command>;
  /** Subscribers hit by a crash or error between their SES call and its record: their outcome may be unknown. */
  readonly inDoubt = new Set<string>();
  /** Subscribers SES refused for good. */
  readonly rejected = new Set<string>();

  constructor(
    private readonly faults: readonly Fault[],
    time: Time,
  ) {
    const aws = faults.filter(
      (f): f is AwsFault =>
        !isSesFault(f) && !(f.command === 'SendRawEmailCommand' && f.effect === 'retried'),
    );
    this.calls = new CallFaults(aws, {
      stall: () => time.advance(LEASE_MS + 1),
      struck: (fault, input) => {
        const id = subscriberOf(input);
        if (
          id !== undefined &&
          SEND_TO_RECORD.has(fault.command) &&
          ['crash', 'error'].includes(fault.effect)
        )
          this.inDoubt.add(id);
      },
    });
  }

  /** One invocation of a handler; a dead one failed every record (SQS never heard its answer). */
  async invoke(handler: SqsHandler, event: SQSEvent): Promise<{ failed: Set<string> }> {
    const ended = await this.calls.invoke(() => handler(event));
    if (ended.dead) return { failed: new Set(event.Records.map((r) => r.messageId)) };
    if ('error' in ended) throw ended.error;
    return { failed: new Set(ended.value.batchItemFailures.map((f) => f.itemIdentifier)) };
  }

  around<T>(command: string, input: unknown, call: () => Promise<T>): Promise<T> {
    return this.calls.around(command, input, async (nth) => {
      const answer = this.faults.find(
        (f): f is SesFault =>
          isSesFault(f) &&
          f.command === command &&
          nth >= f.nth &&
          nth < f.nth + (f.effect === 'throttle' ? f.times : 1),
      );
      if (answer) throw this.sesError(answer, subscriberOf(input));
      return call();
    });
  }

  private sesError(fault: SesFault, subscriberId: string | undefined): Error {
    if (fault.effect === 'reject') {
      if (subscriberId) this.rejected.add(subscriberId);
      return new MessageRejected({
        $metadata: { httpStatusCode: 400 },
        // A recipient-side refusal (SES's own words for an address on its block list).
        message: 'Address blacklisted.',
      });
    }
    return sesThrottling(fault.effect === 'quota' ? DAILY_QUOTA : 'Maximum sending rate exceeded.');
  }
}

const DAILY_QUOTA = 'Daily message quota exceeded.';

/** SES reports both its rate and its daily quota as Throttling; only the message tells them apart. */
function sesThrottling(message: string): SESServiceException {
  return new SESServiceException({
    name: 'Throttling',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

/** The subscriber a ledger call or a SendRawEmail is about (from the key, the item or the tags). */
function subscriberOf(input: unknown): string | undefined {
  const { Key, Item, Tags } = (input ?? {}) as {
    Key?: { subscriberId?: unknown };
    Item?: { subscriberId?: unknown };
    Tags?: SendRawEmailCommandInput['Tags'];
  };
  const id = Key?.subscriberId ?? Item?.subscriberId;
  if (typeof id === 'string') return id;
  const tag = Tags?.find((t) => t.Name === 'subscriber')?.Value;
  return tag ? decodeTagValue(tag) : undefined;
}

/** The recipients of a recipient batch on the queue. */
function subscriberIds(message: Message): string[] {
  return (JSON.parse(message.Body ?? '{}') as { subscriberIds: string[] }).subscriberIds;
}

describe('sends are never doubled and never silently lost, whatever fails (seeded scenarios against moto)', () => {
  let stack: Awaited<ReturnType<typeof subscriberStack>>;
  let sending: Awaited<ReturnType<typeof sendingStack>>;
  let digest: Promise<Digest>;
  let injector: FaultInjector | undefined;
  /** SES's daily quota as the mock reports and enforces it. */
  const quota = { limit: 50_000, sentToday: 0 };

  // The clients the code under test gets: DynamoDB and SQS wrapped by an SDK middleware, SES behind the mock.
  const dynamo = new DynamoDBClient(motoClientConfig());
  const sqs = new SQSClient(motoClientConfig());
  const ses = new SESClient({ ...motoClientConfig(), maxAttempts: 1 });
  const motoSes = new SESClient({ ...motoClientConfig(), maxAttempts: 1 });
  const around = <T>(command: string, input: unknown, call: () => Promise<T>) =>
    injector ? injector.around(command, input, call) : call();
  const step = { step: 'initialize', name: 'faultInjection' } as const;
  dynamo.middlewareStack.add(
    (next, context) => (args) => around(context.commandName ?? '', args.input, () => next(args)),
    step,
  );
  sqs.middlewareStack.add(
    (next, context) => (args) => around(context.commandName ?? '', args.input, () => next(args)),
    step,
  );
  // SES's answers that moto cannot give, in front of moto's SES (an account at `quota.limit` a day).
  const sesMock = mockClient(ses);
  sesMock.on(GetSendQuotaCommand).callsFake((input) =>
    around('GetSendQuotaCommand', input, async () => ({
      Max24HourSend: quota.limit,
      MaxSendRate: 14,
      SentLast24Hours: quota.sentToday,
    })),
  );
  sesMock.on(SendRawEmailCommand).callsFake((input: SendRawEmailCommandInput) =>
    around('SendRawEmailCommand', input, async () => {
      if (quota.sentToday >= quota.limit) throw sesThrottling(DAILY_QUOTA);
      const answer = await motoSes.send(new SendRawEmailCommand(input));
      quota.sentToday++;
      return answer;
    }),
  );

  beforeAll(async () => {
    stack = await subscriberStack('send-faults', KEY_SECRET);
    sending = await sendingStack(stack, busyDigest(1));
    // One Digest object for every container, so the render is cached across scenarios.
    digest = sending.digests.load(sending.digestKey);
  });

  afterAll(() => sesMock.restore());

  /** A fresh subscriber table, ledger table, and send queue with its dead-letter queue. */
  async function resources(run: string) {
    const subscriberTable = `faults-subscribers-${run}`;
    const ledgerTable = `faults-ledger-${run}`;
    await stack.dynamo.send(new CreateTableCommand(createTableInput(subscriberTable, SUBSCRIBERS_SCHEMA)));
    await stack.dynamo.send(new CreateTableCommand(createTableInput(ledgerTable, SEND_LEDGER_SCHEMA)));
    const dlq = await stack.sqs.send(new CreateQueueCommand({ QueueName: `faults-dlq-${run}` }));
    const { Attributes } = await stack.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const redrive = { deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: MAX_RECEIVES };
    const queue = await stack.sqs.send(
      new CreateQueueCommand({
        QueueName: `faults-send-${run}`,
        Attributes: { RedrivePolicy: JSON.stringify(redrive) },
      }),
    );
    return {
      subscribers: new DynamoDbSubscriberRepository(stack.dynamo, subscriberTable),
      ledger: new DynamoDbSendLedger(stack.dynamo, ledgerTable),
      workerSubscribers: new DynamoDbSubscriberRepository(dynamo, subscriberTable),
      workerLedger: new DynamoDbSendLedger(dynamo, ledgerTable),
      queueUrl: queue.QueueUrl ?? '',
      dlqUrl: dlq.QueueUrl ?? '',
    };
  }

  /** Every message now visible on a queue, hidden for the rest of the round. */
  async function receiveAll(queueUrl: string): Promise<Message[]> {
    const all: Message[] = [];
    for (;;) {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
      );
      if (Messages.length === 0) return all;
      all.push(...Messages);
    }
  }

  type Resources = Awaited<ReturnType<typeof resources>>;
  /** A subscriber of the scenario, and what has happened to them so far. */
  interface Person {
    fate: Scenario['subscribers'][number]['fate'];
    at: number;
    subscriber: Subscriber;
    /** Left or bounced during the send. */
    changed: boolean;
    /** A batch holding them has been delivered to a worker. */
    turnCame: boolean;
    changedBeforeTurn: boolean;
  }

  async function runScenario(scenario: Scenario, run: string): Promise<void> {
    // prepare
    const time = virtualTime();
    const faults = new FaultInjector(scenario.faults, time);
    quota.limit = scenario.dailyLimit ?? 50_000;
    const aws = await resources(run);
    const observability = recordingObservability();
    const people: Person[] = [];
    for (const [i, { fate, at }] of scenario.subscribers.entries()) {
      const email = `reader${i}-${run}@mail.example.com`;
      const consent = { source: 'cli' as const, at: time.clock().toISOString() };
      let subscriber = createSubscriber({ email, consent, confirmed: true }, time.clock());
      await aws.subscribers.create(subscriber);
      if (fate === 'left') {
        subscriber = transition(subscriber, 'unsubscribed', time.clock());
        await aws.subscribers.put(subscriber);
      }
      people.push({ fate, at, subscriber, changed: false, turnCame: false, changedBeforeTurn: false });
    }

    // act
    injector = faults;
    const handled = await send(scenario, aws, people, faults, time, observability.log).finally(() => {
      injector = undefined;
    });
    time.advance(LEASE_MS + 1);

    // assess
    expect(handled.drained, 'the send queue drains').toBe(true);
    await assess(aws, people, faults, handled.fannedOut, time.clock());
    // No addresses in logs.
    const logs = observability.lines.join('\n');
    for (const person of people) expect(logs).not.toContain(person.subscriber.email);
  }

  /**
   * The hand-off (at least once), then the send queue as Lambda's event source takes it, round after round
   * (each a visibility timeout later) until it drains: a batch that failed, or whose invocation died, is
   * made visible again, and moto moves it to the DLQ after its fifth receive.
   */
  async function send(
    scenario: Scenario,
    aws: Resources,
    people: Person[],
    faults: FaultInjector,
    time: Time,
    log: ReturnType<typeof recordingObservability>['log'],
  ): Promise<{ fannedOut: boolean; drained: boolean }> {
    const queue = new SqsBatchQueue(sqs, aws.queueUrl);
    const fanout = createFanoutHandler({
      subscribers: aws.workerSubscribers,
      queue,
      batchSize: scenario.batchSize,
      log,
    });
    /** A Lambda container of the send worker (two run at once for a concurrent delivery). */
    const container = () =>
      createSendWorker({
        ledger: aws.workerLedger,
        subscribers: aws.workerSubscribers,
        addressHash: stack.hash,
        sender: new SesRawSender(ses, 'digest-sending'),
        queue,
        digests: { load: () => digest },
        messages: sending.messages,
        log,
        metrics: recordingObservability().metrics,
        workers: 2,
        leaseMs: LEASE_MS,
        // The 15-minute delay is send-errors.test.ts's; here a deferred batch comes back next round.
        quotaDelaySeconds: 0,
        clock: time.clock,
        sleep: time.sleep,
        random: () => 0.5,
      });
    const containers = [container(), container()] as const;

    const request = sqsEvent({
      messageId: 'request',
      body: JSON.stringify({ digestId: sending.digestId, digestKey: sending.digestKey }),
    });
    let fannedOut = false;
    for (let copy = 0; copy < (scenario.fanoutTwice ? 2 : 1); copy++) {
      for (let receive = 0; receive < MAX_RECEIVES; receive++) {
        if ((await faults.invoke(fanout, request)).failed.size === 0) {
          fannedOut = true;
          break;
        }
        time.advance(VISIBILITY_MS);
      }
    }

    let event = 0;
    for (let round = 0; round < MAX_ROUNDS; round++, time.advance(VISIBILITY_MS)) {
      quota.sentToday = 0;
      const messages = await receiveAll(aws.queueUrl);
      if (messages.length === 0) return { fannedOut, drained: true };
      for (let i = 0; i < messages.length; i += scenario.recordsPerEvent, event++) {
        for (const person of people) {
          if (person.at !== event || person.fate === 'stays' || person.fate === 'left') continue;
          if (person.fate === 'erased') {
            await aws.subscribers.remove(person.subscriber.id);
            await aws.subscribers.suppress(hashedAddress(stack.hash, person.subscriber.email), time.clock());
          } else {
            person.subscriber = transition(person.subscriber, person.fate, time.clock());
            await aws.subscribers.put(person.subscriber);
          }
          person.changed = true;
          person.changedBeforeTurn = !person.turnCame;
        }
        const taken = messages.slice(i, i + scenario.recordsPerEvent);
        const recipients = new Set(taken.flatMap(subscriberIds));
        for (const person of people) person.turnCame ||= recipients.has(person.subscriber.id);
        const lambdaEvent = sqsEvent(
          ...taken.map((m) => ({ messageId: m.MessageId ?? '', body: m.Body ?? '' })),
        );
        const delivery = scenario.deliveries[event] ?? 'once';
        const answers =
          delivery === 'concurrently'
            ? await Promise.all(containers.map((c) => faults.invoke(c, lambdaEvent)))
            : [await faults.invoke(containers[0], lambdaEvent)];
        if (delivery === 'twice') answers.push(await faults.invoke(containers[1], lambdaEvent));
        for (const message of taken) {
          const done = answers.some((a) => !a.failed.has(message.MessageId ?? ''));
          const receipt = { QueueUrl: aws.queueUrl, ReceiptHandle: message.ReceiptHandle };
          if (done && !scenario.lostDeletes.includes(event))
            await stack.sqs.send(new DeleteMessageCommand(receipt));
          else await stack.sqs.send(new ChangeMessageVisibilityCommand({ ...receipt, VisibilityTimeout: 0 }));
        }
      }
    }
    return { fannedOut, drained: false };
  }

  /** Checks what moto and the ledger hold against the reference model, once time is past every lease. */
  async function assess(
    aws: Resources,
    people: Person[],
    faults: FaultInjector,
    fannedOut: boolean,
    now: Date,
  ): Promise<void> {
    const deadLettered = new Set((await receiveAll(aws.dlqUrl)).flatMap(subscriberIds));
    const rows = new Map<string, LedgerEntry>();
    for await (const row of aws.ledger.entries(sending.digestId)) rows.set(row.subscriberId, row);
    const sent = await rawMessages();
    const mails = (s: Subscriber) => sent.filter((m) => sentTo(m, s.email));

    for (const person of people) {
      const { id } = person.subscriber;
      const row = rows.get(id);
      const received = mails(person.subscriber);
      const outcome = `${received.length} ${row?.state ?? 'none'}`;
      // The reference model: the outcomes docs/sending.md allows this subscriber, given what happened.
      // None has two messages: never doubled, whatever was redelivered.
      const allowed = [
        // The fan-out plans active subscribers only; the others get nothing and no row.
        ...(person.fate === 'left' ? ['0 none'] : []),
        // Never doubled, never lost: exactly one message, recorded as sent (unless they left before their turn).
        ...(person.fate !== 'left' && !person.changedBeforeTurn ? ['1 sent'] : []),
        // "Who is mailed": re-read when their turn comes; one who left, bounced, complained or was erased is
        // skipped, with the reason.
        ...(person.changed ? ['0 skipped'] : []),
        // SES refused the message for good: failed, with the reason.
        ...(faults.rejected.has(id) ? ['0 failed'] : []),
        // No answer between the send and its record: the row stays `sending` (unknown), never resent.
        ...(faults.inDoubt.has(id) ? ['1 sending', '0 sending'] : []),
        // Its batch went to the dead-letter queue (whose alarm fires), or the hand-off did: a claim it left
        // is taken over when the operator puts the message back.
        ...(deadLettered.has(id) || !fannedOut ? ['0 none', '0 sending'] : []),
      ];
      expect(allowed, `subscriber ${person.fate} ${id}: ${outcome}`).toContain(outcome);
      if (row?.state === 'skipped')
        expect(row.reason).toBe(person.fate === 'erased' ? 'deleted' : person.subscriber.status);
      if (row?.state === 'failed') expect(row.reason).toBe('SES MessageRejected');
      // The recorded MessageId is the one SES (moto) gave the message.
      if (row?.state === 'sent') expect(row.messageId).toBe(received[0]?.id);
    }

    // The send report agrees with what SES holds: every `sent` has its message, and a message with no
    // `sent` row is one of the `unknown` (in doubt) ones, never an `abandoned` one (its send never started);
    // none still counted in progress past the lease.
    const report = await sendReport(
      sending.digestId,
      aws.ledger.entries(sending.digestId),
      now,
      async () => 'active',
    );
    const delivered = people.reduce((n, p) => n + mails(p.subscriber).length, 0);
    expect(report.inProgress).toBe(0);
    expect(delivered).toBeGreaterThanOrEqual(report.sent);
    expect(delivered).toBeLessThanOrEqual(report.sent + report.unknown);
    expect(report.sent + report.failed + report.unknown + report.abandoned + report.skipped).toBe(rows.size);
  }

  it('holds over seeded random scenarios of crashes, redeliveries, expired leases, throttling and the quota', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarios, (scenario) => runScenario(scenario, `${Date.now()}-${runs++}`)),
      { seed: 1, numRuns: 10, endOnFailure: true },
    );
    // Ten scenarios, each on fresh moto resources: 25 s with the file run alone on a loaded 2-core machine, over
    // the default 30 s beside the rest of the aws project (the other model tests allow 60 to 120 s).
  }, 120_000);

  // Seed 1 found this on the code before the fix: the claim was written, the call's answer lost, the batch
  // failed and came back, and the redelivery took the row for someone else's send in flight, so the
  // subscriber got nothing and the report said "unknown" about a message SES never saw.
  it('sends, on the redelivery, a claim whose send never started (seed 1)', async () => {
    await runScenario(
      {
        subscribers: [
          { fate: 'bounced', at: 0 },
          { fate: 'stays', at: 3 },
          { fate: 'stays', at: 1 },
        ],
        batchSize: 2,
        recordsPerEvent: 1,
        dailyLimit: 2,
        fanoutTwice: true,
        deliveries: ['once', 'concurrently', 'twice'],
        lostDeletes: [1],
        faults: [
          { command: 'PutItemCommand', nth: 1, when: 'after', effect: 'error' },
          { command: 'UpdateItemCommand', nth: 3, when: 'before', effect: 'stall' },
          { command: 'SendRawEmailCommand', nth: 2, effect: 'quota', times: 4 },
        ],
      },
      `${Date.now()}-seed-1`,
    );
  });

  it('keeps a claim whose write the SDK retried after its answer was lost', async () => {
    await runScenario(
      {
        subscribers: [{ fate: 'stays', at: 0 }],
        batchSize: 1,
        recordsPerEvent: 1,
        dailyLimit: undefined,
        fanoutTwice: false,
        deliveries: [],
        lostDeletes: [],
        faults: [{ command: 'PutItemCommand', nth: 0, when: 'after', effect: 'retried' }],
      },
      `${Date.now()}-retried`,
    );
  });
});
