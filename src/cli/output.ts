import type { Skipped } from '../core/digest.ts';

/** Tells the person at the terminal which files were left out and why, without stopping the build. */
export function warnSkipped(skipped: readonly Skipped[]): void {
  for (const { id, reason } of skipped) console.error(`warning: skipped ${id}: ${reason}`);
}
