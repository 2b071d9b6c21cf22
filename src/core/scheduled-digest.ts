import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Article } from './article.ts';
import { compareIds } from './compare-ids.ts';
import type { Digest, Skipped } from './digest.ts';
import { applyEdits } from './edits.ts';
import { EditConflictError, HandOverError, UsageError, WindowLockedError } from './errors.ts';
import { buildDigestFromArticles } from './pipeline.ts';
import type { ArticleIndex } from './ports/article-index.ts';
import type { ArchiveFile, DigestArchive } from './ports/digest-archive.ts';
import type { DigestHandoff } from './ports/digest-handoff.ts';
import type { DigestCounts, DigestRecord, DigestRecords, DigestState } from './ports/digest-records.ts';
import type { DigestRenderer } from './ports/digest-renderer.ts';
import type { Logger } from './ports/logger.ts';
import type { NormalisedArticles } from './ports/normalised-articles.ts';
import { redactAddresses } from './redact-addresses.ts';
import { needsAntecedent, unreadableReason } from './text/sentences.ts';
import { contentTerms } from './text/tokens.ts';

/** The period a digest covers: [start, end), ending at the scheduled time. */
export interface DigestWindow {
  digestId: string;
  start: Date;
  end: Date;
}

/** States of a window whose digest was built: where that window ends, the next one starts. */
const COMPLETED_STATES: ReadonlySet<DigestState> = new Set([
  'empty',
  'pending',
  'approved',
  'rejected',
  'dropped',
]);

/**
 * The window of the run scheduled at `scheduledTime` (to the minute): from the end of the latest completed
 * window that ended before it, to the scheduled time. Consecutive windows so tile time exactly whatever the
 * clock does between runs: a daylight-saving change in the schedule's time zone, a missed run, a changed
 * schedule or a paused period. With no completed window before it, the window is `hours` long. A retried, late
 * or repeated run for the same slot gets the same window and digest id.
 */
export function windowEndingAt(
  scheduledTime: Date,
  hours: number,
  completed: readonly Pick<DigestRecord, 'windowEnd' | 'state'>[] = [],
): DigestWindow {
  const end = new Date(Math.floor(scheduledTime.getTime() / 60_000) * 60_000);
  const previousEnds = completed
    .filter((r) => COMPLETED_STATES.has(r.state) && Date.parse(r.windowEnd) < end.getTime())
    .map((r) => Date.parse(r.windowEnd));
  const start = new Date(
    previousEnds.length > 0 ? Math.max(...previousEnds) : end.getTime() - hours * 3_600_000,
  );
  const stamp = end.toISOString().replace(/[-:]/g, '').slice(0, 13);
  return { digestId: `digest-${stamp}Z`, start, end };
}

/** How many recent records are read to find the last completed window (a few stuck runs may sit on top). */
const RECENT_RECORDS = 20;

/** The completed window that already covers `end` (a later slot ran first), if any. */
function coveringWindow(completed: readonly DigestRecord[], end: Date): DigestRecord | undefined {
  return completed.find(
    (r) =>
      COMPLETED_STATES.has(r.state) &&
      Date.parse(r.windowEnd) > end.getTime() &&
      Date.parse(r.windowStart) < end.getTime(),
  );
}

/**
 * The normalised articles whose latest index entry was ingested in the window (retracted ones are left out). One
 * replaced or retracted after the index was read is left out too: its document is gone, and the change that
 * removed it is stamped after the window's end, so the article's new state belongs to the next window.
 */
export async function articlesInWindow(
  index: ArticleIndex,
  articles: NormalisedArticles,
  window: Pick<DigestWindow, 'start' | 'end'>,
): Promise<Article[]> {
  const entries = await index.listWrittenBetween(window.start, window.end);
  const paths = entries
    .filter((e) => e.status === 'ingested' && e.articlePath)
    .sort((a, b) => compareIds(a.key, b.key))
    .map((e) => e.articlePath as string);
  const found = await Promise.all(paths.map((path) => articles.get(path)));
  return found.filter((article) => article !== undefined);
}

