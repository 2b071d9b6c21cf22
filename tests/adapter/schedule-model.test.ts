// Model-based: the scheduled digest's life against moto. Seeded sequences of uploads, overwrites and deletes
// (ingested as S3 notifies them), scheduled runs (on time, late, for an earlier slot, delivered twice or to two
// containers at once, slots missed), clock moves, review decisions (approve, edit then approve, reject, the
// deadline), pause and resume, with faults thrown into the real SDK clients of the run and of the operator's
// commands: the invocation dies after a call, a call fails, its answer is lost and the SDK sends it again, or it
// stalls past the run's lease. After every step a small reference model says which articles each recorded
// window holds, which digests were handed to sending and how often, and what the handed-over archive must be.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoDbDigestRecords } from '../../src/adapters/dynamodb-digest-records.ts';
import { S3DigestArchive } from '../../src/adapters/s3-digest-archive.ts';
import type { Digest } from '../../src/core/digest.ts';
import { DigestEditor } from '../../src/core/digest-editing.ts';
import { applyEdits, type Edit } from '../../src/core/edits.ts';
import type { DigestRecord, DigestState } from '../../src/core/ports/digest-records.ts';
import { archiveFiles, ORIGINAL_DIGEST_FILE, windowEndingAt } from '../../src/core/scheduled-digest.ts';
import { createDigestHandler, type DigestHandlerResult } from '../../src/handlers/digest.ts';
import { motoClientConfig } from '../support/aws.ts';
import {
  approvedMessages,
  archiveRenderer,
  createDigestResources,
  scheduledDigest,
} from '../support/digest-resources.ts';
import { type CallFault, CallFaults, type Ended } from '../support/faults.ts';
import { createIngestResources, ingestHandler, upload } from '../support/ingest-resources.ts';
import { s3NotificationRecord } from '../support/s3-notifications.ts';
import { renderStory, type Story, story } from '../support/stories.ts';

const SLOT_MS = 3_600_000; // an hourly schedule
const WINDOW_HOURS = 1;
const REVIEW_HOURS = 2;
const LEASE_SECONDS = 360;
const START = Date.parse('2027-05-03T06:10:00.000Z');
/** Lambda retries a failed asynchronous invocation twice, about a minute and then two minutes later. */
const RETRY_DELAYS_MS = [60_000, 120_000];
const RETRIES_MS = 180_000;

const KEYS = [
  'incoming/harbour.txt',
  'incoming/budget.md',
  'incoming/storm.html',
  'incoming/rail.json',
] as const;

/** The AWS calls of the digest Lambda and of the operator's commands that a fault can hit. */
const COMMANDS = [
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'ScanCommand',
  'QueryCommand',
  'GetObjectCommand',
  'PutObjectCommand',
  'SendMessageCommand',
] as const;
type Command = (typeof COMMANDS)[number];

const fault: fc.Arbitrary<CallFault<Command>> = fc.record({
  // Weighted to the writes, where doubling and losing happen.
  command: fc.constantFrom(...COMMANDS, 'PutItemCommand', 'PutObjectCommand', 'SendMessageCommand'),
  nth: fc.nat(2),
  when: fc.constantFrom('before', 'after'),
  effect: fc.constantFrom('crash', 'crash', 'error', 'stall', 'retried'),
});
const faults = fc.oneof(
  { weight: 3, arbitrary: fc.constant([] as CallFault<Command>[]) },
  { weight: 2, arbitrary: fc.array(fault, { minLength: 1, maxLength: 2 }) },
);
// Minutes on the clock before the step: within the hour, to the next slot or past it (a missed slot).
const advance = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(60, 61, 125, 180));

