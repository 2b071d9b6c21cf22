/**
 * `npx tsx eval/event-errors.ts [DIR]`: where the themes of a corpus with gold events (default
 * ../shared/eval/ecbplus-dev) go wrong: themes that hold several gold events, and gold events split over
 * several themes, with each article's gold event, date and headline. A diagnostic for tuning
 * src/core/themes.ts; `npm run eval` owns the figures.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSourceFolder } from '../src/adapters/local-files.ts';
import { buildDigest } from '../src/core/digest-from-files.ts';
import { compareClusterings } from './metrics.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.argv[2] ?? resolve(projectRoot, '../shared/eval/ecbplus-dev'));
const gold = new Map(
  Object.entries(
    (JSON.parse(await readFile(join(dir, 'gold.json'), 'utf8')) as { events: Record<string, string> }).events,
  ),
);
const digest = await buildDigest(await readSourceFolder(join(dir, 'articles')), {
  now: () => new Date('2026-01-01T00:00:00Z'),
});
const themeOf = new Map<string, string>();
for (const theme of digest.themes) {
  for (const a of theme.articles) for (const id of [a.id, ...(a.duplicates ?? [])]) themeOf.set(id, theme.id);
}
const themesOfEvent = new Map<string, Set<string>>();
for (const [id, event] of gold) {
  const themes = themesOfEvent.get(event) ?? new Set();
  themes.add(themeOf.get(id) ?? '(none)');
  themesOfEvent.set(event, themes);
}
const scores = compareClusterings(themeOf, gold);
console.log(
  `${dir}: NMI ${scores.nmi.toFixed(4)}, ARI ${scores.ari.toFixed(4)}, ${digest.themes.length} themes`,
);
for (const theme of digest.themes) {
  const ids = theme.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])]);
  const events = new Map<string, number>();
  for (const id of ids) events.set(gold.get(id) ?? '?', (events.get(gold.get(id) ?? '?') ?? 0) + 1);
  const merged = events.size > 1;
  const split = [...events.keys()].some((e) => (themesOfEvent.get(e)?.size ?? 0) > 1);
  if (!merged && !split) continue;
  const parts = [...events].map(([event, n]) => `${event}: ${n}`).join(', ');
  console.log(`\n${merged ? 'MERGED' : 'SPLIT '} ${theme.label} (${parts})`);
  for (const a of theme.articles) {
    console.log(
      `  ${gold.get(a.id) ?? '?'}  ${a.published?.slice(0, 10) ?? '          '}  ${a.id}  ${a.title.slice(0, 80)}`,
    );
  }
}
