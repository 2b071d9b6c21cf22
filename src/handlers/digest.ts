import { WindowLockedError } from '../core/errors.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Metrics } from '../core/ports/metrics.ts';
import type { RunResult, ScheduledDigestRunner } from '../core/scheduled-digest.ts';
import * as z from '../core/zod.ts';

/**
 * Input of the digest Lambda. The schedule passes `<aws.scheduler.scheduled-time>` as `scheduledTime`;
 * `digest run-now` passes a time of its choosing. `settle-reviews` only applies expired review deadlines.
 */
export const digestEventSchema = z.union([
  z.object({ action: z._default(z.literal('run'), 'run'), scheduledTime: z.iso.datetime({ offset: true }) }),
  z.object({ action: z.literal('settle-reviews') }),
]);
export type DigestEvent = z.input<typeof digestEventSchema>;

export interface DigestHandlerResult {
  settled: string[];
  run?: RunResult;
}

/**
 * Settles expired reviews, then runs the window. A throw (including a window locked by another run) is retried
 * by Lambda and then goes to the async on-failure destination.
 */
export function createDigestHandler(digest: ScheduledDigestRunner, log: Logger, metrics: Metrics) {
  return async (event: unknown): Promise<DigestHandlerResult> => {
    const input = digestEventSchema.parse(event);
    const settled = (await digest.review.settleExpiredReviews()).map((r) => r.digestId);
    if (input.action === 'settle-reviews') return { settled };
    const run = await digest.run(new Date(input.scheduledTime));
    if (run.outcome === 'locked') {
      // Thrown, not returned: Lambda retries it, and if the holder died the run ends on FailedRuns (alarmed).
      throw new WindowLockedError(`digest ${run.digestId} is being built by another run`);
    }
    metrics.record({ DigestsBuilt: run.outcome === 'approved' || run.outcome === 'pending' ? 1 : 0 });
    log.info('digest run done', {
      digestId: run.digestId,
      outcome: run.outcome,
      articles: run.counts?.articles,
      settled: settled.length,
    });
    return { settled, run };
  };
}