const step = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('put' as const), key: fc.constantFrom(...KEYS), story, advance }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...KEYS), advance }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('run' as const),
      // The slot: the latest one due, or one or two before it (a late retry, a run-now for an old slot).
      back: fc.constantFrom(0, 0, 0, 1, 2),
      delivery: fc.constantFrom('once', 'once', 'again', 'concurrent'),
      faults,
      advance,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('settle' as const), faults, advance }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('review' as const),
      pick: fc.nat(),
      // Two editors at once (one approves, one rejects), or an approve as the deadline's settle runs.
      action: fc.constantFrom(
        'approve',
        'edit-approve',
        'edit',
        'reject',
        'approve-and-reject',
        'approve-at-deadline',
      ),
      faults,
      advance,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pause' as const), paused: fc.boolean(), advance }) },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

interface Scenario {
  sendMode: 'auto' | 'review';
  onReviewDeadline: 'send' | 'drop';
  steps: Step[];
}
const scenarios: fc.Arbitrary<Scenario> = fc.record({
  sendMode: fc.constantFrom('auto', 'review', 'review'),
  onReviewDeadline: fc.constantFrom('send', 'drop'),
  steps: fc.array(step, { minLength: 10, maxLength: 22 }),
});

const COMPLETED: ReadonlySet<DigestState> = new Set(['empty', 'pending', 'approved', 'rejected', 'dropped']);

/** Ids a digest cites: each article and the copies collapsed into it, and the skipped ones. */
const idsOf = (digest: Digest) =>
  [
    ...digest.themes.flatMap((t) => t.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])])),
    ...digest.skipped.map((s) => s.id),
  ].sort();

/**
 * An archived file as text (all are), so that a difference reads as one; the sample email's Message-ID and MIME
 * boundary, random in every rendering, are masked.
 */
const comparable = (bytes: Buffer) =>
  bytes
    .toString('utf-8')
    .replace(/^Message-ID: <[^>]+>/m, 'Message-ID: <random>')
    .replace(/=_digest_[0-9a-f]+/g, '=_digest_random');

/** What a run of the handler for a slot must end in, when nothing fails (undefined: it depends on timing). */
type Outcome = NonNullable<DigestHandlerResult['run']>['outcome'] | 'failed';

/** What the scenarios went through (cases, outcomes, log messages), so the test can check what they reach. */
const seen = new Set<string>();

/** Runs one scenario against fresh moto resources; a failure quotes the steps and what each did. */
async function runScenario(scenario: Scenario): Promise<void> {
  const log: string[] = [`${scenario.sendMode}, deadline ${scenario.onReviewDeadline}`];
  try {
    await modelScenario(scenario, log);
  } catch (error) {
    if (error instanceof Error) error.message += `\n${log.join('\n')}`;
    throw error;
  }
}