/** The digest of a window: stamped with the window's end, so every run for the window builds the same output. */
export function buildWindowDigest(
  articles: readonly Article[],
  window: DigestWindow,
  content: { title?: string; intro?: string; skipped?: readonly Skipped[] } = {},
): Digest {
  return buildDigestFromArticles(articles, content.skipped ?? [], {
    title: content.title,
    intro: content.intro,
    now: () => window.end,
  });
}

/** Per-article time budget of the scheduled digest, in ms: a normal article takes well under 50 ms. */
export const DEFAULT_ARTICLE_BUDGET_MS = 2000;

/**
 * Splits articles into those whose per-article work (reading each sentence, as summaries do, and its terms, as
 * themes do) finished within `budgetMs`, and skipped entries for the others. Work already done cannot be
 * interrupted, but one article that is slow to read is then left out of every later stage of the build.
 */
export function screenArticles(
  articles: readonly Article[],
  budgetMs: number,
  clock: () => number = () => performance.now(),
): { kept: Article[]; skipped: Skipped[] } {
  const kept: Article[] = [];
  const skipped: Skipped[] = [];
  for (const article of articles) {
    const started = clock();
    for (const sentence of article.sentences) {
      unreadableReason(sentence);
      needsAntecedent(sentence);
    }
    contentTerms(article.text);
    const spent = clock() - started;
    if (spent <= budgetMs) kept.push(article);
    else
      skipped.push({
        id: article.id,
        reason: `took ${Math.round(spent)} ms to read, over the ${budgetMs} ms budget per article`,
      });
  }
  return { kept, skipped };
}

/** Exactly the digest a scheduled run at `scheduledTime` builds, without recording, archiving or sending it. */
export async function previewDigest(
  index: ArticleIndex,
  articles: NormalisedArticles,
  scheduledTime: Date,
  options: { windowHours?: number; title?: string; intro?: string; records?: DigestRecords } = {},
): Promise<{ window: DigestWindow; digest: Digest }> {
  const completed = options.records ? await options.records.recent(RECENT_RECORDS) : [];
  const window = windowEndingAt(scheduledTime, options.windowHours ?? DEFAULT_WINDOW_HOURS, completed);
  const digest = buildWindowDigest(await articlesInWindow(index, articles, window), window, {
    title: options.title,
    intro: options.intro,
  });
  return { window, digest };
}

export const DEFAULT_WINDOW_HOURS = 168;

export type SendMode = 'auto' | 'review';

export interface ScheduledDigestRunnerOptions {
  /** Length of a window in hours. @default 168 (a week) */
  windowHours?: number;
  /** `auto` hands a digest to sending at once; `review` waits for approve/reject or the deadline. @default 'auto' */
  sendMode?: SendMode;
  /** Hours a digest waits for review. @default 24 */
  reviewHours?: number;
  /** What happens to a digest still pending at its deadline. @default 'send' */
  onReviewDeadline?: 'send' | 'drop';
  /** How long a run holds its window before another may take over: longer than a run can last. @default 360 */
  leaseSeconds?: number;
  /** Time one article may take to read before it is skipped (see screenArticles). @default 2000 */
  articleBudgetMs?: number;
  /** Milliseconds clock of the article budget. @default performance.now */
  clock?: () => number;
  /**
   * How long after its window's end a run waits before it reads the article index: the longest an index write
   * stamped before the end can take to land and show in the index (the ingest function's timeout, plus the
   * index's propagation). A run waits at most this long, and one that starts later waits for nothing. @default 0
   */
  settleSeconds?: number;
  /** Waits that many milliseconds (tests inject a fake). @default node's timers/promises setTimeout */
  wait?: (ms: number) => Promise<unknown>;
  title?: string;
  /** The editor's note at the top of every digest of this schedule. @default none */
  intro?: string;
  now?: () => Date;
}

export interface ScheduledDigestRunnerDeps {
  index: ArticleIndex;
  articles: NormalisedArticles;
  records: DigestRecords;
  archive: DigestArchive;
  renderer: DigestRenderer;
  handoff: DigestHandoff;
  log: Logger;
}

export type RunOutcome = 'paused' | 'locked' | 'already-done' | 'empty' | 'pending' | 'approved';

export interface RunResult {
  digestId: string;
  outcome: RunOutcome;
  state?: DigestState;
  counts?: DigestCounts;
}

