import type { Digest, Theme } from '../../src/core/digest.ts';

const SENTENCE =
  'Officials from both governments met on Tuesday to discuss border security, trade corridors and the return of refugees, and agreed to meet again next month';

/**
 * A digest shaped like a busy day: `themeCount` themes of five articles with long titles and URLs, and five
 * points each citing two of them.
 */
export function busyDigest(themeCount: number): Digest {
  const themes: Theme[] = Array.from({ length: themeCount }, (_, t) => {
    const articles = Array.from({ length: 5 }, (_, a) => ({
      id: `feeds/outlet-${a}/story-${t}-${a}.md`,
      title: `Story ${t + 1}.${a + 1}: ministers from both countries trade warnings over the long disputed border region`,
      source: `Outlet ${a + 1} News`,
      url: `https://www.outlet${a + 1}.example/world/2026/11/23/story-${t}-${a}-ministers-trade-warnings-over-border`,
      published: '2026-11-23T06:00:00Z',
      ...(a === 0 ? { duplicates: [`feeds/mirror/story-${t}.md`] } : {}),
    }));
    return {
      id: `theme-${t + 1}`,
      label: `Theme ${t + 1}: border talks and regional security`,
      articles,
      points: Array.from({ length: 5 }, (_, p) => ({
        text: `${SENTENCE} (${t + 1}.${p + 1}).`,
        sources: [articles[p]?.id ?? '', articles[(p + 1) % 5]?.id ?? ''],
      })),
    };
  });
  return { title: 'Morning digest', generatedAt: '2026-11-23T07:00:00.000Z', themes, skipped: [] };
}
