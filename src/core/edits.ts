import type { Digest, Point, Theme } from './digest.ts';
import { UsageError } from './errors.ts';
import * as z from './zod.ts';

const MAX_TITLE = 200;
const MAX_NOTE = 2000;
const themeRef = z.string().check(z.minLength(1), z.maxLength(200));
const position = z.int().check(z.minimum(1), z.maximum(10_000));
/**
 * The files of the story a theme edit was made on (its articles and their duplicates), recorded in folder mode
 * (anchorEdit): a rebuild after the story gains or loses an article gives the theme a new id, and the edit
 * then follows the theme that shares at least half of the files of the two together.
 */
const storyFiles = z.optional(z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(100_000)));
/** The text of the point a point edit was made on (folder mode): a rebuilt summary may number it otherwise. */
const pointText = z.optional(z.string().check(z.maxLength(5000)));
const oneLine = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.overwrite((text) => text.replace(/\s+/g, ' ').trim()),
  );

/** One change an editor makes to a built digest. Themes are named by id, points by position (from 1). */
export const editSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rename'),
    theme: themeRef,
    title: oneLine(MAX_TITLE),
    articles: storyFiles,
  }),
  z.object({ kind: z.literal('move'), theme: themeRef, to: position, articles: storyFiles }),
  z.object({ kind: z.literal('pin'), theme: themeRef, articles: storyFiles }),
  z.object({ kind: z.literal('drop-theme'), theme: themeRef, articles: storyFiles }),
  z.object({
    kind: z.literal('drop-point'),
    theme: themeRef,
    point: position,
    articles: storyFiles,
    text: pointText,
  }),
  /** `with` is the text of one of the theme's alternatives; the point it replaces becomes one. */
  z.object({
    kind: z.literal('replace-point'),
    theme: themeRef,
    point: position,
    with: z.string().check(z.maxLength(5000)),
    articles: storyFiles,
    text: pointText,
  }),
  /** The editor's note at the top of the email; empty removes it. */
  z.object({
    kind: z.literal('note'),
    text: z.string().check(z.maxLength(MAX_NOTE), z.trim()),
  }),
  /** The subject line; empty goes back to the template's. */
  z.object({ kind: z.literal('subject'), text: oneLine(MAX_TITLE) }),
]);

export type Edit = z.output<typeof editSchema>;
export type EditInput = z.input<typeof editSchema>;

/** An edit as the digest record keeps it: what, when and by whom. */
export interface RecordedEdit {
  edit: Edit;
  /** ISO 8601. */
  at: string;
  /** The operator's AWS identity, a `--by` name, or `studio` plus the local user. */
  by: string;
}

/** Validates untrusted input (an HTTP body, an edits file) as an edit; the error names `where`. */
export function parseEdit(input: unknown, where: string): Edit {
  const parsed = editSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`${where}: not a valid edit: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The digest with every edit applied in order; the first edit that does not apply is an error naming it. */
export function applyEdits(digest: Digest, edits: readonly Edit[]): Digest {
  return edits.reduce((current, edit, i) => {
    try {
      return applyEdit(current, edit);
    } catch (error) {
      throw new UsageError(`edit ${i + 1} (${describeEdit(edit, current)}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }, digest);
}

/**
 * For a digest rebuilt from changed articles (folder mode): applies the edits that still fit and returns
 * the others with the reason, so a removed story never stops the build. `described` has one line per edit, said
 * of the digest it was applied to (describeEdit): a theme by its headline at that point, a point by its text.
 */
export function applyEditsLeniently(
  digest: Digest,
  edits: readonly Edit[],
): { digest: Digest; stale: { edit: Edit; reason: string }[]; described: string[] } {
  const stale: { edit: Edit; reason: string }[] = [];
  const described: string[] = [];
  let current = digest;
  for (const edit of edits) {
    described.push(describeEdit(edit, current));
    try {
      current = applyEdit(current, edit);
    } catch (error) {
      stale.push({ edit, reason: (error as Error).message });
    }
  }
  return { digest: current, stale, described };
}