/** One digest per window, archived and handed to sending exactly once, steered by pause and review. */
export class ScheduledDigestRunner {
  private readonly options: Required<Omit<ScheduledDigestRunnerOptions, 'title' | 'intro' | 'clock'>> &
    Pick<ScheduledDigestRunnerOptions, 'title' | 'intro' | 'clock'>;

  /** Approve, reject and review deadlines of this schedule's digests. */
  readonly review: DigestReview;

  constructor(
    private readonly deps: ScheduledDigestRunnerDeps,
    options: ScheduledDigestRunnerOptions = {},
  ) {
    this.review = new DigestReview(deps, options);
    this.options = {
      windowHours: DEFAULT_WINDOW_HOURS,
      sendMode: 'auto',
      reviewHours: 24,
      onReviewDeadline: 'send',
      leaseSeconds: 360,
      articleBudgetMs: DEFAULT_ARTICLE_BUDGET_MS,
      settleSeconds: 0,
      wait: sleep,
      now: () => new Date(),
      ...options,
    };
  }

  /** The window a run at `scheduledTime` covers, given the windows completed so far (see windowEndingAt). */
  async window(scheduledTime: Date): Promise<DigestWindow> {
    return windowEndingAt(
      scheduledTime,
      this.options.windowHours,
      await this.deps.records.recent(RECENT_RECORDS),
    );
  }

  async run(scheduledTime: Date): Promise<RunResult> {
    const { records, log } = this.deps;
    const completed = await records.recent(RECENT_RECORDS);
    const window = windowEndingAt(scheduledTime, this.options.windowHours, completed);
    const { digestId } = window;
    if (await records.isPaused()) {
      // No record: the next run's window starts where the last completed one ended, so nothing is lost.
      log.warn('digests are paused; this slot is covered by the next run after resume', { digestId });
      return { digestId, outcome: 'paused' };
    }
    const covering = coveringWindow(completed, window.end);
    if (covering) {
      log.info('slot already covered by a later window', { digestId, coveredBy: covering.digestId });
      return { digestId, outcome: 'already-done', state: covering.state };
    }
    const now = this.options.now();
    const building: DigestRecord = {
      digestId,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      state: 'building',
      leaseExpiresAt: new Date(now.getTime() + this.options.leaseSeconds * 1000).toISOString(),
      runId: randomUUID(),
      updatedAt: now.toISOString(),
    };
    const existing = (await records.acquire(building, now)) ? building : await records.get(digestId);
    // Another run's record, unless the SDK sent this run's write again after losing its answer.
    if (existing?.runId !== building.runId) {
      const outcome = existing?.state === 'building' ? 'locked' : 'already-done';
      log.info('window already taken', { digestId, outcome, state: existing?.state });
      return { digestId, outcome, ...(existing && { state: existing.state }) };
    }

    await this.settle(window);
    const articles = await articlesInWindow(this.deps.index, this.deps.articles, window);
    if (articles.length === 0) {
      const counts = { articles: 0, themes: 0, skipped: 0 };
      await this.save({ ...withoutLease(building), state: 'empty', counts }, 'building');
      log.info('no new articles; nothing to send', { digestId });
      return { digestId, outcome: 'empty', counts };
    }

    const { kept, skipped } = screenArticles(articles, this.options.articleBudgetMs, this.options.clock);
    for (const entry of skipped)
      log.warn('article skipped', { digestId, articleId: redactAddresses(entry.id), reason: entry.reason });
    const digest = buildWindowDigest(kept, window, {
      title: this.options.title,
      intro: this.options.intro,
      skipped,
    });
    const archivePrefix = archivePrefixOf(window);
    const files = await archiveFiles(digest, this.deps.renderer);
    // The digest as built, kept apart from digest.json, which editors' changes rewrite (src/core/digest-editing.ts).
    if (this.options.sendMode === 'review') files.push(jsonFile(ORIGINAL_DIGEST_FILE, digest));
    await this.deps.archive.put(archivePrefix, files);
    const counts = countsOf(digest);
    const built = { ...withoutLease(building), counts, archivePrefix };
    log.info('digest archived', { digestId, archivePrefix, ...counts });

    if (this.options.sendMode === 'review') {
      const reviewDeadline = new Date(now.getTime() + this.options.reviewHours * 3_600_000).toISOString();
      await this.save({ ...built, state: 'pending', reviewDeadline }, 'building');
      log.info('digest waits for review', { digestId, reviewDeadline });
      return { digestId, outcome: 'pending', counts };
    }
    const approved: DigestRecord = { ...built, state: 'approved', awaitingHandoff: true };
    await this.save(approved, 'building');
    await this.review.handOver({ ...approved, updatedAt: this.options.now().toISOString() });
    return { digestId, outcome: 'approved', counts };
  }