async function modelScenario(scenario: Scenario, log: string[]): Promise<void> {
  // prepare
  const r = await createIngestResources();
  const d = await createDigestResources(r);
  let now = START;
  const clock = () => new Date(now);
  const ingest = ingestHandler(r, r.s3, { now: clock });
  const records = new DynamoDbDigestRecords(r.db, d.digestsTable);
  const options = {
    windowHours: WINDOW_HOURS,
    sendMode: scenario.sendMode,
    reviewHours: REVIEW_HOURS,
    onReviewDeadline: scenario.onReviewDeadline,
    leaseSeconds: LEASE_SECONDS,
    now: clock,
  };

  // The model: each key's current index entry, the pause flag, and what the checks have seen so far.
  const index = new Map<string, { status: 'ingested' | 'retracted'; ingestedAt: number }>();
  let paused = false;
  let sequence = 1n;
  const handoffs = new Map<string, number>();
  /**
   * Digests handed over in a step where a fault struck or Lambda retried an invocation: they may be handed over
   * again (docs/operations.md).
   */
  const excused = new Set<string>();
  /** Windows seen completed, with the articles the model says they hold. */
  const completed = new Map<string, { start: number; end: number; ids: string[] }>();
  /** The archive of each approved digest as it was when it was first seen approved. */
  const approved = new Map<string, Map<string, Buffer>>();

  /** One step's clients with its faults injected, the Lambda's wiring on them, and the operator's commands. */
  function withFaults(list: readonly CallFault<Command>[]) {
    let struck = 0;
    let retried = 0;
    const calls = new CallFaults(list, {
      stall: () => {
        now += LEASE_SECONDS * 1000 + 1;
      },
      struck: (f) => {
        struck++;
        seen.add(`fault: ${f.effect}`);
        log.push(`  fault: ${f.effect} ${f.when} ${f.command} #${f.nth}`);
      },
    });
    const config = motoClientConfig();
    const dynamo = new DynamoDBClient(config);
    const s3 = new S3Client(config);
    const sqs = new SQSClient(config);
    for (const client of [dynamo, s3, sqs]) calls.addTo(client);
    const cloud = scheduledDigest({ ...r, db: DynamoDBDocumentClient.from(dynamo), s3, sqs }, d, options);
    const handler = createDigestHandler(cloud.digest, cloud.log, cloud.metrics);
    const editor = new DigestEditor(
      { records: cloud.records, archive: new S3DigestArchive(s3, r.bucket) },
      { now: clock },
    );
    /** An asynchronous invocation as Lambda makes it: retried twice when it throws or dies. */
    async function lambda(event: unknown): Promise<Ended<DigestHandlerResult>> {
      let ended: Ended<DigestHandlerResult> = { dead: true };
      for (const delay of [...RETRY_DELAYS_MS, undefined]) {
        ended = await calls.invoke(() => handler(event));
        if (!ended.dead && 'value' in ended) return ended;
        retried++;
        if (delay !== undefined) now += delay;
      }
      return ended;
    }
    /** `digest approve ID`, as src/cli/commands/operations.ts runs it: the version read now is approved. */
    async function approve(digestId: string) {
      const version = (await cloud.records.get(digestId))?.editVersion ?? 0;
      return cloud.digest.review.approve(digestId, version);
    }
    return {
      calls,
      lambda,
      editor,
      approve,
      review: cloud.digest.review,
      struck: () => struck,
      /** Lambda retried an invocation: a minute on, a settle may take a hand-over still under way for interrupted. */
      retried: () => retried,
      logLines: cloud.logLines,
    };
  }

  async function ingestChange(
    key: string,
    eventName: 'ObjectCreated:Put' | 'ObjectRemoved:DeleteMarkerCreated',
    versionId: string,
  ) {
    const sequencer = (sequence++).toString(16).toUpperCase().padStart(16, '0');
    const change = { eventName, key, versionId, sequencer, eventTime: clock() };
    const response = await ingest.handler({ Records: [s3NotificationRecord(r.bucket, change, sequencer)] });
    expect(response.batchItemFailures).toEqual([]);
  }

  async function put(key: string, s: Story) {
    const file = renderStory(key, s);
    await ingestChange(key, 'ObjectCreated:Put', await upload(r, key, file.body, file.contentType));
    index.set(key, { status: 'ingested', ingestedAt: now });
  }

  async function remove(key: string) {
    if (!index.has(key)) return;
    const { VersionId = '' } = await r.s3.send(new DeleteObjectCommand({ Bucket: r.bucket, Key: key }));
    await ingestChange(key, 'ObjectRemoved:DeleteMarkerCreated', VersionId);
    index.set(key, { status: 'retracted', ingestedAt: now });
  }

  /** The keys whose current entry is an article written in [start, end). */
  const expectedIds = (start: number, end: number) =>
    [...index]
      .filter(([, e]) => e.status === 'ingested' && e.ingestedAt >= start && e.ingestedAt < end)
      .map(([k]) => k)
      .sort();

  const slotOf = (back: number) => Math.floor(now / SLOT_MS) * SLOT_MS - back * SLOT_MS;

  /** What a fault-free run for `slot` must end in, from the records before it (docs/operations.md). */
  async function predicted(slot: number): Promise<Outcome | undefined> {
    if (paused) return 'paused';
    const recent = await records.recent(100);
    const window = windowEndingAt(new Date(slot), WINDOW_HOURS, recent);
    const end = window.end.getTime();
    if (
      recent.some(
        (x) => COMPLETED.has(x.state) && Date.parse(x.windowStart) < end && Date.parse(x.windowEnd) > end,
      )
    )
      return 'already-done';
    const existing = recent.find((x) => x.digestId === window.digestId);
    if (existing && COMPLETED.has(existing.state)) return 'already-done';
    if (existing?.state === 'building') {
      const lease = Date.parse(existing.leaseExpiresAt ?? '');
      if (lease > now + RETRIES_MS) return 'failed';
      if (lease >= now) return undefined;
    }
    if (expectedIds(window.start.getTime(), end).length === 0) return 'empty';
    return scenario.sendMode === 'auto' ? 'approved' : 'pending';
  }

  async function archived(prefix: string, name: string): Promise<Buffer> {
    const object = await r.s3.send(new GetObjectCommand({ Bucket: r.bucket, Key: `${prefix}${name}` }));
    return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
  }

  /** The digest as built: digest.original.json in review mode, digest.json (never edited) in auto mode. */
  async function original(record: DigestRecord): Promise<Digest> {
    const name = scenario.sendMode === 'review' ? ORIGINAL_DIGEST_FILE : 'digest.json';
    return JSON.parse((await archived(record.archivePrefix ?? '', name)).toString('utf-8'));
  }

  /** Checks what moto holds against the model after a step. */
  async function check(step: { struck: number; pausedRun: boolean; final?: boolean }) {
    const before = new Map(handoffs);
    for (const message of await approvedMessages(r, d)) {
      handoffs.set(message.digestId, (handoffs.get(message.digestId) ?? 0) + 1);
      if (step.struck > 0) excused.add(message.digestId);
    }
    if (step.pausedRun) expect(handoffs, 'a paused schedule hands nothing over').toEqual(before);
    const all = await records.recent(1000);
    for (const record of all) {
      const { digestId, state } = record;
      const start = Date.parse(record.windowStart);
      const end = Date.parse(record.windowEnd);
      const count = handoffs.get(digestId) ?? 0;
      // Only an approved digest is ever handed over; more than once only after a fault, and not yet only while
      // a fault left its hand-over to the next settle (docs/operations.md).
      if (state !== 'approved') expect(count, `${digestId} (${state}) handed over`).toBe(0);
      else if (!excused.has(digestId) && !record.awaitingHandoff)
        expect(count, `${digestId} handed over`).toBe(1);
      else if (!record.awaitingHandoff) expect(count, `${digestId} handed over`).toBeGreaterThanOrEqual(1);
      seen.add(`state: ${state}${record.edits?.length ? ' (edited)' : ''}`);
      if (!COMPLETED.has(state)) continue;
      if (!completed.has(digestId)) {
        // Seen completed for the first time: built from the index as the model has it now, its window starting
        // where the latest earlier one ends (the first one, or one before every other, is an hour long).
        const ends = [...completed.values()].map((w) => w.end).filter((e) => e <= end);
        expect(start, `${digestId} starts where the window before it ends`).toBe(
          ends.length > 0 ? Math.max(...ends) : end - WINDOW_HOURS * 3_600_000,
        );
        const ids = expectedIds(start, end);
        completed.set(digestId, { start, end, ids });
        if (state === 'empty') expect(ids, `${digestId} is empty`).toEqual([]);
        else expect(idsOf(await original(record)), `${digestId} holds its window's articles`).toEqual(ids);
      }
      if (state !== 'approved' || record.awaitingHandoff || (approved.has(digestId) && !step.final)) continue;
      // What was handed over is the digest as approved, the built one with the recorded edits, byte for byte;
      // checked when it is handed over and at the end (nothing rewrote it meanwhile).
      const files = approved.get(digestId) ?? new Map<string, Buffer>();
      if (!approved.has(digestId)) {
        const edits: Edit[] = (record.edits ?? []).map((e) => e.edit);
        for (const file of await archiveFiles(applyEdits(await original(record), edits), archiveRenderer))
          files.set(file.name, Buffer.from(file.body));
        approved.set(digestId, files);
      }
      for (const [name, body] of files)
        expect(
          comparable(await archived(record.archivePrefix ?? '', name)),
          `${digestId} ${name} as approved`,
        ).toBe(comparable(body));
    }
    // No two completed windows overlap.
    const windows = [...completed.values()].sort((a, b) => a.end - b.end);
    for (const [i, w] of windows.entries())
      expect(w.start, 'windows do not overlap').toBeGreaterThanOrEqual(windows[i - 1]?.end ?? w.start);
  }

  // act, and assess after every step
  for (const [n, s] of scenario.steps.entries()) {
    now += s.advance * 60_000;
    log.push(`${n} ${new Date(now).toISOString()} ${JSON.stringify({ ...s, story: undefined })}`);
    if (s.op === 'put') await put(s.key, s.story);
    else if (s.op === 'delete') await remove(s.key);
    else if (s.op === 'pause') {
      await records.setPaused(s.paused);
      paused = s.paused;
    }
    const f = withFaults('faults' in s ? s.faults : []);
    if (s.op === 'run') {
      const slot = slotOf(s.back);
      const expected = await predicted(slot);
      const held = (await records.recent(1000)).find(
        (x) => x.windowEnd === new Date(slot).toISOString() && x.state === 'building',
      );
      const event = { action: 'run', scheduledTime: new Date(slot).toISOString() };
      const runs =
        s.delivery === 'concurrent'
          ? await Promise.all([f.lambda(event), f.lambda(event)])
          : [await f.lambda(event)];
      if (s.delivery === 'again') runs.push(await f.lambda(event));
      const first = runs[0] as Ended<DigestHandlerResult>;
      const outcome: Outcome = 'value' in first ? (first.value.run?.outcome ?? 'failed') : 'failed';
      log.push(
        `  ${runs.map((x) => ('value' in x ? x.value.run?.outcome : 'error' in x ? `${x.error}` : 'died')).join(', ')}`,
      );
      for (const x of runs) seen.add(`run: ${'value' in x ? x.value.run?.outcome : 'failed'}`);
      const after = held && (await records.get(held.digestId));
      if (after && COMPLETED.has(after.state)) seen.add('a run takes over an expired lease');
      // Lost answers the SDK sends again are no failure: the run ends as if nothing happened.
      const transparent = s.faults.every((x) => x.effect === 'retried');
      if (s.delivery === 'once' && transparent && expected !== undefined)
        expect(outcome, `run for ${new Date(slot).toISOString()}`).toBe(expected);
    } else if (s.op === 'settle') {
      await f.lambda({ action: 'settle-reviews' });
    } else if (s.op === 'review') {
      const pending = (await records.recent(1000)).filter((x) => x.state === 'pending');
      const target = pending[s.pick % Math.max(pending.length, 1)];
      if (target) {
        const id = target.digestId;
        const edit = async () => {
          const text = `Edited at step ${n}`;
          const change: Edit = n % 2 ? { kind: 'note', text } : { kind: 'subject', text };
          return f.editor.edit(id, change, 'editor');
        };
        if (s.action === 'approve-at-deadline') now = Math.max(now, Date.parse(target.reviewDeadline ?? ''));
        const racing =
          s.action === 'approve-and-reject'
            ? f.calls.invoke(() => f.review.reject(id))
            : s.action === 'approve-at-deadline'
              ? f.lambda({ action: 'settle-reviews' })
              : undefined;
        const ended = await f.calls.invoke(async () => {
          if (s.action === 'edit' || s.action === 'edit-approve') await edit();
          if (s.action === 'reject') return f.review.reject(id);
          if (s.action !== 'edit') return f.approve(id);
        });
        const other = await racing;
        log.push(
          `  ${id}: ${'value' in ended ? ended.value?.state : 'error' in ended ? `${ended.error}` : 'died'}${other ? `; ${JSON.stringify(other)}` : ''}`,
        );
        if (f.struck() === 0 && !racing) expect('value' in ended, `${s.action} ${id}`).toBe(true);
      }
    }
    for (const line of f.logLines.map((l) => JSON.parse(l)))
      if (line.message !== 'digest run done' && !('metrics' in line))
        seen.add(`log: ${line.message}${line.decision ? ` (${line.decision})` : ''}`);
    await check({
      struck: f.struck() + f.retried(),
      pausedRun: paused && (s.op === 'run' || s.op === 'settle'),
    });
  }

  // The end: resumed, a day on (every lease past), the latest slot run and, past its deadline, settled.
  now += 24 * SLOT_MS;
  await records.setPaused(false);
  paused = false;
  const last = withFaults([]);
  await last.lambda({ action: 'run', scheduledTime: new Date(slotOf(0)).toISOString() });
  now += (REVIEW_HOURS + 1) * SLOT_MS;
  await last.lambda({ action: 'settle-reviews' });
  await check({ struck: 0, pausedRun: false, final: true });
  // Every article is in the window it was written in (but for those before the first window, which is
  // `windowHours` long: docs/operations.md), and every window is decided.
  const windows = [...completed.values()];
  const first = Math.min(...windows.map((w) => w.start));
  for (const [key, entry] of index) {
    if (entry.status !== 'ingested' || entry.ingestedAt < first) continue;
    const window = windows.find((w) => w.start <= entry.ingestedAt && entry.ingestedAt < w.end);
    expect(window?.ids, `${key} written at ${new Date(entry.ingestedAt).toISOString()}`).toContain(key);
  }
  for (const record of await records.recent(1000)) {
    if (record.state === 'pending') expect.fail(`${record.digestId} is still pending past its deadline`);
    if (record.awaitingHandoff) expect.fail(`${record.digestId} is still waiting for its hand-over`);
  }
}

