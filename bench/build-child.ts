// One benchmark corpus through the whole build, in a fresh process so its peak RSS is its own.
import { buildDigest } from '../src/core/pipeline.ts';
import { generateCorpus, loadEventStories } from './corpus.ts';
import { StageTimer } from './stage-timer.ts';

const size = Number(process.argv[2]);
const evalDir = process.argv[3] ?? '../shared/eval';
const files = generateCorpus(loadEventStories(evalDir), size);
const timer = new StageTimer();
const digest = timer.run('total', () =>
  buildDigest(files, { now: () => new Date(0), runStage: (stage, work) => timer.run(stage, work) }),
);
process.stdout.write(
  JSON.stringify({
    size,
    themes: digest.themes.length,
    skipped: digest.skipped.length,
    figures: timer.figures,
  }),
);