  /**
   * Waits, when the run starts right at its window's end, until every index write stamped before the end has
   * landed and shows in the index: else an article ingested in the last seconds would miss this digest while its
   * stamp keeps it out of the next one. The lease (longer than the function timeout) covers the wait.
   */
  private async settle(window: DigestWindow): Promise<void> {
    const settleMs = this.options.settleSeconds * 1000;
    // Never longer than the settle time: a run for a window that has not ended yet (an operator's) reads after it.
    const waitMs = Math.min(window.end.getTime() + settleMs - this.options.now().getTime(), settleMs);
    if (waitMs <= 0) return;
    this.deps.log.info('waiting for index writes of the window to settle', {
      digestId: window.digestId,
      waitMs,
    });
    await this.options.wait(waitMs);
  }

  private async save(record: DigestRecord, from: DigestState): Promise<void> {
    const saved = await this.deps.records.transition(
      { ...record, updatedAt: this.options.now().toISOString() },
      from,
    );
    if (saved) return;
    // The SDK sent the write again after losing its answer: the first attempt went through.
    const current = await this.deps.records.get(record.digestId);
    if (!current || current.runId !== record.runId || current.state !== record.state)
      throw new WindowLockedError(`digest ${record.digestId} left state ${from} while this run held it`);
  }
}

/** How long an approved digest may wait for its hand-over before a settle takes it for interrupted. */
const HANDOFF_GRACE_MS = 60_000;

/** Decisions on pending digests: an editor's approve or reject, or the configured review deadline. */
export class DigestReview {
  private readonly onReviewDeadline: 'send' | 'drop';
  private readonly now: () => Date;

  constructor(
    /**
     * Renders an edited digest's archive from its decided record at the hand-over (the digest Lambda's, and the
     * CLI's and the studio's for an approve); without it an edited digest cannot be approved.
     */
    private readonly deps: Pick<ScheduledDigestRunnerDeps, 'records' | 'archive' | 'handoff' | 'log'> &
      Partial<Pick<ScheduledDigestRunnerDeps, 'renderer'>>,
    options: Pick<ScheduledDigestRunnerOptions, 'onReviewDeadline' | 'now'> = {},
  ) {
    this.onReviewDeadline = options.onReviewDeadline ?? 'send';
    this.now = options.now ?? (() => new Date());
  }

  /** `editVersion`: refuse when the digest was edited after the editor last saw it. */
  approve(digestId: string, editVersion?: number): Promise<DigestRecord> {
    return this.decide(digestId, 'approved', editVersion);
  }

  reject(digestId: string, editVersion?: number): Promise<DigestRecord> {
    return this.decide(digestId, 'rejected', editVersion);
  }

  /**
   * Sends or drops (as configured) every pending digest whose review deadline has passed. While digests are
   * paused nothing is sent or dropped: a deadline that passed meanwhile applies at the first settle after resume.
   */
  async settleExpiredReviews(): Promise<DigestRecord[]> {
    if (await this.deps.records.isPaused()) {
      this.deps.log.info('digests are paused; review deadlines wait for resume');
      return [];
    }
    const now = this.now();
    // Every record due, not the newest hundred: with short windows and a long review, an expired digest can have
    // more than a hundred newer ones.
    const due = await this.deps.records.dueForSettle(now);
    // Approved digests whose hand-over a crash or an error interrupted (not one being handed over right now).
    const interrupted = new Date(now.getTime() - HANDOFF_GRACE_MS).toISOString();
    for (const record of due.filter((r) => r.awaitingHandoff && r.updatedAt <= interrupted)) {
      this.deps.log.warn('handing over an approved digest again', { digestId: record.digestId });
      await this.handOver(record);
    }
    const expired = due.filter(
      (r) => r.state === 'pending' && r.reviewDeadline && r.reviewDeadline <= now.toISOString(),
    );
    const settled: DigestRecord[] = [];
    for (const record of expired) {
      const decision = this.onReviewDeadline === 'send' ? 'approved' : 'dropped';
      this.deps.log.warn('review deadline passed', { digestId: record.digestId, decision });
      const decided = await this.deadlineDecision(record.digestId, decision);
      if (decided) settled.push(decision === 'approved' ? await this.handOver(decided) : decided);
    }
    return settled;
  }

