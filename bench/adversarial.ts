// Hostile input: each class of file that once made parsing or the digest build grow faster than its input,
// built at two sizes in a fresh process with a deadline. Target: under 1 s per MB at every size, and the
// time per MB at the larger size no more than x12 the smaller one's (10x the input).
// Run alone: npx tsx bench/adversarial.ts; `npm run bench` calls adversarialSection().
import { ADVERSARIAL_CLASSES } from './adversarial-classes.ts';
import { bundleChildren, runChild } from './children.ts';

export interface AdversarialFigure {
  name: string;
  bytes: number;
  /** Wall time of parse and the whole digest build; undefined when the deadline passed. */
  ms?: number;
  msPerMB?: number;
  outcome: string;
}

export const ADVERSARIAL_SIZES = [100_000, 1_000_000];
/** Past this a run is stopped and counted as missed (the old code took minutes). */
const DEADLINE_MS = Number(process.env.BENCH_ADVERSARIAL_DEADLINE_MS ?? 60_000);
const MS_PER_MB_LIMIT = 1000;
const GROWTH_LIMIT = 12;
const GROWTH_FLOOR_MS = 10;

function measure(index: number, bytes: number): AdversarialFigure {
  const name = ADVERSARIAL_CLASSES[index]?.name ?? '';
  try {
    const stdout = runChild('adversarial-child.ts', [String(index), String(bytes)], {
      timeout: DEADLINE_MS,
      killSignal: 'SIGKILL',
    });
    const { ms, outcome } = JSON.parse(stdout) as { ms: number; outcome: string };
    return { name, bytes, ms, msPerMB: ms / (bytes / 1e6), outcome };
  } catch (error) {
    const timedOut = (error as { signal?: string }).signal === 'SIGKILL';
    const reason = timedOut
      ? `stopped after ${DEADLINE_MS / 1000} s`
      : (error as Error).message.split('\n')[0];
    return { name, bytes, outcome: reason ?? 'failed' };
  }
}

export function adversarialSection(
  sizes = (process.env.BENCH_ADVERSARIAL_SIZES ?? ADVERSARIAL_SIZES.join(',')).split(',').map(Number),
): { figures: AdversarialFigure[]; met: boolean } {
  console.log(
    `\nHostile input: parse and whole digest build of one file, ms per MB (target < ${MS_PER_MB_LIMIT}; growth ${sizes.map((s) => `${s / 1000} KB`).join(' -> ')} <= x${GROWTH_LIMIT})`,
  );
  const figures: AdversarialFigure[] = [];
  let met = true;
  for (const [index, adversarial] of ADVERSARIAL_CLASSES.entries()) {
    const runs = sizes.map((bytes) => measure(index, bytes));
    figures.push(...runs);
    const perMB = runs.map((r) => r.msPerMB);
    const [first, last] = [runs[0]?.ms, runs.at(-1)?.ms];
    // Growth of the time taken from the smallest to the largest input; under GROWTH_FLOOR_MS a run is clock noise.
    const growth =
      first !== undefined && last !== undefined
        ? Math.max(last, GROWTH_FLOOR_MS) / Math.max(first, GROWTH_FLOOR_MS)
        : undefined;
    const ok =
      perMB.every((v) => v !== undefined && v < MS_PER_MB_LIMIT) &&
      growth !== undefined &&
      growth <= GROWTH_LIMIT;
    met &&= ok;
    const cells = runs.map((r) =>
      r.msPerMB === undefined ? r.outcome : `${r.msPerMB.toFixed(0)} ms/MB (${r.outcome})`,
    );
    console.log(
      `  ${adversarial.name}: ${cells.join(', ')}; growth x${growth?.toFixed(1) ?? '-'} (${ok ? 'met' : 'MISSED'})`,
    );
  }
  return { figures, met };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleChildren();
  adversarialSection();
}
