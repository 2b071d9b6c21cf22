// The digest and email of one benchmark corpus, hashed: an optimisation must leave both byte-identical.
import { createHash } from 'node:crypto';
import { templateFolder } from '../src/adapters/template-folder.ts';
import { buildDigest } from '../src/core/digest-from-files.ts';
import { renderSampleEmail } from '../src/core/render/sample.ts';
import { parseEmailSettings } from '../src/core/render/settings.ts';
import { loadTemplates } from '../src/core/render/templates.ts';
import { generateCorpus, loadEventStories } from './corpus.ts';
import { StageTimer } from './stage-timer.ts';

const size = Number(process.argv[2]);
const evalDir = process.argv[3] ?? '../shared/eval';
const files = generateCorpus(loadEventStories(evalDir), size);
const timer = new StageTimer();
const digest = await buildDigest(files, {
  now: () => new Date(0),
  runStage: (stage, work) => timer.run(stage, work),
});
const email = await renderSampleEmail(digest, await loadTemplates(templateFolder()), parseEmailSettings({}));
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
process.stdout.write(
  `${JSON.stringify({ size, digest: hash(JSON.stringify(digest)), html: hash(email.html), text: hash(email.text) })}\n`,
);
for (const f of timer.figures)
  process.stdout.write(
    `${f.stage.padEnd(10)} cpu ${(f.cpuMs / 1000).toFixed(2)} s  wall ${(f.ms / 1000).toFixed(2)} s  peak ${f.peakRssMiB.toFixed(0)} MiB\n`,
  );