/** One edit; throws a UsageError saying why it does not apply. Never changes its input. */
export function applyEdit(digest: Digest, edit: Edit): Digest {
  switch (edit.kind) {
    case 'rename':
      if (!edit.title) throw new UsageError('the title is empty');
      return updateTheme(digest, edit, (theme) => ({ ...theme, label: edit.title, edited: true }));
    case 'move':
    case 'pin': {
      const from = themeIndex(digest, edit);
      const to = edit.kind === 'pin' ? 0 : edit.to - 1;
      if (to >= digest.themes.length)
        throw new UsageError(`position ${edit.kind === 'move' ? edit.to : 1} is out of range`);
      const themes = [...digest.themes];
      const [moved] = themes.splice(from, 1);
      themes.splice(to, 0, moved as Theme);
      return { ...digest, themes };
    }
    case 'drop-theme': {
      const index = themeIndex(digest, edit);
      if (digest.themes.length === 1)
        throw new UsageError(
          'it is the only theme: a digest keeps at least one (a pending digest can be rejected instead)',
        );
      return { ...digest, themes: digest.themes.filter((_, i) => i !== index) };
    }
    case 'drop-point':
      return updateTheme(digest, edit, (theme) => {
        const index = pointIndex(theme, edit);
        if (theme.points.length === 1)
          throw new UsageError('it is the only point of the theme: drop the theme instead');
        return { ...theme, points: theme.points.filter((_, i) => i !== index) };
      });
    case 'replace-point':
      return updateTheme(digest, edit, (theme) => {
        const index = pointIndex(theme, edit);
        const alternatives = theme.alternatives ?? [];
        const chosen = alternatives.find((a) => a.text === edit.with);
        if (!chosen) throw new UsageError('the replacement is not one of the theme’s alternative sentences');
        const { edited: _edited, ...replaced } = theme.points[index] as Point;
        return {
          ...theme,
          points: theme.points.map((p, i) => (i === index ? { ...chosen, edited: true } : p)),
          alternatives: [...alternatives.filter((a) => a !== chosen), replaced],
        };
      });
    case 'note': {
      const { intro: _intro, ...rest } = digest;
      return edit.text ? { ...rest, intro: edit.text } : rest;
    }
    case 'subject': {
      const { subject: _subject, ...rest } = digest;
      return edit.text ? { ...rest, subject: edit.text } : rest;
    }
  }
}

/**
 * One line for listings and errors, e.g. `rename "Floods in Valencia" to "Valencia floods"`. Given the digest the
 * edit is made on (the one before it), a theme is named by its headline and a point by its number and text, both
 * shortened, as the editor saw them; a theme not in it (or no digest) by its id, all there is to go by.
 */
export function describeEdit(edit: Edit, on?: Digest): string {
  if (!('theme' in edit))
    switch (edit.kind) {
      case 'note':
        return edit.text ? `note ${JSON.stringify(shorten(edit.text))}` : 'remove the note';
      case 'subject':
        return edit.text ? `subject ${JSON.stringify(edit.text)}` : 'subject from the template';
    }
  const theme = on && findTheme(on, edit);
  const name = theme ? JSON.stringify(shorten(theme.label)) : edit.theme;
  switch (edit.kind) {
    case 'rename':
      return `rename ${name} to ${JSON.stringify(edit.title)}`;
    case 'move':
      return `move ${name} to position ${edit.to}`;
    case 'pin':
      return `pin ${name} to the top`;
    case 'drop-theme':
      return `drop ${name}`;
    case 'drop-point':
      return `drop ${pointName(edit, theme)} of ${name}`;
    case 'replace-point':
      return `replace ${pointName(edit, theme)} of ${name} with ${JSON.stringify(shorten(edit.with))}`;
  }
}

/** The theme an edit names in `digest`, if it is there. */
function findTheme(digest: Digest, edit: { theme: string; articles?: string[] }): Theme | undefined {
  try {
    return digest.themes[themeIndex(digest, edit)];
  } catch {
    return undefined;
  }
}

