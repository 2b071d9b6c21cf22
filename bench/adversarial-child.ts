// One hostile file (or flood of files) through parse and the whole digest build, in a fresh process: prints { ms, outcome }.
import { buildDigest } from '../src/core/digest-from-files.ts';
import { ADVERSARIAL_CLASSES, adversarialFiles } from './adversarial-classes.ts';
import { median } from './stats.ts';

const adversarial = ADVERSARIAL_CLASSES[Number(process.argv[2])];
if (!adversarial) throw new Error(`no adversarial class ${process.argv[2]}`);
const files = adversarialFiles(adversarial, Number(process.argv[3]));
// A small input of the class first: module loading and compilation are not part of the growth measured.
await buildDigest(adversarialFiles(adversarial, 20_000), { now: () => new Date(0) });
// The median of three builds: one garbage collection can double a single short run on a busy machine.
const runs: { ms: number; digest: Awaited<ReturnType<typeof buildDigest>> }[] = [];
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  const digest = await buildDigest(files, { now: () => new Date(0) });
  runs.push({ ms: performance.now() - started, digest });
}
const ms = median(runs.map((r) => r.ms));
const { digest } = runs[0] as (typeof runs)[number];
const outcome = digest.skipped[0]
  ? `skipped: ${digest.skipped[0].reason.slice(0, 60)}`
  : `${digest.themes.length} theme(s)`;
process.stdout.write(JSON.stringify({ ms, outcome }));