const HARBOUR: Story = {
  title: 'Harbour ferry resumes',
  paragraphs: [
    [
      'The harbour ferry resumed its winter timetable after the storm repairs.',
      'Council engineers finished the tunnel repairs on the northern coastline.',
    ],
  ],
};

const BUDGET: Story = {
  title: 'Budget talks resume',
  paragraphs: [
    [
      'The regional council reopened budget talks with the farmers on Monday morning.',
      'Wheat and barley prices fell sharply after the drought reduced the annual harvest.',
    ],
  ],
};
const STORM: Story = {
  title: 'Storm warning for the coast',
  paragraphs: [['Scientists warned that the storm would reach the eastern coastline by the evening.']],
};
const RAIL: Story = {
  title: 'Railway tunnel reopens',
  paragraphs: [['Railway engineers reopened the northern tunnel after the winter repairs finished early.']],
};

const put = (key: (typeof KEYS)[number], s: Story, advance = 5): Step => ({
  op: 'put',
  key,
  story: s,
  advance,
});
const run = (advance: number, options: Partial<Extract<Step, { op: 'run' }>> = {}): Step => ({
  op: 'run',
  back: 0,
  delivery: 'once',
  faults: [],
  advance,
  ...options,
});
const review = (
  action: Extract<Step, { op: 'review' }>['action'],
  faults: CallFault<Command>[] = [],
): Step => ({
  op: 'review',
  pick: 0,
  action,
  faults,
  advance: 1,
});
const settle = (advance: number): Step => ({ op: 'settle', faults: [], advance });
const pause = (paused: boolean): Step => ({ op: 'pause', paused, advance: 1 });
const once = (
  command: Command,
  when: 'before' | 'after',
  effect: CallFault['effect'],
): CallFault<Command>[] => [{ command, nth: 0, when, effect }];

