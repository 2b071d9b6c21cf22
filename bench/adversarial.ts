// Hostile input: each class of file that once made parsing or the digest build grow faster than its input,
// built at two sizes in a fresh process with a deadline. Target: under 1 s per MB at every size, and the
// time per MB at the larger size no more than x12 the smaller one's (10x the input).
// Run alone: npx tsx bench/adversarial.ts; `npm run bench` calls adversarialSection().
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AdversarialClass {
  name: string;
  /** File name: its extension picks the format. */
  file: string;
  /** The file's text, about `bytes` long. */
  make(bytes: number): string;
}

const repeat = (unit: string, bytes: number) =>
  unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit))));
const frontMatter = '---\ntitle: Hostile input\n---\n';

/** Every class measured; the adversarial tests build the same files. */
export const ADVERSARIAL_CLASSES: AdversarialClass[] = [
  {
    name: 'one long word after a sentence start (-ed, contraction patterns)',
    file: 'long-word.md',
    make: (n) => `${frontMatter}Aaa bbb ccc ddd eee ${repeat('aé', n)}.\n`,
  },
  {
    name: 'dateline-shaped run (AA-A-A...x), .txt',
    file: 'dateline.txt',
    make: (n) => `AA${repeat('-A', n)}x\n`,
  },
  {
    name: 'dateline-shaped run inside an HTML <p>',
    file: 'dateline.html',
    make: (n) => `<html><body><p>AA${repeat('-A', n)}x</p></body></html>`,
  },
  { name: 'a line of dashes', file: 'dashes.txt', make: (n) => `${repeat('-', n)}\n` },
  {
    name: 'markdown heading padded with spaces',
    file: 'heading.md',
    make: (n) => `# a${repeat(' ', n)}b\n`,
  },
  { name: 'open brackets', file: 'brackets.md', make: (n) => repeat('[', n) },
  { name: 'image and link openers', file: 'links.md', make: (n) => repeat('![a](', n) },
  { name: 'angle brackets', file: 'angles.md', make: (n) => repeat('<a ', n) },
  { name: 'emphasis marks', file: 'emphasis.md', make: (n) => `${frontMatter}${repeat('*a _', n)}\n` },
  {
    name: 'one paragraph of short sentences (He ran.)',
    file: 'sentences.txt',
    make: (n) => `Headline\n\n${repeat('He ran. ', n)}\n`,
  },
  {
    name: 'one sentence with no stop, then a stop',
    file: 'run-on.txt',
    make: (n) => `Headline\n\nThe ${repeat('word ', n)}ended. He ran.\n`,
  },
  {
    name: 'upper-case place-name run (wire dateline)',
    file: 'wire.txt',
    make: (n) => `Headline\n\n${repeat('AB ', n)}\n`,
  },
  {
    name: 'nested <div>s',
    file: 'nested.html',
    make: (n) => {
      const depth = Math.floor((n - 20) / 11);
      return `${'<div>'.repeat(depth)}<p>Deep.</p>${'</div>'.repeat(depth)}`;
    },
  },
  {
    name: 'nested inline tags',
    file: 'inline.html',
    make: (n) => {
      const depth = Math.floor((n - 30) / 7);
      return `<p>${'<b>'.repeat(depth)}The bold text ran on.${'</b>'.repeat(depth)}</p>`;
    },
  },
  {
    name: 'nested JSON arrays',
    file: 'nested.json',
    make: (n) => `${'['.repeat(Math.floor(n / 2))}${']'.repeat(Math.floor(n / 2))}`,
  },
];

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
  const script = fileURLToPath(new URL('adversarial-child.ts', import.meta.url));
  try {
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', script, String(index), String(bytes)], {
      encoding: 'utf8',
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

if (import.meta.url === `file://${process.argv[1]}`) adversarialSection();
