import { ConfigError } from '../errors.ts';

/**
 * Messages per second one worker may send: the account's MaxSendRate shared evenly by the most
 * workers that can run at once (the event source's maximum concurrency), never above `configured`.
 */
export function perWorkerRate(maxSendRate: number, workers: number, configured?: number): number {
  if (!(maxSendRate > 0) || !(workers >= 1))
    throw new ConfigError('maxSendRate and workers must be positive');
  const share = maxSendRate / workers;
  return configured === undefined ? share : Math.min(share, configured);
}

/**
 * Spaces calls at least 1/rate seconds apart; the first call goes at once. One per worker process, so
 * the pace holds across the batches a warm worker takes one after another.
 */
export class Pacer {
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async wait(rate: number): Promise<void> {
    const now = this.now();
    if (this.nextAt > now) await this.sleep(this.nextAt - now);
    this.nextAt = Math.max(now, this.nextAt) + 1000 / rate;
  }
}

export interface BackoffPolicy {
  /** Calls in all, the first included. @default 4 */
  attempts: number;
  /** @default 200 */
  baseMs: number;
  /** @default 5000 */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 200, capMs: 5000 };

/** "Full jitter" exponential backoff: a random wait up to base x 2^retry, capped. */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** retry));
}

export const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