  /**
   * A deadline's decision on the digest as it is now. Nothing, when the digest is no longer pending: an
   * overlapping settle (the 15-minute schedule's and a run's) or an editor decided it after this settle read it,
   * and that decision stands. An edit that landed between this settle's read and its write is part of the digest
   * the deadline decides: the decision is made again on the edited record (a few times at most), rather than
   * failing the invocation and putting off the run. Any other failure is thrown.
   */
  private async deadlineDecision(
    digestId: string,
    decision: 'approved' | 'dropped',
  ): Promise<DigestRecord | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recordDecision(digestId, decision);
      } catch (error) {
        if (!(error instanceof UsageError || error instanceof EditConflictError)) throw error;
        const current = await this.deps.records.get(digestId);
        if (current?.state === 'pending') {
          if (attempt >= DEADLINE_ATTEMPTS) throw error;
          this.deps.log.info('digest edited as its deadline was applied; deciding the edited digest', {
            digestId,
            editVersion: current.editVersion,
          });
          continue;
        }
        this.deps.log.info('digest decided meanwhile; its deadline changes nothing', {
          digestId,
          state: current?.state,
        });
        return undefined;
      }
    }
  }

  private async decide(
    digestId: string,
    decision: 'approved' | 'rejected' | 'dropped',
    editVersion?: number,
  ): Promise<DigestRecord> {
    const decided = await this.recordDecision(digestId, decision, editVersion);
    if (decision !== 'approved') return decided;
    try {
      return await this.handOver(decided);
    } catch (error) {
      // The decision stands (awaitingHandoff): the editor is told so, not left to guess from an AWS error.
      throw new HandOverError(
        `digest ${digestId} is approved, but handing it to sending failed: ${(error as Error).message}; the next settle of the digest Lambda (every 15 minutes in review mode) hands it over`,
        { cause: error },
      );
    }
  }

  /** Writes the decision on a pending digest (an approve with `awaitingHandoff`); hands nothing over. */
  private async recordDecision(
    digestId: string,
    decision: 'approved' | 'rejected' | 'dropped',
    editVersion?: number,
  ): Promise<DigestRecord> {
    const record = await this.deps.records.get(digestId);
    if (!record) throw new UsageError(`digest ${digestId} does not exist`);
    if (record.state !== 'pending') {
      throw new UsageError(`digest ${digestId} is ${record.state}; only a pending digest can be decided`);
    }
    if (editVersion !== undefined && (record.editVersion ?? 0) !== editVersion) {
      throw new EditConflictError(
        `digest ${digestId} was edited by someone else meanwhile: reload it and decide again`,
      );
    }
    if (decision === 'approved' && record.editVersion !== undefined && !this.deps.renderer) {
      // Refused before anything is decided: the hand-over renders an edited digest's archive from its record.
      throw new UsageError(`digest ${digestId} was edited: approving it needs the renderer of its archive`);
    }
    const { reviewDeadline: _deadline, ...rest } = record;
    const decided: DigestRecord = {
      ...rest,
      state: decision,
      decisionId: randomUUID(),
      updatedAt: this.now().toISOString(),
      ...(decision === 'approved' && { awaitingHandoff: true }),
    };
    if (!(await this.deps.records.transition(decided, 'pending'))) {
      const current = await this.deps.records.get(digestId);
      // The SDK sent the write again after losing its answer, and the first attempt went through.
      if (current?.decisionId !== decided.decisionId) {
        if (current && current.state !== 'pending')
          throw new UsageError(
            `digest ${digestId} is ${current.state}; only a pending digest can be decided`,
          );
        throw new EditConflictError(
          `digest ${digestId} was edited by someone else meanwhile: reload it and decide again`,
        );
      }
    }
    this.deps.log.info('digest decided', { digestId, decision });
    return decided;
  }

  /**
   * Publishes an approved digest's archive page and hands the digest (recorded with `awaitingHandoff`) to
   * sending, then clears the flag. The decision is recorded first, so a reject or a deadline's drop that wins
   * the race is never sent; a crash before the flag is cleared leaves it, and the next settle hands the digest
   * over again (sending dedupes by digestId).
   */
  async handOver(record: DigestRecord): Promise<DigestRecord> {
    await this.renderEdits(record);
    const archivePrefix = record.archivePrefix ?? '';
    // Only now, and after any render (a new object has no tag): the page's address is predictable, and a
    // digest under review may yet be rejected.
    await this.deps.archive.publish(archivePrefix);
    await this.deps.handoff.approved({
      digestId: record.digestId,
      archivePrefix,
      digestKey: `${archivePrefix}digest.json`,
      windowStart: record.windowStart,
      windowEnd: record.windowEnd,
    });
    const { awaitingHandoff: _flag, ...handedOver } = record;
    // False only if another settle cleared it first: the digest is handed over either way.
    await this.deps.records.transition(handedOver, 'approved');
    return handedOver;
  }

  /**
   * The archive of an edited digest, rendered from the digest as built plus the decided record's edits: the only
   * write of the archive after the build, made after the decision and from it, so no edit or render that lost a
   * race can change what is published and sent (edits only write the record; src/core/digest-editing.ts). Every
   * hand-over of a digest renders the same files; one that finds them written (digest.json is written last)
   * writes nothing, so a settle handing a digest over again during its send neither rewrites the archive nor
   * takes its page off the archive site until it is published again.
   */
  private async renderEdits(record: DigestRecord): Promise<void> {
    const { archive, renderer } = this.deps;
    const prefix = record.archivePrefix ?? '';
    if (record.editVersion === undefined) return;
    if (!renderer)
      throw new UsageError(
        `digest ${record.digestId} was edited: its hand-over needs the renderer of its archive`,
      );
    const original = await archive.get(prefix, ORIGINAL_DIGEST_FILE);
    if (original === undefined)
      throw new UsageError(`digest ${record.digestId}: ${prefix}${ORIGINAL_DIGEST_FILE} is missing`);
    const edited = applyEdits(
      JSON.parse(original) as Digest,
      (record.edits ?? []).map((e) => e.edit),
    );
    const json = jsonFile('digest.json', edited);
    if ((await archive.get(prefix, json.name)) === json.body) return;
    await archive.put(prefix, await renderer.render(edited));
    await archive.put(prefix, [json]);
  }
}