/** Auto mode through a crash, a takeover, a hand-over interrupted, lost answers, a stall, late and paused runs. */
const AUTO: Scenario = {
  sendMode: 'auto',
  onReviewDeadline: 'send',
  steps: [
    put(KEYS[0], HARBOUR),
    put(KEYS[1], BUDGET, 2),
    run(60, { faults: once('PutObjectCommand', 'after', 'crash') }), // dies mid-run; its retries find it locked
    run(10, { faults: once('SendMessageCommand', 'after', 'error') }), // takes over; the retry hands over again
    put(KEYS[3], RAIL),
    run(60, { delivery: 'concurrent', faults: once('PutItemCommand', 'after', 'retried') }),
    run(1, { back: 1, delivery: 'again' }), // a late retry for a covered slot
    put(KEYS[2], STORM),
    run(60, { delivery: 'again', faults: once('QueryCommand', 'before', 'stall') }),
    run(60),
    pause(true),
    put(KEYS[0], RAIL),
    run(60),
    pause(false),
    run(60),
  ],
};

/** Review mode: edit and approve, reject, a crash between decision and hand-over, a deadline while paused, races. */
const REVIEW: Scenario = {
  sendMode: 'review',
  onReviewDeadline: 'drop',
  steps: [
    put(KEYS[0], HARBOUR),
    run(60),
    review('edit-approve'),
    put(KEYS[1], BUDGET),
    run(60),
    review('reject'),
    put(KEYS[3], RAIL),
    run(60),
    review('approve', once('SendMessageCommand', 'before', 'crash')), // decided; the next settle hands it over
    settle(2),
    put(KEYS[2], STORM),
    run(60),
    pause(true),
    settle(180), // past the deadline: it waits
    pause(false),
    settle(15), // dropped
    put(KEYS[0], BUDGET),
    run(60),
    review('approve-and-reject'),
    put(KEYS[1], HARBOUR),
    run(60),
    review('approve-at-deadline'),
  ],
};

