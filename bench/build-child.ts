// One benchmark corpus through the whole build, as `digest build` runs it (digest, then the email), in a fresh
// process so its peak RSS is its own.
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
const { digest, email } = await timer.runAsync('total', async () => {
  const digest = await buildDigest(files, {
    now: () => new Date(0),
    runStage: (stage, work) => timer.run(stage, work),
  });
  const email = await timer.runAsync('render', async () =>
    renderSampleEmail(digest, await loadTemplates(templateFolder()), parseEmailSettings({})),
  );
  return { digest, email };
});
process.stdout.write(
  JSON.stringify({
    size,
    themes: digest.themes.length,
    skipped: digest.skipped.length,
    htmlBytes: Buffer.byteLength(email.html),
    figures: timer.figures,
  }),
);
