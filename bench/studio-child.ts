// The preview studio on a folder of benchmark articles, as an editor uses it: the first build, then edits made
// through its API (each answered once the studio shows it), then one article changed, then the studio's page
// loaded in headless Chromium as it reloads after each build. Prints JSON.
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PreviewServer } from '../src/preview/server.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { startFolderEditStudio, studioToken, studioUrl } from '../tests/support/studio.ts';
import { generateCorpus, loadEventStories } from './corpus.ts';
import { median } from './stats.ts';

const size = Number(process.argv[2]);
const evalDir = process.argv[3] ?? '../shared/eval';
const EDITS = 3;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Wall and CPU ms of `work`. */
const timed = async (work: () => Promise<unknown>) => {
  const [wall, cpu] = [performance.now(), cpuMs()];
  await work();
  return { ms: performance.now() - wall, cpuMs: cpuMs() - cpu };
};

const work = await mkdtemp(join(tmpdir(), 'bench-studio-'));
const folder = join(work, 'articles');
const files = generateCorpus(loadEventStories(evalDir), size);
for (const file of files) {
  const path = join(folder, file.id);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, file.bytes);
}

let studio: PreviewServer | undefined;
const firstBuild = await timed(async () => {
  studio = await startFolderEditStudio(folder, 'bench');
});
if (!studio) throw new Error('the studio did not start');
const url = studio.url;
const editUrl = studioUrl(studio, '/api/edit');
const token = await studioToken(studio);
const theme = studio.current().digest?.themes[0]?.id ?? '';

// Each edit is answered once the studio has rebuilt with it, as the page waits for it.
const edits = [];
for (let version = 0; version < EDITS; version++) {
  edits.push(
    await timed(async () => {
      const response = await fetch(editUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-studio-token': token },
        body: JSON.stringify({ version, edit: { kind: 'rename', theme, title: `Headline ${version}` } }),
      });
      if (response.status !== 200)
        throw new Error(`edit ${version}: ${response.status} ${await response.text()}`);
    }),
  );
}
// One article changed on disk: the studio sees it (after its 100 ms settling time) and shows the rebuilt digest.
const shown = studio.current().version;
const changed = await timed(async () => {
  await appendFile(
    join(folder, files[0]?.id ?? ''),
    '\n\nThe agency said more details would follow on Monday.\n',
  );
  while (studio?.current().version === shown) await new Promise((resolve) => setTimeout(resolve, 5));
});
// The page as the editor's browser shows it after each build (it reloads): headless Chromium, median of 3 loads.
const browser = await launchChromium();
const page = await browser.context.newPage();
const pageLoads = [];
for (let load = 0; load < 3; load++) {
  const started = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  pageLoads.push(performance.now() - started);
}
const pageKb = Buffer.byteLength(await page.content()) / 1024;
await browser.close();
await studio.close();
await rm(work, { recursive: true, force: true });

process.stdout.write(
  JSON.stringify({
    size,
    themes: studio.current().digest?.themes.length,
    firstBuildMs: firstBuild.ms,
    firstBuildCpuMs: firstBuild.cpuMs,
    editMs: median(edits.map((e) => e.ms)),
    editCpuMs: median(edits.map((e) => e.cpuMs)),
    changedFileMs: changed.ms,
    changedFileCpuMs: changed.cpuMs,
    pageLoadMs: median(pageLoads),
    pageKb,
  }),
);
