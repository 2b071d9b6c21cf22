import type { Article } from '../src/core/article.ts';
import type { Digest } from '../src/core/digest.ts';
import { HEADLINE_MAX_WORDS, HEADLINE_MIN_WORDS, isNameList } from '../src/core/headline.ts';
import { isStopword, wordCount, words } from '../src/core/text/tokens.ts';

/** How the themes' titles (`label`) read: headlines, not lists of names, and taken from their sources. */
export interface TitleFigures {
  titles: number;
  /** Share of titles that are a comma or "and" list of names ("SeaMicro, Intel"). Target 0. */
  commaList: number;
  /** Share of titles whose every content word is found in the theme's own articles. Target 1. */
  grounded: number;
  /** Share of titles of 4 to 14 words. Target 1. */
  inLength: number;
  minWords: number;
  maxWords: number;
}

/** Title figures of a digest; `articles` are the parsed articles it was built from. */
export function titleFigures(digest: Digest, articles: readonly Article[]): TitleFigures {
  const vocabulary = new Map(
    articles.map((a) => [a.id, new Set(words(`${a.title} ${a.sentences.join(' ')}`))]),
  );
  const counts = digest.themes.map((t) => wordCount(t.label));
  const share = (test: (theme: Digest['themes'][number], i: number) => boolean) =>
    digest.themes.length === 0 ? 1 : digest.themes.filter(test).length / digest.themes.length;
  return {
    titles: digest.themes.length,
    commaList: digest.themes.filter((t) => isNameList(t.label)).length / Math.max(1, digest.themes.length),
    grounded: share((theme) => {
      const sources = theme.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])]);
      return words(theme.label)
        .filter((w) => !isStopword(w))
        .every((w) => sources.some((id) => vocabulary.get(id)?.has(w)));
    }),
    inLength: share((_, i) => {
      const n = counts[i] as number;
      return n >= HEADLINE_MIN_WORDS && n <= HEADLINE_MAX_WORDS;
    }),
    minWords: counts.length === 0 ? 0 : Math.min(...counts),
    maxWords: counts.length === 0 ? 0 : Math.max(...counts),
  };
}

/** One line for `npm run eval`'s report. */
export function titleLine(t: TitleFigures): string {
  const pct = (x: number) => `${Number((x * 100).toFixed(1))} %`;
  return `titles: comma lists ${pct(t.commaList)}, grounded in their sources ${pct(t.grounded)}, ${t.minWords}-${t.maxWords} words (${pct(t.inLength)} of ${t.titles} within ${HEADLINE_MIN_WORDS}-${HEADLINE_MAX_WORDS})`;
}

/** The title targets of issue 17, as [name suffix, value, target, kind]. */
export function titleTargets(t: TitleFigures): [string, number, number, 'min' | 'equal'][] {
  return [
    ['comma-list titles', t.commaList, 0, 'equal'],
    ['titles grounded in their sources', t.grounded, 1, 'min'],
    [`titles of ${HEADLINE_MIN_WORDS}-${HEADLINE_MAX_WORDS} words`, t.inLength, 1, 'min'],
  ];
}