/** How often a review deadline decides a digest that editors keep changing under it before it gives up. */
const DEADLINE_ATTEMPTS = 3;

/** Beside digest.json in a review-mode archive: the digest as built, before any edit. */
export const ORIGINAL_DIGEST_FILE = 'digest.original.json';

/**
 * digest.json and the renditions of it: what an archive folder holds, as built and once an edited digest is
 * approved.
 */
export async function archiveFiles(digest: Digest, renderer: DigestRenderer): Promise<ArchiveFile[]> {
  return [jsonFile('digest.json', digest), ...(await renderer.render(digest))];
}

function jsonFile(name: string, digest: Digest): ArchiveFile {
  return { name, body: `${JSON.stringify(digest, null, 2)}\n`, contentType: 'application/json' };
}

/** `digests/YYYY/MM/DD/<digestId>/`, dated by the window's end (UTC). */
export function archivePrefixOf(window: DigestWindow): string {
  const [year, month, day] = window.end.toISOString().slice(0, 10).split('-');
  return `digests/${year}/${month}/${day}/${window.digestId}/`;
}

function countsOf(digest: Digest): DigestCounts {
  return {
    articles: digest.themes.reduce((n, t) => n + t.articles.length, 0),
    themes: digest.themes.length,
    skipped: digest.skipped.length,
  };
}

function withoutLease(record: DigestRecord): DigestRecord {
  const { leaseExpiresAt: _lease, ...rest } = record;
  return rest;
}
