/**
 * `npx tsx eval/edits.ts [--data DIR]`: what editing does to the grounding guarantee. Builds the digest of
 * every theme corpus, swaps each theme's first point for its first alternative and renames each title (the
 * edits an editor makes), then reports edited and unedited points apart, and the alternatives offered.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readSourceFolder } from '../src/adapters/local-files.ts';
import type { Article } from '../src/core/article.ts';
import type { Digest } from '../src/core/digest.ts';
import { buildDigest } from '../src/core/digest-from-files.ts';
import { applyEdits, type Edit } from '../src/core/edits.ts';
import { parseFiles } from '../src/core/parse-files.ts';
import { type Grounding, groundingOf } from './evaluate.ts';

export interface EditGrounding {
  editedTitles: number;
  edited: Grounding;
  unedited: Grounding;
  /** The sentences offered for swapping, checked as points. */
  alternatives: Grounding;
}

/** Grounding of an edited digest, edited points and the rest counted apart. */
export function editGrounding(digest: Digest, articles: readonly Article[]): EditGrounding {
  const only = (keep: (edited: boolean) => boolean): Digest => ({
    ...digest,
    themes: digest.themes.map((t) => ({ ...t, points: t.points.filter((p) => keep(p.edited === true)) })),
  });
  const offered: Digest = {
    ...digest,
    themes: digest.themes.map((t) => ({ ...t, points: t.alternatives ?? [] })),
  };
  return {
    editedTitles: digest.themes.filter((t) => t.edited).length,
    edited: groundingOf(
      only((edited) => edited),
      articles,
    ),
    unedited: groundingOf(
      only((edited) => !edited),
      articles,
    ),
    alternatives: groundingOf(offered, articles),
  };
}

/** The edits an editor typically makes: every title rewritten, every first point swapped. */
export function typicalEdits(digest: Digest): Edit[] {
  return digest.themes.flatMap((t): Edit[] => [
    { kind: 'rename', theme: t.id, title: `Edited: ${t.label}` },
    ...(t.alternatives?.[0]
      ? [{ kind: 'replace-point' as const, theme: t.id, point: 1, with: t.alternatives[0].text }]
      : []),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { data: { type: 'string' } } });
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const data = resolve(values.data ?? process.env.DIGEST_EVAL_DIR ?? join(root, '../shared/eval'));
  const dir = join(data, 'ecbplus-dev', 'articles');
  const files = await readSourceFolder(dir);
  const built = await buildDigest(files, { now: () => new Date('2026-01-01T00:00:00Z') });
  const report = editGrounding(applyEdits(built, typicalEdits(built)), (await parseFiles(files)).articles);
  const line = (name: string, g: Grounding) =>
    console.log(
      `${name.padEnd(13)} ${String(g.points).padStart(4)} points  grounded ${(g.grounded * 100).toFixed(1)} %  verbatim ${(g.verbatim * 100).toFixed(1)} %`,
    );
  console.log(`ecbplus-dev: ${built.themes.length} themes, ${report.editedTitles} titles edited`);
  line('edited', report.edited);
  line('unedited', report.unedited);
  line('alternatives', report.alternatives);
}