/** `point 2 ("Rain fell…")`: its number, and its text as the edit recorded it or as the theme has it. */
function pointName(edit: { point: number; text?: string }, theme: Theme | undefined): string {
  const text = edit.text ?? theme?.points[edit.point - 1]?.text;
  return text === undefined
    ? `point ${edit.point}`
    : `point ${edit.point} (${JSON.stringify(shorten(text))})`;
}

/**
 * A theme named by its id or by its position in the digest as shown (from 1): what people type. Returns
 * the id, which stays right when other edits move themes around.
 */
export function resolveTheme(digest: Digest, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const theme = digest.themes[Number(ref) - 1];
    if (!theme) throw new UsageError(`theme ${ref} is out of range (1 to ${digest.themes.length})`);
    return theme.id;
  }
  themeIndex(digest, { theme: ref });
  return ref;
}

/**
 * The edit with what identifies its theme and point in `digest` (the digest as the editor sees it) beyond
 * their id and number: the story's files and the point's text. A folder's digest is built again whenever its
 * files change, and a story that gains or loses an article gets a new theme id, a changed article a new
 * summary; with these the edit still finds its story, and never drops or swaps another point than the one
 * the editor saw (it is reported as no longer fitting instead).
 */
export function anchorEdit(digest: Digest, edit: Edit): Edit {
  if (!('theme' in edit)) return edit;
  const theme = digest.themes[themeIndex(digest, edit)] as Theme;
  const anchored = { ...edit, articles: filesOf(theme) };
  if (anchored.kind !== 'drop-point' && anchored.kind !== 'replace-point') return anchored;
  return { ...anchored, text: (theme.points[pointIndex(theme, anchored)] as Point).text };
}

/** A theme's files: its articles' ids and their duplicates', sorted. */
function filesOf(theme: Theme): string[] {
  return theme.articles.flatMap((a) => [a.id, ...(a.duplicates ?? [])]).sort();
}

/**
 * The theme an edit names: by its id, else (an edit anchored in a digest built from other files) the theme
 * whose files share at least half of the files of the two together with the story the edit was made on, the
 * most alike first.
 */
function themeIndex(digest: Digest, edit: { theme: string; articles?: string[] }): number {
  const index = digest.themes.findIndex((t) => t.id === edit.theme);
  if (index >= 0) return index;
  if (!edit.articles?.length) throw new UsageError(`there is no theme ${edit.theme} in this digest`);
  const story = new Set(edit.articles);
  let best = -1;
  let bestLikeness = 0.5;
  digest.themes.forEach((theme, i) => {
    const files = filesOf(theme);
    const shared = files.filter((f) => story.has(f)).length;
    const likeness = shared / (files.length + story.size - shared);
    if (likeness > bestLikeness || (likeness === bestLikeness && best < 0)) {
      best = i;
      bestLikeness = likeness;
    }
  });
  if (best < 0)
    throw new UsageError(
      `the story it was made on (${count(story.size, 'file')}: ${shorten(edit.articles.join(', '))}) is no longer in the digest: no theme shares half its files`,
    );
  return best;
}

/** The point an edit names: by its text when it has one (anchorEdit), else by its number. */
function pointIndex(theme: Theme, edit: { point: number; text?: string }): number {
  if (edit.text !== undefined) {
    const index = theme.points.findIndex((p) => p.text === edit.text);
    if (index < 0)
      throw new UsageError(
        `the point ${JSON.stringify(shorten(edit.text))} is no longer in the theme's summary`,
      );
    return index;
  }
  if (edit.point > theme.points.length)
    throw new UsageError(`point ${edit.point} is out of range (1 to ${theme.points.length})`);
  return edit.point - 1;
}

function updateTheme(
  digest: Digest,
  edit: { theme: string; articles?: string[] },
  change: (theme: Theme) => Theme,
): Digest {
  const index = themeIndex(digest, edit);
  return { ...digest, themes: digest.themes.map((t, i) => (i === index ? change(t) : t)) };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