/** An edit recorded whose archive render never happened (the command died between the two writes). */
const EDIT_NEVER_RENDERED: Scenario = {
  sendMode: 'review',
  onReviewDeadline: 'send',
  steps: [
    { op: 'put', key: 'incoming/harbour.txt', story: HARBOUR, advance: 5 },
    { op: 'run', back: 0, delivery: 'once', faults: [], advance: 60 },
    {
      op: 'review',
      pick: 0,
      action: 'edit',
      faults: [{ command: 'UpdateItemCommand', nth: 0, when: 'after', effect: 'crash' }],
      advance: 1,
    },
    { op: 'settle', faults: [], advance: 180 },
  ],
};

/** Cases the written scenarios must reach (what `seen` records). */
const EXERCISED = [
  'fault: crash',
  'fault: error',
  'fault: retried',
  'fault: stall',
  'run: approved',
  'run: pending',
  'run: empty',
  'run: already-done',
  'run: paused',
  'run: failed',
  'a run takes over an expired lease',
  'log: handing over an approved digest again',
  'log: digest decided (approved)',
  'log: digest decided (rejected)',
  'log: review deadline passed (approved)',
  'log: review deadline passed (dropped)',
  'log: digests are paused; review deadlines wait for resume',
  'state: approved (edited)',
];

/** Random scenarios per run; more for a deeper search: `SCHEDULE_MODEL_RUNS=50 npx vitest run <this file>`. */
const RUNS = Number(process.env.SCHEDULE_MODEL_RUNS ?? 2);

describe('the scheduled digest, model-based with faults, against moto', () => {
  it(
    'holds the model through seeded random scenarios',
    async () => {
      await fc.assert(fc.asyncProperty(scenarios, runScenario), {
        seed: Number(process.env.SCHEDULE_MODEL_SEED ?? 2028),
        numRuns: RUNS,
        endOnFailure: true,
      });
    },
    RUNS * 10_000 + 60_000,
  );

  // Three scenarios took 37 s beside the rest of the aws project on a loaded 2-core machine: the time the random
  // scenarios are allowed (10 s each and 60 s), not a flat 60 s.
  it(
    'holds the model through written scenarios that reach every case',
    async () => {
      seen.clear();
      for (const scenario of [AUTO, REVIEW, EDIT_NEVER_RENDERED]) await runScenario(scenario);
      const missed = EXERCISED.filter((what) => !seen.has(what));
      expect(missed, `cases never reached (reached: ${[...seen].sort().join('; ')})`).toEqual([]);
    },
    3 * 10_000 + 60_000,
  );
});
